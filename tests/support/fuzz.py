"""Fuzzing the JSON API with Schemathesis: requests generated from the server's own OpenAPI
document, each answer held to that document."""

import re
from dataclasses import dataclass

import hypothesis
import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eventdesk.core.kinds import all_kinds
from tests.support.remote import RemoteClient

#: Generated requests per operation, generation mode (valid or breaking the document's rules),
#: ids (generated or a real place's) and caller: with the real places, enough to reach each
#: operation's refusals and answers; few enough for the module to take about three minutes on
#: two cores.
EXAMPLES_PER_OPERATION = 15

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

#: Operations not fuzzed. The live-count stream stays open until the client leaves, so a fuzzer
#: waiting for the whole answer would wait forever; tests/test_live_counts.py tests who it lets in.
UNFUZZED = frozenset({"GET /stream/counts"})

_TOKEN_LINE = re.compile(r"^token: (\S+)$", re.MULTILINE)


def staff_token(run_cli, email: str) -> str:
    """A staff member's personal API token, as `flask users token` prints it."""
    result = run_cli("users", "token", email)
    assert result.exit_code == 0, result.output
    return _TOKEN_LINE.search(result.output).group(1)


def enrol_scanner(base_url: str, run_cli, activity_id: int) -> str:
    """A phone enrolled at `activity_id`: the credential `flask scanner issue` makes, its one-time
    code exchanged for the bearer token at the server, as the phone opening the link does."""
    result = run_cli("scanner", "issue", "--activity", str(activity_id), "--label", "fuzz")
    assert result.exit_code == 0, result.output
    enrolment_link = result.stdout.splitlines()[0]
    code = enrolment_link.rsplit("/", 1)[1]
    reply = RemoteClient(base_url).post_json("/api/v1/scanner/enrol", {"code": code})
    assert reply.status == 200, reply.text
    return reply.json()["token"]


@dataclass(frozen=True)
class Place:
    """An activity of the demo and one of its booths."""

    activity_id: int
    booth_id: int


def demo_places(base_url: str, token: str) -> dict[str, Place]:
    """A place of each kind of activity the demo holds, as a staff member who sees them all."""
    client = RemoteClient(base_url)
    bearer = {"Authorization": f"Bearer {token}"}
    reply = client.get("/api/v1/activities", **bearer)
    assert reply.status == 200, reply.text
    places = {}
    for activity in reply.json():
        booths = client.get(f"/api/v1/activities/{activity['id']}/booths", **bearer).json()
        if booths and activity["kind"] not in places:
            places[activity["kind"]] = Place(activity["id"], booths[0]["id"])
    return places


def _kinds_of_paths() -> dict[str, str]:
    return {path: kind.name for kind in all_kinds() for path in kind.openapi_paths}


class FuzzRun:
    """Every operation of the server's document, called with generated requests (valid ones and
    ones that break the document's rules) under one bearer token. Operations under an activity
    are fuzzed again at a real place (`places`: one of each kind; `home`: for the operations of
    no kind), to reach past the 404 that generated ids mostly meet."""

    def __init__(self, base_url: str, caller: str, token: str, *, places: dict[str, Place], home: str):
        self.base_url = base_url
        self.caller = caller
        self.token = token
        self.places = places
        self.home = home
        self.session = requests.Session()

    def run(self) -> list[str]:
        """The failures found, each with the request that caused it; empty when all held."""
        schema = schemathesis.openapi.from_url(f"{self.base_url}/api/v1/openapi.json")
        kinds = _kinds_of_paths()
        failures = []
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label in UNFUZZED:
                continue
            named = {parameter.name for parameter in operation.path_parameters}
            place = self.places[kinds.get(operation.path, self.home)]
            at_place = {"activity_id": place.activity_id, "booth_id": place.booth_id}
            fixed = {name: value for name, value in at_place.items() if name in named}
            # With the ids fixed, only a body or a query is left to break the document's rules.
            breakable_at_place = bool(operation.body or operation.query)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failures += self._fuzz(operation, mode)
                if fixed and (mode == GenerationMode.POSITIVE or breakable_at_place):
                    failures += self._fuzz(operation, mode, path_parameters=fixed)
        return failures

    def _fuzz(self, operation, mode: GenerationMode, **fixed) -> list[str]:
        strategy = operation.as_strategy(
            generation_mode=mode, headers={"Authorization": f"Bearer {self.token}"}, **fixed
        )

        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=strategy)
        def call(case):
            case.call_and_validate(
                base_url=f"{self.base_url}/api/v1", session=self.session, checks=CHECKS, timeout=30
            )

        try:
            call()
        except (Exception, FailureGroup) as failure:
            at = fixed.get("path_parameters", "generated ids")
            return [f"{operation.label} as {self.caller} ({mode.value}, {at}):\n{failure}"]
        return []
