"""PostgreSQL restarted in the middle of a job fair's load, behind a real 2-worker server: while it is
away, answers fail cleanly (503 ``database_unavailable``, never a 500); scanners and stands send
again what went unanswered under the same client ids; once it is back, requests succeed without
restarting the server, every answered scan and application is stored once, and the tally is what
its facts say.

The server restarted here is one of the test's own (tests/support/throwaway_postgres.py), never
the shared test database; so this module runs in the PostgreSQL suite only, where the PostgreSQL
programs are installed."""

import json
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from eventdesk import create_app
from eventdesk.activities.jobfair.models import Application
from eventdesk.config import normalise_database_url
from eventdesk.core.database import IDLE_BEFORE_TRY_SECONDS
from eventdesk.core.models import Action, Activity, Scan
from eventdesk.core.models.tally import WHOLE_ACTIVITY
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.jobfair import build_fair
from tests.support.remote import RemoteClient, post_once
from tests.support.throwaway_postgres import ThrowawayPostgres, programs_directory

pytestmark = pytest.mark.server

SEEKERS = 45
CLIENTS = 6
STAND = "宏达建材有限公司"
POSTING = "操作工"
#: How long one request is sent again before the test gives up on the server.
RETRY_FOR = 40
#: 503 answers to see while the database is away before it is brought back (bounded by DOWN_FOR).
UNAVAILABLE_ANSWERS = 10
DOWN_FOR = 10
#: Requests sent one by one after a restart nobody saw (both workers answer some of them).
AFTER_QUIET_RESTART = 12


@pytest.fixture(scope="module")
def postgres():
    if not normalise_database_url(os.environ.get("TEST_DATABASE_URL", "")).startswith("postgresql"):
        pytest.skip(
            "restarts a PostgreSQL server of its own: runs in the PostgreSQL suite (TEST_DATABASE_URL)"
        )
    programs = programs_directory()
    if programs is None:
        pytest.fail("the PostgreSQL suite needs the PostgreSQL programs (initdb, pg_ctl) installed")
    server = ThrowawayPostgres(programs)
    try:
        server.create()
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def database_url(postgres):
    """This module's apps and servers use the throwaway server, migrated from empty."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": postgres.url, "SECRET_KEY": "test-secret-key"}
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return postgres.url


class Answers:
    """What the clients were told: how many clean 503 ``database_unavailable`` answers (with
    Retry-After), and every other 5xx."""

    def __init__(self):
        self.lock = threading.Lock()
        self.unavailable = 0
        self.other_errors = []

    def record(self, status: int, payload: bytes, headers) -> None:
        if status < 500:
            return
        try:
            code = json.loads(payload)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = None
        with self.lock:
            if status == 503 and code == "database_unavailable" and int(headers["Retry-After"]) >= 1:
                self.unavailable += 1
            else:
                self.other_errors.append((status, payload[:300]))


def send_until_answered(base_url: str, token: str, path: str, body: dict, answers: Answers):
    """POST `body` again and again, unchanged, while no answer comes or the answer is a 503, as
    the scanner's queue does; the status and JSON of the first other answer."""
    deadline = time.monotonic() + RETRY_FOR
    while time.monotonic() < deadline:
        answer = post_once(base_url, token, path, body)  # None: no answer, sent again unchanged
        if answer is not None:
            status, payload, headers = answer
            answers.record(status, payload, headers)
            if status < 500:
                return status, json.loads(payload)
        time.sleep(0.05)
    raise AssertionError(f"{path} {body} never answered")


