"""Undoing a scan is a new fact that voids the old one; the counts follow, and match a rebuild."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Scan, ScannerCredential, utcnow
from eventdesk.core.services import tally as tally_service
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api


@pytest.fixture
def world(app):
    with app.app_context():
        activity = factories.activity(booths=2)
        tickets = [factories.registration(activity).token for _ in range(3)]
        manager = factories.user("organizer")
        data = {
            "activity": activity.id,
            "booths": [b.id for b in activity.booths],
            "tickets": tickets,
            "scanner": factories.scanner_token(activity, label="甲"),
            "other_scanner": factories.scanner_token(activity, label="乙"),
            "manager": factories.staff_token(manager),
        }
        db.session.commit()
    return data


def undo(api, scan_id, **fields):
    body = {"client_scan_id": str(uuid.uuid4()), **fields}
    return api.post(f"/scans/{scan_id}/void", body)


def consistent(app):
    with app.app_context():
        assert tally_service.stored() == tally_service.facts()
        assert tally_service.stored_arrivals() == tally_service.arrival_facts()


def test_undo_an_entry(app, world):
    api = Api(app, world["scanner"])
    first = api.scan(world["tickets"][0])
    response = undo(api, first["scan_id"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["voided_scan_id"] == first["scan_id"]
    assert (body["counts"]["checked_in"], body["counts"]["inside"], body["counts"]["scans"]) == (0, 0, 1)
    consistent(app)
    again = api.scan(world["tickets"][0])
    assert again["result"] == "accepted"
    assert again["counts"]["checked_in"] == 1
    consistent(app)


def test_only_the_latest_entrance_scan_can_be_undone(app, world):
    api = Api(app, world["scanner"])
    entered = api.scan(world["tickets"][0])
    left = api.scan(world["tickets"][0], direction="out")
    response = undo(api, entered["scan_id"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_latest"
    assert undo(api, left["scan_id"]).get_json()["counts"]["inside"] == 1
    consistent(app)


def test_undo_a_booth_visit_then_visit_again(app, world):
    api = Api(app, world["scanner"])
    booth = world["booths"][0]
    visit = api.scan(world["tickets"][1], booth_id=booth)
    counts = undo(api, visit["scan_id"]).get_json()["counts"]
    assert (counts["booth_visits"], counts["checked_in"]) == (0, 0)
    assert api.scan(world["tickets"][1], booth_id=booth)["result"] == "accepted"
    consistent(app)


def test_check_in_moves_to_the_next_accepted_scan(app, world):
    api = Api(app, world["scanner"])
    visit = api.scan(world["tickets"][2], booth_id=world["booths"][0])
    api.scan(world["tickets"][2])
    counts = undo(api, visit["scan_id"]).get_json()["counts"]
    assert counts["checked_in"] == 1
    assert counts["booth_visits"] == 0
    consistent(app)


def test_undo_a_walk_in(app, world):
    api = Api(app, world["scanner"])
    walk_in = api.post("/walkins", {"client_scan_id": str(uuid.uuid4()), "count": 3}).get_json()
    counts = undo(api, walk_in["scan_id"]).get_json()["counts"]
    assert (counts["walk_ins"], counts["attendance"]) == (0, 0)
    consistent(app)


def test_what_cannot_be_undone(app, world):
    api = Api(app, world["scanner"])
    accepted = api.scan(world["tickets"][0])
    duplicate = api.scan(world["tickets"][0])
    assert undo(api, duplicate["scan_id"]).get_json()["error"]["code"] == "not_voidable"
    body = {"client_scan_id": str(uuid.uuid4())}
    first = api.post(f"/scans/{accepted['scan_id']}/void", body)
    replay = api.post(f"/scans/{accepted['scan_id']}/void", body)
    assert replay.get_json()["scan_id"] == first.get_json()["scan_id"]
    assert undo(api, accepted["scan_id"]).get_json()["error"]["code"] == "already_voided"
    correction = first.get_json()["scan_id"]
    assert undo(api, correction).get_json()["error"]["code"] == "not_voidable"
    assert undo(api, 999999).status_code == 404
    reused = api.post(f"/scans/{duplicate['scan_id']}/void", body)
    assert reused.get_json()["error"]["code"] == "client_scan_id_reused"
    assert api.post(f"/scans/{accepted['scan_id']}/void", {"client_scan_id": "x"}).status_code == 400
    consistent(app)


def test_a_scanner_undoes_only_its_own_recent_scans(app, world):
    mine = Api(app, world["scanner"])
    theirs = Api(app, world["other_scanner"])
    scan = mine.scan(world["tickets"][0])
    assert undo(theirs, scan["scan_id"]).status_code == 403
    with app.app_context():
        row = db.session.get(Scan, scan["scan_id"])
        assert row.credential_id == db.session.scalar(
            sa.select(ScannerCredential.id).where(ScannerCredential.label == "甲")
        )
    later = mine.scan(world["tickets"][1])
    response = undo(mine, later["scan_id"])
    assert response.status_code == 200
    manager = Api(app, world["manager"])
    assert undo(manager, scan["scan_id"], activity_id=world["activity"]).status_code == 200
    consistent(app)


def test_old_scans_need_a_manager(app, world):
    api = Api(app, world["scanner"])
    scan = api.scan(world["tickets"][0])
    from eventdesk.core.rawdb import owned_connection
    from eventdesk.core.scans import corrections
    from eventdesk.core.scans.model import ActivityInfo, Scanner

    with app.app_context():
        from eventdesk.core.models import Activity

        info = ActivityInfo.of(db.session.get(Activity, world["activity"]))
        credential = db.session.scalar(sa.select(ScannerCredential).where(ScannerCredential.label == "甲"))
        scanner = Scanner.for_credential(credential)
        later = utcnow() + corrections.SCANNER_UNDO_WINDOW + dt.timedelta(minutes=1)
        with owned_connection() as connection, pytest.raises(ServiceError) as refused:
            corrections.void_scan(connection, info, scanner, scan["scan_id"], str(uuid.uuid4()), now=later)
        assert refused.value.code == "forbidden"
