"""The daily tally read back: a scripted day of scans through the API, and the figures out of
``GET /api/v1/tally`` and the tally page, for the whole city and for a scoped organizer."""

import datetime as dt

import pytest

from eventdesk.core import tally as core_tally
from eventdesk.extensions import db
from tests.support import factories
from tests.support.openapi import check
from tests.support.scripted import scripted_day

KEYS = {"date", "district", "site_id", "site", "activity_id", "activity", "kind", "department", "booth_id",
        "metric", "value"}  # fmt: skip

@pytest.fixture
def day(app):
    return scripted_day(app)


def get_tally(app, token, query=""):
    return app.test_client().get(f"/api/v1/tally{query}", headers={"Authorization": f"Bearer {token}"})


def figures(rows) -> dict:
    found: dict = {}
    for row in rows:
        found.setdefault((row["activity_id"], row["booth_id"]), {})[row["metric"]] = row["value"]
    return found


def token_for(app, role="organizer", scopes=()):
    with app.app_context():
        token = factories.staff_token(factories.user(role, scopes=scopes))
        db.session.commit()
    return token


def test_tally_rows_equal_the_scripted_day(app, day):
    response = get_tally(app, token_for(app, "admin"), f"?date={day['day'].isoformat()}")
    assert response.status_code == 200
    rows = response.get_json()["rows"]
    assert all(set(row) == KEYS for row in rows)
    assert {row["date"] for row in rows} == {day["day"].isoformat()}
    assert figures(rows) == day["expected"]

    fair_rows = [r for r in rows if r["activity_id"] == day["fair"]]
    assert {(r["district"], r["site"], r["kind"]) for r in fair_rows} == {
        ("北区", "阳光广场", "consultation")
    }
    # An activity's rows carry its lead department; a booth's rows the booth's own (or none).
    assert {r["department"] for r in fair_rows if r["booth_id"] is None} == {"市人社局"}
    assert {r["department"] for r in fair_rows if r["booth_id"] == day["desk"]} == {"市金融办"}
    assert {r["department"] for r in fair_rows if r["booth_id"] == day["stand"]} == {None}


def test_tally_defaults_to_today_and_is_empty_on_another_day(app, day):
    token = token_for(app, "admin")
    assert figures(get_tally(app, token).get_json()["rows"]) == day["expected"]
    other = (day["day"] - dt.timedelta(days=3)).isoformat()
    assert get_tally(app, token, f"?date={other}").get_json() == {"rows": []}


def test_scoped_organizer_sees_only_their_scope(app, day):
    north_only = token_for(app, scopes=[{"district_id": day["north"]}])
    rows = get_tally(app, north_only).get_json()["rows"]
    assert {r["activity_id"] for r in rows} == {day["fair"]}
    assert figures(rows) == {k: v for k, v in day["expected"].items() if k[0] == day["fair"]}

    # A department that only staffs a booth there does not reach the activity's tally.
    desk_only = token_for(app, scopes=[{"department_id": day["desk_owner"]}])
    assert get_tally(app, desk_only).get_json() == {"rows": []}

    lead_only = token_for(app, scopes=[{"department_id": day["lead_a"]}])
    assert {r["activity_id"] for r in get_tally(app, lead_only).get_json()["rows"]} == {day["fair"]}


def test_staff_scanners_and_strangers_are_refused(app, day):
    staff = token_for(app, "staff", scopes=[{"activity_id": day["fair"]}])
    assert get_tally(app, staff).status_code == 403
    assert get_tally(app, staff).get_json()["error"]["code"] == "forbidden"
    with app.app_context():
        from eventdesk.core.models import Activity

        scanner = factories.scanner_token(db.session.get(Activity, day["fair"]))
        db.session.commit()
    assert get_tally(app, scanner).status_code == 403
    assert get_tally(app, "not-a-token").status_code == 401
    assert app.test_client().get("/api/v1/tally").status_code == 401


def test_answers_match_the_openapi_document(app, day):

    document = app.test_client().get("/api/v1/openapi.json").get_json()
    admin, staff = token_for(app, "admin"), token_for(app, "staff")
    cases = ((admin, "", 200), (admin, "?date=x", 400), (staff, "", 403), ("bad", "", 401))
    for token, query, status in cases:
        response = get_tally(app, token, query)
        assert response.status_code == status
        check(document, "/tally", "get", response)


def test_bad_date_is_a_400_with_the_field(app, day):
    response = get_tally(app, token_for(app, "admin"), "?date=17-10-2026")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_field"
    assert response.get_json()["error"]["field"] == "date"


def test_a_kinds_own_metrics_come_from_the_registry(app, kind_with_metrics):
    with app.app_context():
        activity = factories.activity(kind=kind_with_metrics.name, booths=1)
        booth = activity.booths[0]
        # What the kind's own service would feed when an employer posts jobs at its stand.
        core_tally.feed([((activity.day, activity.id, booth.id, "jobs_offered"), 12)])
        token = factories.staff_token(factories.user("admin"))
        db.session.commit()
        activity_id, booth_id = activity.id, booth.id
    found = figures(get_tally(app, token).get_json()["rows"])
    assert found[(activity_id, None)]["jobs_offered"] == 12
    assert found[(activity_id, None)]["private_notes"] == 0  # declared, nothing fed yet
    assert found[(activity_id, booth_id)]["jobs_offered"] == 12


def test_tally_page_shows_tables_and_totals(app, client, day):
    with app.app_context():
        organizer = factories.user("organizer")
        db.session.commit()
        email = organizer.email
    client.login(email)
    response = client.get(f"/reports/tally?date={day['day'].isoformat()}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "阳光广场" in page
    assert "村卫生室" in page
    assert "金融咨询台" in page
    assert "市金融办" in page
    assert 'type="date"' in page
    assert f'id="activity-{day["fair"]}"' in page
    # Totals for the city: attendance 7 + 2, registered 3 + 2.
    total_row = page.split('class="total"')[1].split("</tr>")[0]
    numbers = [cell.split(">")[-1] for cell in total_row.split("</td>")[:-1]]
    assert numbers[1:7] == ["2", "5", "4", "5", "9", "4"]  # activities, registered, checked in, walk-ins …


def test_tally_page_refuses_staff(app, client):
    with app.app_context():
        staff = factories.user("staff")
        db.session.commit()
        email = staff.email
    assert client.get("/reports/tally").status_code == 302  # to sign-in
    client.login(email)
    assert client.get("/reports/tally").status_code == 403
