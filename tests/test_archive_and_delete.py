"""What was set up by mistake is deleted while nothing refers to it, and archived otherwise:
hidden from lists and forms, kept in reports. Both are audited."""

import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Activity, AuditLog, Booth, Department, District, Event, Site
from eventdesk.extensions import db
from tests.support import factories

IN_USE = "已有其他记录引用此项，不能删除"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def day(app):
    """A district with a site holding an activity (a booth, a registration), and an empty booth,
    district, department and event made by mistake."""
    with app.app_context():
        district = factories.district(name="王益区")
        site = factories.site(district, name="黄堡镇广场")
        lead = factories.department(name="市人社局")
        event = factories.event()
        activity = factories.activity(event, site_=site, lead=lead)
        used_booth = factories.booth(activity, name="就业咨询台", department_=lead)
        factories.user("staff", scopes=[{"booth_id": used_booth.id}])  # an account works at it
        factories.registration(activity)
        mistaken_booth = factories.booth(activity, name="错建展位")
        spare_district = factories.district(name="错建区")
        spare_department = factories.department(name="错建局")
        spare_event = factories.event()
        factories.user("organizer", email="office@example.org")
        db.session.commit()
        return {
            "district": district.id,
            "site": site.id,
            "lead": lead.id,
            "event": event.id,
            "activity": activity.id,
            "used_booth": used_booth.id,
            "mistaken_booth": mistaken_booth.id,
            "spare_district": spare_district.id,
            "spare_department": spare_department.id,
            "spare_event": spare_event.id,
            "date": activity.day.isoformat(),
        }


def take_back(client, name, object_id, change, form_url):
    return client.post_form(f"/manage/{name}/{object_id}/{change}", form_url=form_url)


def audit_actions(app, target_type, target_id) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditLog.action)
                .where(AuditLog.target_type == target_type, AuditLog.target_id == target_id)
                .order_by(AuditLog.id)
            )
        )


def exists(app, model, object_id) -> bool:
    with app.app_context():
        return db.session.get(model, object_id) is not None


@pytest.mark.parametrize(
    ("name", "model", "key", "edit"),
    [
        ("district", District, "spare_district", "/manage/districts/{id}/edit"),
        ("department", Department, "spare_department", "/manage/departments/{id}/edit"),
        ("event", Event, "spare_event", "/manage/events/{id}/edit"),
        ("booth", Booth, "mistaken_booth", "/manage/activities/{activity}/booths/{id}/edit"),
    ],
)
def test_a_mistake_nothing_refers_to_is_deleted_and_audited(app, client, day, name, model, key, edit):
    client.login("office@example.org")
    edit_url = edit.format(id=day[key], activity=day["activity"])
    page = client.get(edit_url).get_data(as_text=True)
    assert f"/manage/{name}/{day[key]}/delete" in page
    response = take_back(client, name, day[key], "delete", edit_url)
    assert response.status_code == 302
    assert "已删除" in text_of(client.get(response.headers["Location"]))
    assert not exists(app, model, day[key])
    assert audit_actions(app, model.__tablename__, day[key]) == [f"{name}.deleted"]


@pytest.mark.parametrize(
    ("name", "model", "key", "edit"),
    [
        ("district", District, "district", "/manage/districts/{id}/edit"),
        ("site", Site, "site", "/manage/sites/{id}/edit"),
        ("department", Department, "lead", "/manage/departments/{id}/edit"),
        ("event", Event, "event", "/manage/events/{id}/edit"),
        ("activity", Activity, "activity", "/manage/activities/{id}/edit"),
        ("booth", Booth, "used_booth", "/manage/activities/{activity}/booths/{id}/edit"),
    ],
)
def test_what_is_in_use_is_not_deleted(app, client, day, name, model, key, edit):
    client.login("office@example.org")
    edit_url = edit.format(id=day[key], activity=day["activity"])
    response = take_back(client, name, day[key], "delete", edit_url)
    assert response.status_code == 302
    assert IN_USE in text_of(client.get(response.headers["Location"]))
    assert exists(app, model, day[key])
    assert audit_actions(app, model.__tablename__, day[key]) == []


