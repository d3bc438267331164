"""Simultaneous scans against a real multi-worker gunicorn server: exactly one acceptance, no 5xx."""

import http.client
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Scan
from eventdesk.extensions import db
from tests.support import factories

pytestmark = pytest.mark.server


def _post(base_url: str, path: str, token: str, body: dict) -> tuple[int, dict]:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request("POST", f"/api/v1{path}", body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def _storm(base_url: str, token: str, bodies: list[tuple[str, dict]], threads: int) -> list[tuple[int, dict]]:
    """Send every request at once (as near as threads allow) and collect the answers."""
    start = threading.Event()

    def send(item):
        path, body = item
        start.wait(timeout=30)
        return _post(base_url, path, token, body)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(send, item) for item in bodies]
        start.set()
        return [future.result() for future in futures]


@pytest.fixture
def event_setup(app):
    with app.app_context():
        activity = factories.activity(booths=1)
        tickets = [factories.registration(activity) for _ in range(64)]
        token = factories.scanner_token(activity)
        db.session.commit()
        return {"tokens": [t.token for t in tickets], "scanner": token, "booth": activity.booths[0].id}


def test_same_ticket_scanned_at_once_is_accepted_exactly_once(app, live_server, event_setup):
    server = live_server(workers=2)
    ticket = event_setup["tokens"][0]
    bodies = [("/scans", {"token": ticket, "client_scan_id": str(uuid.uuid4())}) for _ in range(32)]
    answers = _storm(server.url, event_setup["scanner"], bodies, threads=32)
    assert [status for status, _ in answers] == [200] * 32
    results = sorted(answer["result"] for _, answer in answers)
    assert results.count("accepted") == 1
    assert results.count("duplicate") == 31
    with app.app_context():
        accepted = db.session.scalar(
            sa.select(sa.func.count()).select_from(Scan).where(Scan.result == "accepted")
        )
    assert accepted == 1


def test_same_booth_visit_at_once_is_accepted_exactly_once(app, live_server, event_setup):
    server = live_server(workers=2)
    ticket, booth = event_setup["tokens"][1], event_setup["booth"]
    bodies = [
        ("/scans", {"token": ticket, "booth_id": booth, "client_scan_id": str(uuid.uuid4())})
        for _ in range(24)
    ]
    answers = _storm(server.url, event_setup["scanner"], bodies, threads=24)
    assert all(status == 200 for status, _ in answers)
    assert sorted(a["result"] for _, a in answers).count("accepted") == 1


def test_many_first_scans_at_once_never_fail(app, live_server, event_setup):
    server = live_server(workers=2)
    bodies = [("/scans", {"token": t, "client_scan_id": str(uuid.uuid4())}) for t in event_setup["tokens"]]
    answers = _storm(server.url, event_setup["scanner"], bodies, threads=16)
    assert [status for status, _ in answers] == [200] * len(bodies)
    assert {a["result"] for _, a in answers} == {"accepted"}
    assert max(a["counts"]["checked_in"] for _, a in answers) == len(bodies)


def test_same_batch_uploaded_twice_at_once_counts_once(app, live_server, event_setup):
    """A sync cut off and retried while the first upload is still being judged."""
    server = live_server(workers=2)
    batch = {"scans": [{"token": t, "client_scan_id": str(uuid.uuid4())} for t in event_setup["tokens"]]}
    answers = _storm(server.url, event_setup["scanner"], [("/scans/batch", batch)] * 4, threads=4)
    assert [status for status, _ in answers] == [200] * 4
    first = [r["scan_id"] for r in answers[0][1]["results"]]
    for _, answer in answers[1:]:
        assert [r["scan_id"] for r in answer["results"]] == first
        assert {r["result"] for r in answer["results"]} == {"accepted"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == len(event_setup["tokens"])
    assert answers[-1][1]["counts"]["checked_in"] == len(event_setup["tokens"])


def test_registration_storm_fills_capacity_exactly(app, live_server):
    """Thirty phones registering at once for ten places: ten tickets, twenty refusals, no 5xx."""
    with app.app_context():
        activity = factories.activity(registration_open=True, capacity=10)
        db.session.commit()
        activity_id = activity.id
    server = live_server(workers=2)
    bodies = [
        (
            f"/activities/{activity_id}/registrations",
            {"name": f"报名者{i}", "phone": f"1370000{i:04d}", "consent": True},
        )
        for i in range(30)
    ]
    answers = _storm(server.url, "", bodies, threads=30)
    statuses = sorted(status for status, _ in answers)
    assert statuses.count(201) == 10
    assert statuses.count(409) == 20
    assert {a["error"]["code"] for status, a in answers if status == 409} == {"capacity_full"}
    with app.app_context():
        from eventdesk.core.models import Registration
        from eventdesk.core.services import tally as tally_service

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 10
        assert tally_service.stored() == tally_service.facts()
