"""Weaknesses found by probing the running app from outside, each closed for its whole class."""

import os
import stat
import uuid

import pytest
import sqlalchemy as sa

from eventdesk import create_app
from eventdesk.core.models import Registration, Role, User
from eventdesk.core.services import users
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api
from tests.support.client import Client


@pytest.fixture
def two_activities(app):
    """Ours, with a scanner and a staff member working there; theirs, with 李四光 registered."""
    with app.app_context():
        event = factories.event()
        ours = factories.activity(event, booths=1)
        theirs = factories.activity(event, booths=1)
        ours_person = factories.registration(ours, factories.person(name="张三丰", phone="13912345678"))
        theirs_person = factories.registration(theirs, factories.person(name="李四光", phone="13812345678"))
        staff = factories.user(Role.staff, scopes=[{"activity_id": ours.id}])
        world = {
            "ours": ours.id,
            "theirs": theirs.id,
            "our_registration": ours_person.id,
            "their_registration": theirs_person.id,
            "scanner": factories.scanner_token(ours),
            "staff": factories.staff_token(staff),
            "staff_email": staff.email,
        }
        db.session.commit()
    return world


# -- a scanner or staff token trying registration ids -------------------------------------------


@pytest.mark.parametrize("caller", ["scanner", "staff"])
def test_a_scan_by_another_activitys_registration_id_names_nobody(app, two_activities, caller):
    api = Api(app, two_activities[caller])
    body = {
        "client_scan_id": str(uuid.uuid4()),
        "registration_id": two_activities["their_registration"],
        "activity_id": two_activities["ours"],
    }
    answer = api.post("/scans", body)
    assert answer.status_code == 200
    data = answer.get_json()
    assert (data["result"], data["reason"], data["person"]) == ("rejected", "unknown_token", None)
    assert "李" not in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Registration, two_activities["their_registration"]).checked_in_at is None


def test_a_batch_trying_ids_names_only_people_of_its_own_activity(app, two_activities):
    api = Api(app, two_activities["scanner"])
    scans = [
        {"client_scan_id": str(uuid.uuid4()), "registration_id": registration_id}
        for registration_id in (two_activities["our_registration"], two_activities["their_registration"])
    ]
    answer = api.post("/scans/batch", {"scans": scans})
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r["result"] for r in results] == ["accepted", "rejected"]
    assert results[1]["person"] is None
    assert "李" not in answer.get_data(as_text=True)


def test_a_scan_by_its_own_activitys_registration_id_still_checks_in(app, two_activities):
    api = Api(app, two_activities["scanner"])
    body = {"client_scan_id": str(uuid.uuid4()), "registration_id": two_activities["our_registration"]}
    data = api.post("/scans", body).get_json()
    assert data["result"] == "accepted"
    assert data["person"]["name_masked"].startswith("张")


# -- masked phone numbers are not recovered by searching whole numbers ----------------------------


def test_a_whole_phone_number_finds_nobody_for_those_who_see_it_masked(app, two_activities):
    scanner = Api(app, two_activities["scanner"])
    lookup = f"/activities/{two_activities['ours']}/lookup?q="
    assert [r["registration_id"] for r in scanner.get(f"{lookup}5678").get_json()["results"]] == [
        two_activities["our_registration"]
    ]
    for guess in ("13912345678", "139 1234 5678", "+8613912345678"):
        assert scanner.get(lookup + guess).get_json()["results"] == []
    staff = Client(app)
    staff.login(two_activities["staff_email"])
    page = staff.get(f"/manage/activities/{two_activities['ours']}/registrations?q=13912345678")
    assert page.status_code == 200
    assert f"/registrations/{two_activities['our_registration']}" not in page.get_data(as_text=True)


def test_those_who_see_phones_in_full_still_find_a_whole_number(app, two_activities):
    with app.app_context():
        factories.user(Role.organizer, email="organizer@example.org")
        db.session.commit()
    organizer = Client(app)
    organizer.login("organizer@example.org")
    page = organizer.get(f"/manage/activities/{two_activities['ours']}/registrations?q=13912345678")
    assert f"/registrations/{two_activities['our_registration']}" in page.get_data(as_text=True)


# -- a booth-only account and the activity's lists ----------------------------------------------