def test_an_archived_site_leaves_lists_and_forms_and_comes_back(app, client, day):
    client.login("office@example.org")
    edit_url = f"/manage/sites/{day['site']}/edit"
    assert take_back(client, "site", day["site"], "archive", edit_url).status_code == 302
    assert "黄堡镇广场" not in text_of(client.get("/manage/sites/"))
    assert "黄堡镇广场" in text_of(client.get("/manage/sites/?archived=1"))
    new_activity = client.get("/manage/activities/new").get_data(as_text=True)
    assert "黄堡镇广场" not in new_activity
    assert take_back(client, "site", day["site"], "restore", edit_url).status_code == 302
    assert "黄堡镇广场" in text_of(client.get("/manage/sites/"))
    assert audit_actions(app, "site", day["site"]) == ["site.archived", "site.restored"]


def test_an_archived_activity_stays_in_the_reports(app, client, day):
    client.login("office@example.org")
    edit_url = f"/manage/activities/{day['activity']}/edit"
    assert take_back(client, "activity", day["activity"], "archive", edit_url).status_code == 302
    with app.app_context():
        activity = db.session.get(Activity, day["activity"])
        assert activity.archived_at is not None
        name = activity.name
    assert name not in text_of(client.get("/manage/activities/"))
    assert name in text_of(client.get("/manage/activities/?archived=1"))
    assert name not in text_of(client.get("/manage/"))
    assert name in text_of(client.get(f"/reports/written/city?date={day['date']}"))
    assert name in text_of(client.get(f"/reports/tally?date={day['date']}"))


def test_an_archived_department_and_booth_are_not_offered(app, client, day):
    client.login("office@example.org")
    take_back(client, "department", day["spare_department"], "archive", "/manage/departments/")
    take_back(
        client,
        "booth",
        day["mistaken_booth"],
        "archive",
        f"/manage/activities/{day['activity']}/booths/{day['mistaken_booth']}/edit",
    )
    assert "错建局" not in text_of(client.get("/manage/activities/new"))
    assert "错建局" not in text_of(client.get("/manage/departments/"))
    scanners = text_of(client.get(f"/manage/activities/{day['activity']}/scanners"))
    assert "错建展位" not in scanners
    activity_page = text_of(client.get(f"/manage/activities/{day['activity']}"))
    assert "已归档的展位： 错建展位" in activity_page


@pytest.mark.parametrize(
    ("scopes", "name", "key"),
    [
        ("district", "department", "spare_department"),  # a district organizer: not the city's departments
        ("district", "event", "spare_event"),
        ("staff", "booth", "mistaken_booth"),  # staff do not change the activity
    ],
)
def test_only_those_who_may_change_it_take_it_back(app, client, day, scopes, name, key):
    with app.app_context():
        if scopes == "staff":
            user = factories.user("staff", scopes=[{"activity_id": day["activity"]}])
        else:
            user = factories.user("organizer", scopes=[{"district_id": day["district"]}])
        db.session.commit()
        email = user.email
    client.login(email)
    response = take_back(client, name, day[key], "delete", "/manage/")
    assert response.status_code == 403
    model = {"department": Department, "event": Event, "booth": Booth}[name]
    assert exists(app, model, day[key])


def test_taking_back_needs_the_forms_token(app, client, day):
    client.login("office@example.org")
    response = client.http.post(f"/manage/district/{day['spare_district']}/delete")
    assert response.status_code == 400
    assert exists(app, District, day["spare_district"])


def test_the_public_cannot_register_at_an_archived_activity(app, client, day):
    with app.app_context():
        activity = db.session.get(Activity, day["activity"])
        activity.registration_open = True
        db.session.commit()
        name = activity.name
    public = app.test_client()
    assert name in text_of(public.get(f"/?event={day['event']}"))
    client.login("office@example.org")
    take_back(client, "activity", day["activity"], "archive", f"/manage/activities/{day['activity']}/edit")
    assert name not in text_of(public.get(f"/?event={day['event']}"))
    response = public.post(
        f"/api/v1/activities/{day['activity']}/registrations",
        json={"name": "新群众", "phone": "13800000099", "consent": True},
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "registration_closed"