def test_requests_fail_cleanly_while_postgres_restarts_and_succeed_after(app, live_server, postgres):
    fair = build_fair(app)
    with app.app_context():
        activity = db.session.get(Activity, fair.activity)
        tickets = [factories.registration(activity).token for _ in range(SEEKERS)]
        db.session.commit()
    server = live_server(workers=2)
    stand_scanner = fair.stand_scanners[STAND]
    answers = Answers()
    visits = []  # (scan body, scan answer, application body, application status, application answer)
    lock = threading.Lock()

    def visit(ticket: str):
        """A seeker checked in at the entrance, then applying at the stand."""
        scan = {"token": ticket, "client_scan_id": str(uuid.uuid4())}
        _status, scanned = send_until_answered(server.url, fair.scanner, "/scans", scan, answers)
        application = {
            "client_action_id": str(uuid.uuid4()),
            "booth_id": fair.stand(STAND),
            "token": ticket,
            "fields": {"posting_id": str(fair.postings[POSTING])},
        }
        path = f"/activities/{fair.activity}/actions/apply"
        status, applied = send_until_answered(server.url, stand_scanner, path, application, answers)
        with lock:
            visits.append((scan, scanned, application, status, applied))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [pool.submit(visit, ticket) for ticket in tickets]
        while len(visits) < SEEKERS // 3 and not any(
            future.done() and future.exception() for future in futures
        ):
            time.sleep(0.01)
        postgres.stop()
        down_until = time.monotonic() + DOWN_FOR
        while answers.unavailable < UNAVAILABLE_ANSWERS and time.monotonic() < down_until:
            time.sleep(0.05)
        seen_while_down = answers.unavailable
        visits_before_restart = len(visits)
        postgres.start()
        for future in futures:
            future.result()

    # While the database was away, the server answered, and answered 503 with its reason code.
    assert seen_while_down >= 1
    assert answers.other_errors == []
    # Once it was back, requests succeeded again on the same server, with no restart of its own.
    assert len(visits) == SEEKERS > visits_before_restart
    assert {scanned["result"] for _scan, scanned, _application, _status, _applied in visits} == {"accepted"}
    assert {(status, applied["result"]) for *_rest, status, applied in visits} <= {
        (201, "recorded"),
        (200, "recorded"),  # the replay of an application stored before its answer was lost
    }
    with app.app_context():
        scans = {
            row.client_scan_id: row
            for row in db.session.scalars(sa.select(Scan).where(Scan.activity_id == fair.activity))
        }
        actions = {
            row.client_action_id: row
            for row in db.session.scalars(sa.select(Action).where(Action.activity_id == fair.activity))
        }
        applications = db.session.scalar(sa.select(sa.func.count()).select_from(Application))
        # Every answered scan and application is stored once, under the id it was answered with.
        assert len(scans) == SEEKERS
        assert len(actions) == applications == SEEKERS
        for scan, scanned, application, _status, applied in visits:
            assert scans[scan["client_scan_id"]].id == scanned["scan_id"]
            assert actions[application["client_action_id"]].id == applied["action_id"]
        assert tally_service.stored() == tally_service.facts()
        figures = {
            (booth_id, metric): value
            for (_day, activity_id, booth_id, metric), value in tally_service.stored().items()
            if activity_id == fair.activity
        }
    assert figures[(WHOLE_ACTIVITY, "checked_in")] == SEEKERS
    assert figures[(fair.stand(STAND), "applications")] == SEEKERS

    # Restarted again while nobody asks: the connections the workers keep are dead, and the very
    # next requests still succeed on fresh ones (a connection left idle is tried before use;
    # one in steady use is not, so that check-in pays no round trip for it).
    postgres.stop()
    postgres.start()
    time.sleep(IDLE_BEFORE_TRY_SECONDS)
    browser = RemoteClient(server.url)
    statuses = [
        browser.get(
            f"/api/v1/activities/{fair.activity}/counts", Authorization=f"Bearer {fair.scanner}"
        ).status
        for _ in range(AFTER_QUIET_RESTART)
    ]
    assert statuses == [200] * AFTER_QUIET_RESTART


def test_an_answer_made_just_before_the_database_goes_away_still_arrives(make_app, postgres):
    app = make_app()
    with app.app_context():
        activity = factories.activity()
        scanner = factories.scanner_token(activity)
        db.session.commit()
        activity_id = activity.id

    @app.after_request
    def database_goes_away(response):
        # The answer is made; the request's read transaction is still open on its connection.
        postgres.stop()
        return response

    try:
        counts = app.test_client().get(
            f"/api/v1/activities/{activity_id}/counts", headers={"Authorization": f"Bearer {scanner}"}
        )
    finally:
        postgres.start()
    assert counts.status_code == 200
    assert counts.get_json()["registered"] == 0
