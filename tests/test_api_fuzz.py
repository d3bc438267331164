"""The JSON API fuzzed against its own OpenAPI document: a real gunicorn server with the demo
loaded, every operation called with generated requests under a staff member's token and under a
scanner's, and every answer held to the document (no 5xx, a documented status, its content type,
a body matching its schema).

Run only this module with `pytest tests/test_api_fuzz.py`. The examples are derived from a fixed
seed, so that a run that passes passes again; a failure prints the request that caused it.
"""

import pytest

from tests.support.fuzz import FuzzRun, demo_places, enrol_scanner, staff_token

pytestmark = pytest.mark.server

#: The scanner's activity: a health service day, whose stations have queues only a scanner calls.
SCANNER_KIND = "health"


def test_the_api_answers_a_staff_member_and_a_scanner_as_its_document_says(live_server, run_cli):
    # One test for both callers: loading the demo is a good part of the time this module takes.
    result = run_cli("demo", "load")
    assert result.exit_code == 0, result.output
    server = live_server(workers=2)
    staff = staff_token(run_cli, "admin@demo.example")
    places = demo_places(server.url, staff)
    scanner = enrol_scanner(server.url, run_cli, places[SCANNER_KIND].activity_id)
    failures = FuzzRun(server.url, "staff", staff, places=places, home="consultation").run()
    failures += FuzzRun(server.url, "scanner", scanner, places=places, home=SCANNER_KIND).run()
    assert not failures, "\n\n".join(failures)
