"""Setting a day up quickly in the browser: a checklist leading to the next step, booths added in
bulk, "save and add another", hours prefilled from the event's days, every cross-field error at
once, Chinese date forms typed into text boxes, codes made when left empty, and cooperating
departments picked with checkboxes."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Activity, Booth, Department, District, Event
from eventdesk.extensions import db
from tests.support import factories

SHANGHAI = factories.SHANGHAI
DAY = dt.date(2026, 12, 1)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return value.group(1) if value else None


@pytest.fixture
def sign_in(app, client):
    def sign_in_as(role="organizer", scopes=()):
        with app.app_context():
            email = factories.user(role, scopes=scopes).email
            db.session.commit()
        client.login(email)

    return sign_in_as


@pytest.fixture
def ready(app):
    """An event on DAY with a district, a site, two departments and an activity."""
    with app.app_context():
        event = factories.event(starts_on=DAY, ends_on=DAY + dt.timedelta(days=1))
        district = factories.district(name="王益区")
        site = factories.site(district, name="黄堡镇广场")
        lead, other = (
            factories.department(name="市人社局", code="hrss"),
            factories.department(name="市卫计局"),
        )
        activity = factories.activity(
            event,
            site_=site,
            lead=lead,
            opens_at=dt.datetime(2026, 12, 1, 9, tzinfo=SHANGHAI),
            closes_at=dt.datetime(2026, 12, 1, 17, tzinfo=SHANGHAI),
        )
        db.session.commit()
        return {
            "event": event.id,
            "district": district.id,
            "site": site.id,
            "lead": lead.id,
            "other": other.id,
            "activity": activity.id,
            "activity_name": activity.name,
        }


def activity_form(ready, **changes) -> dict:
    return {
        "event_id": ready["event"],
        "kind": "consultation",
        "name": "黄堡镇政策宣传咨询",
        "site_id": ready["site"],
        "lead_department_id": ready["lead"],
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-01T17:00",
        **changes,
    }


# -- the checklist --------------------------------------------------------------------------------


def steps_of(client) -> dict[str, str]:
    html = client.get("/manage/").get_data(as_text=True)
    return dict(re.findall(r'data-step="(\w+)" data-done="(\w+)"', html))


def test_a_new_installation_is_led_step_by_step(app, client, sign_in):
    sign_in("admin")
    assert steps_of(client) == {
        key: "no"
        for key in ("event", "districts", "sites", "departments", "activities", "booths", "staff", "scanners")
    }
    home = client.get("/manage/").get_data(as_text=True)
    assert re.search(r'id="next-step"[^>]*>下一步：系列活动<|href="/manage/events/new" id="next-step"', home)

    response = client.post_form(
        "/manage/events/new",
        {
            "name": "2026年扶贫日",
            "timezone": "Asia/Shanghai",
            "starts_on": "2026/12/1",
            "ends_on": "2026/12/1",
        },
    )
    assert response.status_code == 302
    steps = steps_of(client)
    assert steps["event"] == "yes"
    assert steps["districts"] == "no"
    assert 'href="/manage/districts/new" id="next-step"' in client.get("/manage/").get_data(as_text=True)


def test_every_step_done_shows_no_next_step(app, client, sign_in, ready):
    with app.app_context():
        activity = db.session.get(Activity, ready["activity"])
        factories.booth(activity, department_=activity.lead_department)
        factories.user("staff", scopes=[{"activity_id": activity.id}])
        factories.scanner_token(activity)
        db.session.commit()
    sign_in("admin")
    assert set(steps_of(client).values()) == {"yes"}
    assert 'id="next-step"' not in client.get("/manage/").get_data(as_text=True)


def test_a_district_organizer_sees_their_own_steps(app, client, sign_in, ready):
    sign_in("organizer", scopes=[{"district_id": ready["district"]}])
    steps = steps_of(client)
    assert list(steps) == ["sites", "activities", "booths", "staff", "scanners"]
    assert (steps["sites"], steps["activities"], steps["booths"]) == ("yes", "yes", "no")
    home = client.get("/manage/").get_data(as_text=True)
    assert f'href="/manage/activities/{ready["activity"]}/booths/bulk" id="next-step"' in home


def test_staff_have_no_checklist(client, sign_in, ready):
    sign_in("staff", scopes=[{"activity_id": ready["activity"]}])
    assert steps_of(client) == {}


# -- booths in bulk ---------------------------------------------------------------------------------


def test_booths_are_added_from_a_pasted_table(app, client, sign_in, ready):
    sign_in()
    url = f"/manage/activities/{ready['activity']}/booths/bulk"
    assert url in client.get(f"/manage/activities/{ready['activity']}").get_data(as_text=True)
    pasted = "就业咨询台\t市人社局\n\n社保咨询台\thrss\n政策宣传台\n健康咨询台，市卫计局\n"
    refused = client.post_form(url, {"booths": pasted})
    assert refused.status_code == 200
    assert "第 5 行：该部门既不是本活动的牵头部门" in text_of(refused)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booth)) == 0

    response = client.post_form(url, {"booths": pasted, "add_cooperators": "y"})
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.get(Activity, ready["activity"])
        booths = [(b.name, b.department_id) for b in activity.booths]
        assert booths == [
            ("就业咨询台", ready["lead"]),
            ("社保咨询台", ready["lead"]),
            ("政策宣传台", None),
            ("健康咨询台", ready["other"]),
        ]
        assert [d.id for d in activity.cooperators] == [ready["other"]]


def test_every_bad_line_is_named_at_once(app, client, sign_in, ready):
    sign_in()
    url = f"/manage/activities/{ready['activity']}/booths/bulk"
    response = client.post_form(url, {"booths": "就业咨询台\t市人社局\n社保台\t市不存在局\n就业咨询台\n"})
    text = text_of(response)
    assert "第 2 行：未找到" in text
    assert "第 3 行：该名称已被使用" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booth)) == 0


# -- save and add another, prefilled hours -----------------------------------------------------------


def test_save_and_add_another_opens_a_fresh_form(app, client, sign_in):
    sign_in()
    form = client.get("/manage/districts/new").get_data(as_text=True)
    assert 'name="and_add_another"' in form
    response = client.post_form("/manage/districts/new", {"name": "王益区", "and_add_another": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/districts/new")
    response = client.post_form("/manage/districts/new", {"name": "印台区"})
    assert response.headers["Location"].endswith("/manage/districts/")
    with app.app_context():
        assert set(db.session.scalars(sa.select(District.name))) == {"王益区", "印台区"}


def test_a_new_activitys_hours_start_on_the_events_first_day(client, sign_in, ready):
    sign_in()
    html = client.get(f"/manage/activities/new?event={ready['event']}").get_data(as_text=True)
    assert input_value(html, "opens_at") == "2026-12-01T09:00"
    assert input_value(html, "closes_at") == "2026-12-01T17:00"
    assert "举办日期：2026-12-01 – 2026-12-02" in text_of_html(html)
    # Without an event asked for, the one coming up is chosen.
    html = client.get("/manage/activities/new").get_data(as_text=True)
    assert input_value(html, "opens_at") == "2026-12-01T09:00"
    assert re.search(rf'<option selected value="{ready["event"]}">', html)


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_save_and_add_another_activity_keeps_the_event(app, client, sign_in, ready):
    sign_in()
    response = client.post_form(
        f"/manage/activities/new?event={ready['event']}", {**activity_form(ready), "and_add_another": "1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/activities/new?event={ready['event']}")


# -- every cross-field error at once -------------------------------------------------------------------


def test_an_activity_form_shows_all_its_errors_at_once(app, client, sign_in, ready):
    sign_in()
    data = activity_form(
        ready,
        name=ready["activity_name"],  # taken at this event
        cooperator_ids=[ready["lead"]],  # the lead cannot cooperate too
        opens_at="2026-12-01T17:00",
        closes_at="2026-12-01T09:00",  # closes before it opens
    )
    response = client.post_form("/manage/activities/new", data)
    assert response.status_code == 200
    text = text_of(response)
    assert "该名称已被使用" in text
    assert "牵头部门不能同时列为配合部门" in text
    assert "结束时间必须晚于开始时间" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1


def test_an_event_form_shows_all_its_errors_at_once(app, client, sign_in, ready):
    sign_in()
    with app.app_context():
        taken = db.session.get(Event, ready["event"]).name
    response = client.post_form(
        "/manage/events/new",
        {"name": taken, "timezone": "Mars/Olympus", "starts_on": "2026-12-02", "ends_on": "2026-12-01"},
    )
    text = text_of(response)
    assert "该名称已被使用" in text
    assert "时区无效" in text
    assert "结束日期不能早于开始日期" in text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1


# -- Chinese date forms --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "closes"),
    [("2026/12/1 9:00", "2026/12/1 17:30"), ("2026年12月1日 9:00", "2026年12月1日17点30分")],
)
def test_chinese_date_forms_are_read(app, client, sign_in, ready, opens, closes):
    sign_in()
    data = activity_form(ready, name="新活动", opens_at=opens, closes_at=closes)
    assert client.post_form("/manage/activities/new", data).status_code == 302
    with app.app_context():
        activity = db.session.scalar(sa.select(Activity).where(Activity.name == "新活动"))
        local = activity.opens_at.astimezone(SHANGHAI), activity.closes_at.astimezone(SHANGHAI)
        assert [moment.strftime("%Y-%m-%d %H:%M") for moment in local] == [
            "2026-12-01 09:00",
            "2026-12-01 17:30",
        ]


def test_an_events_days_in_chinese(app, client, sign_in):
    sign_in()
    response = client.post_form(
        "/manage/events/new",
        {"name": "扶贫日", "timezone": "Asia/Shanghai", "starts_on": "2026年12月1日", "ends_on": "2026/12/2"},
    )
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(Event))
        assert (event.starts_on, event.ends_on) == (DAY, dt.date(2026, 12, 2))


# -- codes made when left empty -------------------------------------------------------------------------


def test_codes_left_empty_are_made_and_can_be_changed(app, client, sign_in):
    sign_in()
    client.post_form("/manage/districts/new", {"name": "王益区", "name_en": "Wangyi District"})
    client.post_form("/manage/districts/new", {"name": "印台区"})
    client.post_form("/manage/districts/new", {"name": "汪益区"})  # sounds as 王益区 does
    client.post_form("/manage/departments/new", {"name": "市人社局"})
    client.post_form("/manage/departments/new", {"name": "市卫计局"})
    with app.app_context():
        codes = dict(db.session.execute(sa.select(District.name, District.code)).all())
        assert codes == {"王益区": "wangyiqu", "印台区": "yintaiqu", "汪益区": "wangyiqu-1"}
        departments = dict(db.session.execute(sa.select(Department.name, Department.code)).all())
        assert departments == {"市人社局": "shirensheju", "市卫计局": "shiweijiju"}
        wangyi = db.session.scalar(sa.select(District.id).where(District.name == "王益区"))
    assert (
        client.post_form(f"/manage/districts/{wangyi}/edit", {"name": "王益区", "code": "wangyi"}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(District, wangyi).code == "wangyi"


# -- cooperating departments with checkboxes -----------------------------------------------------------


def test_cooperating_departments_are_checkboxes(client, sign_in, ready):
    sign_in()
    html = client.get("/manage/activities/new").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="cooperator_ids"[^>]*>', html)
    assert len(boxes) == 2
    assert all('type="checkbox"' in box for box in boxes)
    assert "Ctrl" not in html