def test_a_booth_only_account_does_not_download_the_activitys_lists(app, two_activities):
    with app.app_context():
        from eventdesk.core.models import Activity

        booth_id = db.session.get(Activity, two_activities["ours"]).booths[0].id
        factories.user(Role.staff, email="booth@example.org", scopes=[{"booth_id": booth_id}])
        db.session.commit()
    client = Client(app)
    client.login("booth@example.org")
    base = f"/reports/activities/{two_activities['ours']}/lists"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}/registrations.csv").status_code == 403
    whole_activity = Client(app)
    whole_activity.login(two_activities["staff_email"])
    assert whole_activity.get(f"{base}/registrations.csv").status_code == 200


# -- sessions end at sign-out, a new password and a changed role ---------------------------------


def _signed_in(app, email, *, remember=False):
    client = Client(app)
    response = client.post_form(
        "/login", {"email": email, "password": factories.PASSWORD, "remember": "y" if remember else ""}
    )
    assert response.status_code == 302
    return client


def _copy_of(app, client, *, only_remember=False):
    """Another browser holding the cookies `client` has (as a stolen or kept cookie would be)."""
    thief = Client(app)
    for name in ("remember_token",) if only_remember else ("session", "remember_token"):
        cookie = client.http.get_cookie(name)
        if cookie is not None:
            thief.http.set_cookie(name, cookie.value)
    return thief


def _is_signed_in(client) -> bool:
    return client.get("/manage/").status_code == 200


@pytest.fixture
def accounts(app):
    with app.app_context():
        factories.user(Role.admin, email="admin@example.org")
        factories.user(Role.organizer, email="organizer@example.org")
        db.session.commit()


@pytest.mark.parametrize("cookie", ["session", "remember-me"])
def test_signing_out_ends_the_session_on_every_copy_of_its_cookies(app, accounts, cookie):
    browser = _signed_in(app, "organizer@example.org", remember=True)
    kept = _copy_of(app, browser, only_remember=cookie == "remember-me")
    assert _is_signed_in(kept)
    browser.post_form("/logout", form_url="/manage/")
    assert not _is_signed_in(browser)
    assert not _is_signed_in(_copy_of(app, kept, only_remember=cookie == "remember-me"))


def test_a_new_password_ends_the_accounts_sessions(app, accounts):
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == "organizer@example.org"))
    browser = _signed_in(app, "organizer@example.org", remember=True)
    admin = _signed_in(app, "admin@example.org")
    response = admin.post_form(
        f"/manage/staff/{user_id}/password",
        {"password": "a new long passphrase 2026", "confirm": "a new long passphrase 2026"},
    )
    assert response.status_code == 302
    assert not _is_signed_in(browser)
    assert not _is_signed_in(_copy_of(app, browser, only_remember=True))
    assert _is_signed_in(admin)


def test_a_changed_role_ends_the_accounts_sessions_and_nothing_else_does(app, accounts):
    browser = _signed_in(app, "organizer@example.org", remember=True)
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        user = db.session.scalar(sa.select(User).where(User.email == "organizer@example.org"))
        users.update_user(
            user,
            email=user.email,
            name="赵建国",
            role=user.role,
            active=True,
            scopes=users.Scopes(),
            actor=admin,
        )
        db.session.commit()
    assert _is_signed_in(browser)  # a new name keeps the account's sessions
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        user = db.session.scalar(sa.select(User).where(User.email == "organizer@example.org"))
        users.update_user(
            user,
            email=user.email,
            name=user.name,
            role=Role.staff,
            active=True,
            scopes=users.Scopes(),
            actor=admin,
        )
        db.session.commit()
    assert not _is_signed_in(browser)
    assert not _is_signed_in(_copy_of(app, browser, only_remember=True))


# -- SQLite files ---------------------------------------------------------------------------------


def test_the_sqlite_database_files_are_created_readable_by_their_owner_only(tmp_dir):
    path = tmp_dir / "fresh" / "eventdesk.db"
    path.parent.mkdir()
    previous = os.umask(0o022)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x"})
        with app.app_context():
            db.session.execute(sa.text("CREATE TABLE probe (id INTEGER)"))
            db.session.commit()
            files = [path, path.with_name("eventdesk.db-wal"), path.with_name("eventdesk.db-shm")]
            modes = {file.name: stat.S_IMODE(file.stat().st_mode) for file in files if file.exists()}
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert "eventdesk.db-wal" in modes
    assert modes == dict.fromkeys(modes, 0o600)
