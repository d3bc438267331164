"""The audit trail: staff changes, permission changes, undos and downloads of personal data are
recorded with who, when, what, before and after; nothing can rewrite them; administrators read
them filtered by person, activity, action and day."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from eventdesk.core.audit import AuditLogIsAppendOnly
from eventdesk.core.models import AuditLog, utcnow
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api
from tests.support.client import Client

TODAY = utcnow().astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()


@pytest.fixture
def setting(app):
    with app.app_context():
        activity = factories.activity()
        other = factories.activity(activity.event)
        admin = factories.user("admin")
        organizer = factories.user("organizer")
        worker = factories.user("staff", scopes=[{"activity_id": activity.id}])
        registration = factories.registration(activity)
        data = {
            "activity": activity.id,
            "other": other.id,
            "admin": admin.email,
            "admin_id": admin.id,
            "organizer": organizer.email,
            "organizer_id": organizer.id,
            "worker_id": worker.id,
            "worker": worker.email,
            "ticket": registration.token,
            "scanner": factories.scanner_token(activity),
        }
        db.session.commit()
    return data


def signed_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def entries(app, **where) -> list[AuditLog]:
    with app.app_context():
        stmt = sa.select(AuditLog).filter_by(**where).order_by(AuditLog.id)
        rows = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return rows


def test_a_role_change_is_recorded_with_before_and_after(app, setting):
    admin = signed_in(app, setting["admin"])
    url = f"/manage/staff/{setting['worker_id']}/edit"
    response = admin.post_form(
        url, {"email": setting["worker"], "name": "小张", "role": "organizer", "active": "y"}
    )
    assert response.status_code == 302
    (entry,) = entries(app, action="user.updated")
    assert entry.user_id == setting["admin_id"]
    assert entry.target_id == setting["worker_id"]
    assert entry.before["role"] == "staff"
    assert entry.after["role"] == "organizer"
    assert entry.before["scopes"] == [f"activity_id={setting['activity']}"]
    assert entry.after["scopes"] == []


def test_an_undone_scan_is_recorded_for_its_activity(app, setting):
    scanner = Api(app, setting["scanner"])
    scan = scanner.scan(setting["ticket"])
    assert scan["result"] == "accepted"
    response = scanner.post(f"/scans/{scan['scan_id']}/void", {"client_scan_id": str(uuid.uuid4())})
    assert response.status_code == 200, response.get_data(as_text=True)
    (entry,) = entries(app, action="scan.voided")
    assert (entry.target_id, entry.activity_id) == (scan["scan_id"], setting["activity"])
    assert entry.credential_id is not None
    assert entry.after == {"voided_by_scan_id": response.get_json()["scan_id"]}


def test_a_download_of_personal_data_is_recorded(app, setting):
    organizer = signed_in(app, setting["organizer"])
    response = organizer.get(f"/reports/activities/{setting['activity']}/lists/registrations.csv")
    assert response.status_code == 200
    (entry,) = entries(app, action="export.personal_data")
    assert (entry.user_id, entry.activity_id) == (setting["organizer_id"], setting["activity"])
    assert entry.details["list"] == "registrations"


def test_the_log_cannot_be_rewritten(app, setting):
    signed_in(app, setting["organizer"]).get(
        f"/reports/activities/{setting['activity']}/lists/registrations.csv"
    )
    with app.app_context():
        entry = db.session.scalars(sa.select(AuditLog)).first()
        entry.action = "nothing.happened"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalars(sa.select(AuditLog)).first())
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()


def test_admins_read_the_trail_filtered_by_person_activity_action_and_day(app, setting):
    organizer = signed_in(app, setting["organizer"])
    for activity in (setting["activity"], setting["other"]):
        organizer.get(f"/reports/activities/{activity}/lists/registrations.csv")
    scanner = Api(app, setting["scanner"])
    scan = scanner.scan(setting["ticket"])
    scanner.post(f"/scans/{scan['scan_id']}/void", {"client_scan_id": str(uuid.uuid4())})
    admin = signed_in(app, setting["admin"])

    def rows(**query) -> list[str]:
        response = admin.get("/manage/audit", query_string=query)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return [line for line in page.split("<tr>")[2:]]

    everything = rows()
    recorded = entries(app)
    assert len(everything) == len(recorded) >= 3
    by_person = rows(person=setting["organizer_id"])
    assert len(by_person) == 2
    assert all(setting["organizer"] in row for row in by_person)
    by_activity = rows(activity=setting["activity"])
    assert len(by_activity) == sum(entry.activity_id == setting["activity"] for entry in recorded)
    assert sum("export.personal_data" in row for row in by_activity) == 1
    assert sum("scan.voided" in row for row in by_activity) == 1
    assert len(rows(action="export.personal_data", activity=setting["other"])) == 1
    assert len(rows(day=TODAY)) == len(recorded)
    assert rows(day="2020-01-01") == []
    assert "没有符合条件的记录。" in admin.get("/manage/audit?day=2020-01-01").get_data(as_text=True)
    assert "voided_by_scan_id" in "".join(everything)  # the values after the change are shown


def test_a_bad_day_is_refused_clearly(app, setting):
    admin = signed_in(app, setting["admin"])
    response = admin.get("/manage/audit?day=yesterday")
    assert response.status_code == 400


def test_only_admins_read_the_trail(app, setting):
    assert signed_in(app, setting["organizer"]).get("/manage/audit").status_code == 403
