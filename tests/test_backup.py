"""`flask backup create` and `flask backup restore`: a backup restored into an empty database
gives the same counts, tally and tickets, even when it was taken while scanning went on."""

import itertools
import os
import shutil
import subprocess
import sys
import threading
import uuid

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Scan
from eventdesk.core.models.tally import WHOLE_ACTIVITY
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import PROJECT_ROOT, factories
from tests.support.api import Api
from tests.support.remote import RemoteClient
from tests.support.scripted import scripted_day


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A second, empty database of the same engine as the test database."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            if os.environ.get("CI"):
                pytest.fail(f"{tool} is missing: CI installs Debian's postgresql-client")
            pytest.skip(f"{tool} is not installed (apt-get install postgresql-client)")
    name = f"{url.database}_restored"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _flask(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """The real command line, in a process of its own, as an operator runs it."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _tally_rows(app, token: str, day) -> list[dict]:
    response = Api(app, token).get(f"/tally?date={day.isoformat()}")
    assert response.status_code == 200
    return response.get_json()["rows"]


def test_a_backup_restored_into_an_empty_database_gives_the_same_figures_and_tickets(
    empty_database_url, app, make_app, tmp_path
):
    ids = scripted_day(app)
    with app.app_context():
        activity = factories.activity()
        unscanned = factories.registration(activity).token
        revoked = factories.registration(activity, revoked=True).token
        scanned = factories.registration(activity).token
        scanner = factories.scanner_token(activity)
        organizer = factories.staff_token(factories.user("organizer"))
        db.session.commit()
        day = activity.day
    assert Api(app, scanner).scan(scanned)["result"] == "accepted"
    with app.app_context():
        source_tally = tally_service.stored()
    source_rows = _tally_rows(app, organizer, ids["day"])

    backup = tmp_path / "eventdesk.backup"
    created = _flask(app.config["SQLALCHEMY_DATABASE_URI"], "backup", "create", "-o", str(backup))
    assert created.returncode == 0, created.stderr
    assert f"backup written to {backup}" in created.stdout

    restored_app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    restored = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "restored" in restored.output

    with restored_app.app_context():
        assert tally_service.stored() == source_tally
        assert tally_service.facts() == source_tally
    assert _tally_rows(restored_app, organizer, ids["day"]) == source_rows
    assert _tally_rows(restored_app, organizer, day) == _tally_rows(app, organizer, day)
    # Tickets and the scanner's credential are as valid as they were.
    restored_scanner = Api(restored_app, scanner)
    assert restored_scanner.scan(unscanned)["result"] == "accepted"
    assert restored_scanner.scan(scanned)["result"] == "duplicate"
    refused = restored_scanner.scan(revoked)
    assert refused["result"] == "rejected"
    assert refused["counts"]["checked_in"] == 2


def test_a_restore_refuses_a_database_that_holds_data_and_a_file_that_is_no_backup(app, run_cli, tmp_path):
    backup = tmp_path / "eventdesk.backup"
    assert run_cli("backup", "create", "-o", str(backup)).exit_code == 0
    refused = run_cli("backup", "restore", str(backup))
    assert refused.exit_code == 1
    assert "the database is not empty" in refused.output
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("scan list")
    refused = run_cli("backup", "restore", "--replace", str(not_a_backup))
    assert refused.exit_code == 1
    assert "is not an EventDesk backup" in refused.output


def test_a_backup_taken_while_scanning_goes_on_is_consistent(
    empty_database_url, app, make_app, live_server, tmp_path
):
    with app.app_context():
        activity = factories.activity()
        tickets = [factories.registration(activity).token for _ in range(200)]
        scanner = factories.scanner_token(activity)
        db.session.commit()
    server = live_server(workers=2)
    stop = threading.Event()
    answered = []

    def scan_until_stopped(share):
        # First scans, then the same tickets again (duplicates are recorded too), until told.
        phone = RemoteClient(server.url)
        for ticket in itertools.cycle(share):
            if stop.is_set():
                return
            body = {"token": ticket, "client_scan_id": str(uuid.uuid4())}
            answered.append(phone.post_json("/api/v1/scans", body, token=scanner).status)

    scanners = [threading.Thread(target=scan_until_stopped, args=(tickets[i::4],)) for i in range(4)]
    for thread in scanners:
        thread.start()
    try:
        backup = tmp_path / "during-scans.backup"
        scanned_before_backup = len(answered)
        created = _flask(app.config["SQLALCHEMY_DATABASE_URI"], "backup", "create", "-o", str(backup))
        scanned_by_its_end = len(answered)
    finally:
        stop.set()
        for thread in scanners:
            thread.join(timeout=60)
    assert created.returncode == 0, created.stderr
    assert scanned_by_its_end > scanned_before_backup
    assert set(answered) == {200}

    restored_app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    assert restored_app.test_cli_runner().invoke(args=["backup", "restore", str(backup)]).exit_code == 0
    with restored_app.app_context():
        accepted = db.session.scalar(
            sa.select(sa.func.count()).select_from(Scan).where(Scan.result == "accepted")
        )
        # Every scan in the backup is in its tally, and nothing in its tally is missing a scan.
        assert tally_service.stored() == tally_service.facts()
        checked_in = sum(
            value for (_day, _activity, booth, metric), value in tally_service.stored().items()
            if metric == "checked_in" and booth == WHOLE_ACTIVITY
        )  # fmt: skip
    assert checked_in == accepted
    assert accepted > 0
