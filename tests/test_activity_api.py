"""Reading activities, booths, counts and looking tickets up; who may call what."""

import datetime as dt

import pytest

from eventdesk.extensions import db
from tests.support import factories


@pytest.fixture
def world(app):
    """Two districts' activities today, a scanner for one, and staff scoped in various ways."""
    with app.app_context():
        district_a, district_b = factories.district(), factories.district()
        event = factories.event()
        here = factories.activity(event, site_=factories.site(district_a), booths=2)
        there = factories.activity(event, site_=factories.site(district_b))
        factories.registration(here, factories.person(name="王小明", phone="13912345678"))
        factories.registration(here, factories.person(name="王大明", phone="13800001234"))
        factories.registration(here, factories.person(name="李四", phone="13700009999"))
        admin = factories.user("admin")
        organizer_a = factories.user("organizer", scopes=[{"district_id": district_a.id}])
        staff_b = factories.user("staff", scopes=[{"activity_id": there.id}])
        tokens = {
            "scanner": factories.scanner_token(here),
            "admin": factories.staff_token(admin),
            "organizer_a": factories.staff_token(organizer_a),
            "staff_b": factories.staff_token(staff_b),
        }
        db.session.commit()
        return {"here": here.id, "there": there.id, "tokens": tokens, "event": event.id}


def get(app, path, token=None, **headers):
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return app.test_client().get(f"/api/v1{path}", headers=headers)


def test_staff_see_the_activities_their_scopes_reach(app, world):
    tokens = world["tokens"]
    everything = get(app, "/activities", tokens["admin"]).get_json()
    assert {a["id"] for a in everything} == {world["here"], world["there"]}
    assert {a["id"] for a in get(app, "/activities", tokens["organizer_a"]).get_json()} == {world["here"]}
    assert {a["id"] for a in get(app, "/activities", tokens["staff_b"]).get_json()} == {world["there"]}
    first = everything[0]
    assert set(first) == {
        "id",
        "kind",
        "name",
        "site",
        "district",
        "opens_at",
        "closes_at",
        "registration_open",
    }
    assert dt.datetime.fromisoformat(first["opens_at"]).utcoffset() == dt.timedelta(hours=8)


def test_scanners_may_not_list_activities(app, world):
    assert get(app, "/activities", world["tokens"]["scanner"]).status_code == 403


def test_activities_of_another_event_by_parameter(app, world):
    with app.app_context():
        past = factories.event(starts_on=dt.date(2025, 10, 17))
        factories.activity(past)
        db.session.commit()
        past_id = past.id
    answer = get(app, f"/activities?event={past_id}", world["tokens"]["admin"]).get_json()
    assert len(answer) == 1
    assert get(app, "/activities?event=999999", world["tokens"]["admin"]).status_code == 404


@pytest.mark.parametrize(
    ("who", "where", "status"),
    [
        ("scanner", "here", 200),
        ("scanner", "there", 403),
        ("admin", "there", 200),
        ("organizer_a", "here", 200),
        ("organizer_a", "there", 403),
        ("staff_b", "here", 403),
        ("staff_b", "there", 200),
        (None, "here", 401),
    ],
)
@pytest.mark.parametrize("path", ["/booths", "/counts", "/lookup?q=王", ""])
def test_activity_endpoints_check_the_caller(app, world, who, where, status, path):
    token = world["tokens"][who] if who else None
    response = get(app, f"/activities/{world[where]}{path}", token)
    assert response.status_code == status
    if status >= 400:
        assert "code" in response.get_json()["error"]


def test_booths_and_counts(app, world):
    token = world["tokens"]["scanner"]
    booths = get(app, f"/activities/{world['here']}/booths", token).get_json()
    assert len(booths) == 2
    counts = get(app, f"/activities/{world['here']}/counts", token).get_json()
    assert counts["registered"] == 3
    assert counts["checked_in"] == 0
    assert [b["id"] for b in counts["booths"]] == [b["id"] for b in booths]


def test_lookup_by_name_phone_tail_and_code_is_masked(app, world):
    token = world["tokens"]["scanner"]
    by_name = get(app, f"/activities/{world['here']}/lookup?q=明", token).get_json()["results"]
    assert sorted(r["name_masked"] for r in by_name) == ["王*明", "王*明"]
    assert all("****" in r["phone_masked"] for r in by_name)
    by_tail = get(app, f"/activities/{world['here']}/lookup?q=1234", token).get_json()["results"]
    assert [r["phone_masked"] for r in by_tail] == ["138****1234"]
    page = get(app, f"/activities/{world['here']}/lookup?q=5678", token).get_data(as_text=True)
    assert "13912345678" not in page
    assert "王小明" not in page
    assert get(app, f"/activities/{world['here']}/lookup?q=%25", token).get_json()["results"] == []
    assert get(app, f"/activities/{world['here']}/lookup?q=", token).status_code == 400
    assert get(app, f"/activities/{world['here']}/lookup?q=_", token).get_json()["results"] == []


def test_unknown_activity_is_404(app, world):
    assert get(app, "/activities/999999/counts", world["tokens"]["admin"]).status_code == 404


def test_expired_staff_token_is_401(app):
    with app.app_context():
        user = factories.user("admin")
        token = factories.staff_token(user)
        from eventdesk.core.models import ApiToken, utcnow

        for row in db.session.scalars(db.select(ApiToken)):
            row.expires_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    assert get(app, "/activities", token).status_code == 401


def test_deactivated_staff_token_is_401(app):
    with app.app_context():
        user = factories.user("admin")
        token = factories.staff_token(user)
        user.active = False
        db.session.commit()
    assert get(app, "/activities", token).status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/activities/99999999999999999999",
        "/activities/99999999999999999999/counts",
        "/activities?event=99999999999999999999",
        "/activities?event=-1",
        "/activities?event=abc",
    ],
)
def test_absurd_ids_are_not_found_or_refused_never_500(app, world, path):
    response = get(app, path, world["tokens"]["admin"])
    # An id in the path names nothing; an unreadable ?event= is refused, never read as the current event.
    assert response.status_code == (400 if "?event=" in path else 404)


@pytest.mark.parametrize(
    "query", ["%00", "%E7%8E%8B%00%E6%98%8E", "%ED%A0%80", "%FF%FE", "%27%3B%20DROP%20TABLE%20person%3B%20--"]
)
def test_lookup_survives_odd_text(app, world, query):
    response = get(app, f"/activities/{world['here']}/lookup?q={query}", world["tokens"]["scanner"])
    assert response.status_code in (200, 400)
