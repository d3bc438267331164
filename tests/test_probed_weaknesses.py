"""Weaknesses found by probing the running app from outside, each closed for its whole class."""

import os
import stat
import uuid

import jsonschema
import pytest
import sqlalchemy as sa

from eventdesk import create_app
from eventdesk.core.models import Registration, Role, User
from eventdesk.core.services import users
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api
from tests.support.client import Client
from tests.support.openapi import check


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


# -- the OpenAPI document and the server agree both ways ------------------------------------------


def _schema(document, name):
    return {**document["components"]["schemas"][name], "components": document["components"]}


def _valid(document, name, instance) -> bool:
    return jsonschema.Draft202012Validator(_schema(document, name)).is_valid(instance)


@pytest.fixture
def document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_every_operation_naming_something_documents_its_404(app, document, two_activities):
    for path, operations in document["paths"].items():
        if "{" in path:
            for method, operation in operations.items():
                assert "404" in operation["responses"], f"{method.upper()} {path}"
    # A real one: an id no activity has.
    api = Api(app, two_activities["staff"])
    response = api.get("/activities/2147483647/booths")
    assert response.status_code == 404
    check(document, "/activities/{activity_id}/booths", "get", response)


@pytest.mark.parametrize("path", ["/api/v1/scans", "/healthz", "/manage/"])
def test_a_405_says_which_methods_are_allowed(app, path):
    method = "get" if path == "/api/v1/scans" else "delete"
    response = getattr(app.test_client(), method)(path)
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed >= ({"POST"} if path == "/api/v1/scans" else {"GET"})


def test_a_walkin_count_written_as_a_whole_float_is_counted(app, document, two_activities):
    body = {"client_scan_id": str(uuid.uuid4()), "count": 3.0}
    assert _valid(document, "WalkinRequest", body)
    response = Api(app, two_activities["scanner"]).post("/walkins", body)
    assert response.status_code == 200, response.get_json()
    check(document, "/walkins", "post", response)


def test_what_the_server_refuses_the_schema_forbids(document):
    no_ticket = {"client_scan_id": str(uuid.uuid4())}
    two_tickets = {**no_ticket, "token": "x" * 22, "registration_id": 3}
    assert not _valid(document, "ScanRequest", no_ticket)
    assert not _valid(document, "ScanRequest", two_tickets)
    assert not _valid(document, "ScanRequest", {**no_ticket, "token": ""})
    assert not _valid(document, "RegistrationRequest", {"name": "王", "phone": "", "consent": True})
    enrol = document["paths"]["/scanner/enrol"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert not jsonschema.Draft202012Validator(enrol).is_valid({"code": ""})
    lookup = next(
        p
        for p in document["paths"]["/activities/{activity_id}/lookup"]["get"]["parameters"]
        if p["name"] == "q"
    )
    assert not jsonschema.Draft202012Validator(lookup["schema"]).is_valid("")


@pytest.mark.parametrize("event", ["-1", "abc"])
def test_an_impossible_event_id_is_refused_not_ignored(app, document, two_activities, event):
    response = Api(app, two_activities["staff"]).get(f"/activities?event={event}")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "event"
    check(document, "/activities", "get", response)


def test_a_search_longer_than_documented_is_refused_not_cut(app, document, two_activities):
    api = Api(app, two_activities["scanner"])
    path = f"/activities/{two_activities['ours']}/lookup"
    response = api.get(f"{path}?q={'张' * 50}5678")
    assert response.status_code == 400
    check(document, "/activities/{activity_id}/lookup", "get", response)
    assert api.get(f"{path}?q={'张' * 50}").status_code == 200
