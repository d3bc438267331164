"""Organizer pages: a request in, the page and the database state out.

Setting up events, districts, sites, departments, activities, booths and staff accounts;
who may see and change what; refused input that writes nothing.
"""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import (
    Activity,
    AuditLog,
    Booth,
    Department,
    District,
    Event,
    Site,
    User,
    UserScope,
)
from eventdesk.extensions import db
from tests.support import factories

DAY = dt.date(2026, 10, 17)


@pytest.fixture
def sign_in(app, client):
    """Sign the client in as a new account of `role`, limited by `scopes`; returns its id."""

    def sign_in_as(role="admin", scopes=()):
        with app.app_context():
            user = factories.user(role, scopes=scopes)
            db.session.commit()
            email, user_id = user.email, user.id
        client.login(email)
        return user_id

    return sign_in_as


@pytest.fixture
def count(app):
    """How many rows a model's table holds now."""

    def count_rows(model, *conditions):
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))

    return count_rows


@pytest.fixture
def load(app):
    """Read one object back from the database, detached, with the attributes a test asserts."""

    def load_one(model, *conditions):
        with app.app_context():
            obj = db.session.scalars(sa.select(model).where(*conditions)).one()
            db.session.expunge(obj)
            return obj

    return load_one


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def demo_day(app):
    """An event on DAY in two districts, with an activity in each; returns their ids."""
    with app.app_context():
        event = factories.event(starts_on=DAY)
        district_a, district_b = factories.district(name="王益区"), factories.district(name="耀州区")
        lead = factories.department(name="市人社局")
        ours = factories.activity(event, site_=factories.site(district_a), lead=lead, booths=1)
        theirs = factories.activity(event, site_=factories.site(district_b), lead=lead)
        ours.name, theirs.name = "黄堡镇政策宣传咨询", "孙塬村健康服务"
        db.session.commit()
        return {
            "event": event.id,
            "district_a": district_a.id,
            "district_b": district_b.id,
            "lead": lead.id,
            "ours": ours.id,
            "theirs": theirs.id,
            "our_site": ours.site_id,
            "their_site": theirs.site_id,
            "our_booth": ours.booths[0].id,
        }


# Who may see what ------------------------------------------------------------------------

SETUP_PAGES = [
    "/manage/events/",
    "/manage/events/new",
    "/manage/districts/",
    "/manage/districts/new",
    "/manage/sites/",
    "/manage/sites/new",
    "/manage/departments/",
    "/manage/departments/new",
]
STAFF_PAGES = ["/manage/staff/", "/manage/staff/new"]


def test_pages_need_sign_in(client):
    for url in [*SETUP_PAGES, *STAFF_PAGES, "/manage/activities/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", SETUP_PAGES)
def test_setup_pages_refuse_staff(client, sign_in, url):
    sign_in("staff")
    response = client.get(url)
    assert response.status_code == 403
    assert "您没有执行此操作的权限" in _page(response)


@pytest.mark.parametrize("url", [url for url in SETUP_PAGES if "/sites/" not in url])
def test_setup_pages_refuse_a_scoped_organizer(app, client, sign_in, url):
    with app.app_context():
        district_id = factories.district().id
        db.session.commit()
    sign_in("organizer", scopes=[{"district_id": district_id}])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [url for url in SETUP_PAGES if "/sites/" in url])
def test_site_pages_refuse_a_department_organizer(app, client, sign_in, url):
    with app.app_context():
        department_id = factories.department().id
        db.session.commit()
    sign_in("organizer", scopes=[{"department_id": department_id}])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", SETUP_PAGES)
def test_setup_pages_serve_a_city_wide_organizer(client, sign_in, url):
    sign_in("organizer")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_accounts_pages_refuse_staff(app, client, sign_in, url):
    sign_in("staff")
    assert client.get(url).status_code == 403
    with app.app_context():
        other_id = factories.user("staff").id
        db.session.commit()
    assert client.get(f"/manage/staff/{other_id}/edit").status_code == 403
    response = client.post_form(
        f"/manage/staff/{other_id}/password", {"password": "x" * 10}, form_url="/manage/"
    )
    assert response.status_code == 403


def test_navigation_shows_only_the_links_the_account_may_follow(app, client, sign_in):
    sign_in("staff")
    page = _page(client.get("/manage/"))
    assert "/manage/activities/" in page
    assert "/manage/events/" not in page
    assert "/manage/staff/" not in page
    client.post_form("/logout", form_url="/manage/")
    sign_in("organizer")
    page = _page(client.get("/manage/"))
    assert "/manage/events/" in page
    assert "/manage/departments/" in page
    assert "/manage/staff/" in page
    client.post_form("/logout", form_url="/manage/")
    sign_in("admin")
    assert "/manage/staff/" in _page(client.get("/manage/"))


# Language --------------------------------------------------------------------------------


def test_pages_are_chinese_by_default_and_english_on_request(client, sign_in):
    sign_in("admin")
    page = _page(client.get("/manage/districts/new"))
    assert "新建区县" in page
    assert "名称" in page
    page = _page(client.get("/manage/districts/new?lang=en"))
    assert "New district" in page
    assert "Name (Chinese)" in page


# Events ----------------------------------------------------------------------------------


def test_create_list_and_edit_an_event(app, client, sign_in, count, load):
    admin_id = sign_in("admin")
    response = client.post_form(
        "/manage/events/new",
        {
            "name": "2026年扶贫日",
            "name_en": "Poverty Alleviation Day 2026",
            "timezone": "Asia/Shanghai",
            "starts_on": "2026-10-17",
            "ends_on": "2026-10-17",
        },
    )
    assert response.status_code == 302
    event = load(Event, Event.name == "2026年扶贫日")
    assert (event.timezone, event.starts_on, event.ends_on, event.is_demo) == (
        "Asia/Shanghai",
        DAY,
        DAY,
        False,
    )
    entry = load(AuditLog, AuditLog.target_type == "event")
    assert (entry.action, entry.target_id, entry.user_id) == ("event.created", event.id, admin_id)

    page = _page(client.get("/manage/events/"))
    assert "2026年扶贫日" in page
    assert "已保存" in page

    response = client.post_form(
        f"/manage/events/{event.id}/edit",
        {
            "name": "2026年扶贫日系列活动",
            "name_en": "",
            "timezone": "Asia/Urumqi",
            "starts_on": "2026-10-16",
            "ends_on": "2026-10-18",
        },
    )
    assert response.status_code == 302
    event = load(Event, Event.id == event.id)
    assert (event.name, event.name_en, event.timezone) == ("2026年扶贫日系列活动", None, "Asia/Urumqi")
    assert (event.starts_on, event.ends_on) == (dt.date(2026, 10, 16), dt.date(2026, 10, 18))
    entry = load(AuditLog, AuditLog.action == "event.updated")
    assert set(entry.details["changed"]) == {"name", "name_en", "timezone", "starts_on", "ends_on"}
    assert count(Event) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "时区无效"),
        ({"timezone": "../../etc/passwd"}, "时区无效"),
        ({"ends_on": "2026-10-16"}, "结束日期不能早于开始日期"),
        ({"starts_on": "1899-01-01"}, "2000年至2099年"),
        ({"starts_on": "not a date"}, "不是有效的日期"),
        ({"name": ""}, "必填"),
        ({"name": "扶" * 101}, "不能超过"),
    ],
)
def test_bad_event_is_refused_and_nothing_written(client, sign_in, count, changes, message):
    sign_in("admin")
    data = {"name": "扶贫日", "timezone": "Asia/Shanghai", "starts_on": "2026-10-17", "ends_on": "2026-10-17"}
    response = client.post_form("/manage/events/new", {**data, **changes})
    assert response.status_code == 200
    assert message in _page(response)
    assert count(Event) == 0
    assert count(AuditLog) == 0


def test_event_dates_must_keep_its_activities(app, client, sign_in, demo_day, load):
    sign_in("admin")
    response = client.post_form(
        f"/manage/events/{demo_day['event']}/edit",
        {"name": "扶贫日", "timezone": "Asia/Shanghai", "starts_on": "2026-10-18", "ends_on": "2026-10-19"},
    )
    assert response.status_code == 200
    assert "请先调整" in _page(response)
    assert load(Event, Event.id == demo_day["event"]).starts_on == DAY


def test_event_names_are_unique(app, client, sign_in, count):
    with app.app_context():
        factories.event().name = "2026年扶贫日"
        db.session.commit()
    sign_in("admin")
    response = client.post_form(
        "/manage/events/new",
        {
            "name": " 2026年扶贫日 ",
            "timezone": "Asia/Shanghai",
            "starts_on": "2026-10-17",
            "ends_on": "2026-10-17",
        },
    )
    assert "该名称已被使用" in _page(response)
    assert count(Event) == 1


def test_events_list_searches_and_pages(app, client, sign_in):
    with app.app_context():
        for n in range(23):
            factories.event(starts_on=DAY + dt.timedelta(days=n)).name = f"活动日{n:02d}"
        factories.event(starts_on=DAY).name = "助残日"
        db.session.commit()
    sign_in("admin")
    first, second = _page(client.get("/manage/events/")), _page(client.get("/manage/events/?page=2"))
    assert first.count("/edit") == 20
    assert second.count("/edit") == 4
    assert "共 2 页" in first
    page = _page(client.get("/manage/events/?q=助残"))
    assert "助残日" in page
    assert "活动日" not in page
    page = _page(client.get("/manage/events/?q=100%25"))
    assert "没有与" in page


# Districts -------------------------------------------------------------------------------


def test_create_list_search_and_edit_a_district(client, sign_in, count, load):
    sign_in("organizer")
    response = client.post_form(
        "/manage/districts/new",
        {"code": "ＷangYi", "name": "王益区", "name_en": "Wangyi District", "sort_order": "20"},
    )
    assert response.status_code == 302
    district = load(District, District.name == "王益区")
    assert (district.code, district.name_en, district.sort_order) == ("wangyi", "Wangyi District", 20)
    client.post_form("/manage/districts/new", {"code": "yaozhou", "name": "耀州区"})
    page = _page(client.get("/manage/districts/?q=wang"))
    assert "王益区" in page
    assert "耀州区" not in page
    assert "耀州区" in _page(client.get("/manage/districts/?q=耀州"))

    response = client.post_form(
        f"/manage/districts/{district.id}/edit",
        {"code": "wangyi", "name": "王益区", "name_en": "", "sort_order": "5"},
    )
    assert response.status_code == 302
    district = load(District, District.id == district.id)
    assert (district.sort_order, district.name_en) == (5, None)
    assert count(District) == 2


def test_districts_list_pages(app, client, sign_in):
    with app.app_context():
        for n in range(21):
            factories.district(name=f"区县{n:02d}", code=f"d{n:02d}")
        db.session.commit()
    sign_in("admin")
    assert _page(client.get("/manage/districts/")).count("/edit") == 20
    assert _page(client.get("/manage/districts/?page=2")).count("/edit") == 1
    assert client.get("/manage/districts/?page=3").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "必填"),
        ({"name": "   "}, "必填"),
        ({"name": "王" * 101}, "不能超过"),
        ({"name": "王益\u200b区"}, "不可见字符"),
        ({"name": "\u200b\u200b"}, "不可见字符"),
        ({"name": "王益区\u202e"}, "不可见字符"),
        ({"name": "王益区\x07"}, "不可见字符"),
        ({"code": "王益"}, "小写英文字母"),
        ({"code": "9lives"}, "小写英文字母"),
        ({"code": "a" * 21}, "不能超过"),
        ({"code": "taken"}, "该代码已被使用"),
        ({"name": "已有区县"}, "该名称已被使用"),
        ({"sort_order": "-1"}, "0至9999"),
        ({"sort_order": "many"}, "不是有效的整数"),
    ],
)
def test_bad_district_is_refused_with_a_translated_reason(app, client, sign_in, count, data, message):
    with app.app_context():
        factories.district(name="已有区县", code="taken")
        db.session.commit()
    sign_in("admin")
    response = client.post_form("/manage/districts/new", {"code": "wangyi", "name": "王益区", **data})
    assert response.status_code == 200
    assert message in _page(response)
    assert count(District) == 1
    assert count(AuditLog) == 0


def test_names_are_normalised(client, sign_in, load):
    sign_in("admin")
    response = client.post_form(
        "/manage/districts/new",
        {"code": "xinqu", "name": "\u3000新区\u3000\u3000管委会 ", "name_en": "Cafe\u0301"},
    )
    assert response.status_code == 302
    district = load(District, District.code == "xinqu")
    assert (district.name, district.name_en) == ("新区 管委会", "Café")


def test_form_post_without_csrf_token_is_refused_and_writes_nothing(client, sign_in, count):
    sign_in("admin")
    response = client.http.post("/manage/districts/new", data={"code": "wangyi", "name": "王益区"})
    assert response.status_code == 400
    assert "表单已过期" in _page(response)
    assert count(District) == 0
    response = client.http.post(
        "/manage/districts/new", data={"code": "wangyi", "name": "王益区", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert count(District) == 0


# Sites -----------------------------------------------------------------------------------


def test_create_list_search_and_edit_a_site(app, client, sign_in, count, load):
    with app.app_context():
        wangyi, yaozhou = factories.district(name="王益区").id, factories.district(name="耀州区").id
        db.session.commit()
    sign_in("admin")
    form = {"district_id": wangyi, "name": "黄堡镇集镇广场", "address": "黄堡镇中心街"}
    assert client.post_form("/manage/sites/new", form).status_code == 302
    site = load(Site, Site.name == "黄堡镇集镇广场")
    assert (site.district_id, site.address, site.name_en) == (wangyi, "黄堡镇中心街", None)

    # The same name is refused in the same district, and fine in another.
    response = client.post_form("/manage/sites/new", form, form_url="/manage/sites/new")
    assert "该名称已被使用" in _page(response)
    assert client.post_form("/manage/sites/new", {**form, "district_id": yaozhou}).status_code == 302
    assert count(Site) == 2

    page = _page(client.get("/manage/sites/?q=中心街"))
    assert page.count("/edit") == 2
    assert _page(client.get("/manage/sites/?q=耀州")).count("/edit") == 1

    response = client.post_form(
        f"/manage/sites/{site.id}/edit", {"district_id": wangyi, "name": "黄堡镇广场", "address": ""}
    )
    assert response.status_code == 302
    site = load(Site, Site.id == site.id)
    assert (site.name, site.address) == ("黄堡镇广场", None)


def test_site_needs_an_existing_district(client, sign_in, count):
    sign_in("admin")
    response = client.post_form("/manage/sites/new", {"district_id": "999", "name": "广场"})
    assert response.status_code == 200
    assert count(Site) == 0


# Departments -----------------------------------------------------------------------------


def test_create_list_search_and_edit_a_department(client, sign_in, count, load):
    sign_in("admin")
    data = {"code": "hrss", "name": "市人社局", "name_en": "City Human Resources and Social Security Bureau"}
    assert client.post_form("/manage/departments/new", data).status_code == 302
    assert (
        client.post_form("/manage/departments/new", {"code": "health", "name": "市卫计局"}).status_code == 302
    )
    department = load(Department, Department.code == "hrss")
    assert department.name == "市人社局"

    response = client.post_form("/manage/departments/new", {"code": "hrss2", "name": "市人社局"})
    assert "该名称已被使用" in _page(response)
    response = client.post_form("/manage/departments/new", {"code": "HRSS", "name": "人社局"})
    assert "该代码已被使用" in _page(response)
    assert count(Department) == 2

    page = _page(client.get("/manage/departments/?q=Social"))
    assert "市人社局" in page
    assert "市卫计局" not in page

    response = client.post_form(
        f"/manage/departments/{department.id}/edit", {"code": "hrss", "name": "市人力资源和社会保障局"}
    )
    assert response.status_code == 302
    assert load(Department, Department.id == department.id).name == "市人力资源和社会保障局"
    # Keeping its own code and name is no clash with itself.
    assert (
        client.post_form(
            f"/manage/departments/{department.id}/edit", {"code": "hrss", "name": "市人力资源和社会保障局"}
        ).status_code
        == 302
    )


# Activities ------------------------------------------------------------------------------


def _activity_form(ids, **changes) -> dict:
    return {
        "event_id": ids["event"],
        "kind": "jobfair",
        "name": "就业扶贫专场招聘会",
        "name_en": "Job fair",
        "site_id": ids["our_site"],
        "lead_department_id": ids["lead"],
        "cooperator_ids": [],
        "opens_at": "2026-10-17T09:00",
        "closes_at": "2026-10-17T17:00",
        "capacity": "300",
        "registration_open": "y",
        "description": "请携带身份证件。\r\n现场登记求职意向。",
        **changes,
    }


def test_create_an_activity_in_the_events_time_zone(app, client, sign_in, demo_day, load):
    with app.app_context():
        helper = factories.department(name="市扶贫局").id
        db.session.commit()
    sign_in("organizer")
    response = client.post_form("/manage/activities/new", _activity_form(demo_day, cooperator_ids=[helper]))
    assert response.status_code == 302
    activity = load(Activity, Activity.name == "就业扶贫专场招聘会")
    assert response.headers["Location"].endswith(f"/manage/activities/{activity.id}")
    # 09:00 in Shanghai is 01:00 UTC.
    assert activity.opens_at == dt.datetime(2026, 10, 17, 1, tzinfo=dt.UTC)
    assert activity.closes_at == dt.datetime(2026, 10, 17, 9, tzinfo=dt.UTC)
    assert (activity.kind, activity.capacity, activity.registration_open) == ("jobfair", 300, True)
    assert activity.description == "请携带身份证件。\n现场登记求职意向。"

    page = _page(client.get(f"/manage/activities/{activity.id}"))
    assert "2026-10-17 09:00 – 2026-10-17 17:00" in page
    assert "市人社局" in page
    assert "市扶贫局" in page
    assert "招聘会" in page


def test_activity_detail_shows_booths_and_departments(app, client, sign_in, demo_day):
    with app.app_context():
        activity = db.session.get(Activity, demo_day["ours"])
        helper = factories.department(name="市卫计局")
        activity.cooperators = [helper]
        factories.booth(activity, name="体格检查", department_=helper)
        db.session.commit()
    sign_in("admin")
    page = _page(client.get(f"/manage/activities/{demo_day['ours']}"))
    for text in ("黄堡镇政策宣传咨询", "牵头部门", "市人社局", "配合部门", "市卫计局", "体格检查", "王益区"):
        assert text in page, text


def test_edit_an_activity(app, client, sign_in, demo_day, load):
    sign_in("admin")
    url = f"/manage/activities/{demo_day['ours']}/edit"
    page = _page(client.get(url))
    assert 'value="2026-10-17T00:00"' in page
    assert 'value="2026-10-18T00:00"' in page
    data = _activity_form(demo_day, name="黄堡镇政策宣传咨询活动", capacity="", registration_open="")
    response = client.post_form(url, data)
    assert response.status_code == 302
    activity = load(Activity, Activity.id == demo_day["ours"])
    assert (activity.name, activity.capacity, activity.registration_open) == (
        "黄堡镇政策宣传咨询活动",
        None,
        False,
    )
    # The kind is chosen once, at creation.
    assert activity.kind == "consultation"
    entry = load(AuditLog, AuditLog.action == "activity.updated")
    assert {"name", "opens_at", "closes_at", "registration_open"} <= set(entry.details["changed"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2026-10-17T08:00"}, "结束时间必须晚于开始时间"),
        ({"closes_at": "2026-10-17T09:00"}, "结束时间必须晚于开始时间"),
        ({"opens_at": "2026-10-16T23:00"}, "日期范围内"),
        ({"opens_at": "2026-10-18T09:00", "closes_at": "2026-10-18T10:00"}, "日期范围内"),
        ({"closes_at": "2026-10-18T01:00"}, "日期范围内"),
        ({"opens_at": "yesterday"}, "不是有效的日期"),
        ({"capacity": "0"}, "须为1至"),
        ({"capacity": "-5"}, "须为1至"),
        ({"capacity": "99999999999"}, "须为1至"),
        ({"name": ""}, "必填"),
        ({"name": "会" * 101}, "不能超过"),
        ({"name": "招聘\u2066会"}, "不可见字符"),
        ({"description": "说明" * 1001}, "不能超过"),
        ({"kind": "concert"}, "不是有效的选择"),
        ({"lead_department_id": "0"}, "不是有效的选择"),
        ({"name": "孙塬村健康服务"}, "该名称已被使用"),
    ],
)
def test_bad_activity_is_refused_and_nothing_written(client, sign_in, demo_day, count, changes, message):
    sign_in("admin")
    response = client.post_form("/manage/activities/new", _activity_form(demo_day, **changes))
    assert response.status_code == 200
    assert message in _page(response)
    assert count(Activity) == 2
    assert count(AuditLog) == 0


def test_lead_department_cannot_also_cooperate(client, sign_in, demo_day, count):
    sign_in("admin")
    response = client.post_form(
        "/manage/activities/new", _activity_form(demo_day, cooperator_ids=[demo_day["lead"]])
    )
    assert "牵头部门不能同时列为配合部门" in _page(response)
    assert count(Activity) == 2


def test_an_activity_is_held_on_one_day(app, client, sign_in, count):
    with app.app_context():
        event = factories.event(starts_on=DAY, ends_on=DAY + dt.timedelta(days=2))
        ids = {"event": event.id, "our_site": factories.site().id, "lead": factories.department().id}
        db.session.commit()
    sign_in("admin")
    data = _activity_form(ids, opens_at="2026-10-17T09:00", closes_at="2026-10-18T09:00")
    assert "同一天" in _page(client.post_form("/manage/activities/new", data))
    data = _activity_form(ids, opens_at="2026-10-18T00:00", closes_at="2026-10-19T00:00")
    assert client.post_form("/manage/activities/new", data).status_code == 302
    assert count(Activity) == 1


def test_activities_list_searches_filters_and_pages(app, client, sign_in, demo_day):
    with app.app_context():
        event = db.session.get(Event, demo_day["event"])
        for _ in range(19):
            factories.activity(event)
        other = factories.event(starts_on=DAY)
        factories.activity(other).name = "另一系列的活动"
        db.session.commit()
        other_id = other.id
    sign_in("organizer")
    first, second = _page(client.get("/manage/activities/")), _page(client.get("/manage/activities/?page=2"))
    assert first.count('href="/manage/activities/') - first.count("/manage/activities/new") >= 20
    assert "第 2 页" in second
    page = _page(client.get("/manage/activities/?q=黄堡"))
    assert "黄堡镇政策宣传咨询" in page
    assert "孙塬村健康服务" not in page
    page = _page(client.get(f"/manage/activities/?event={other_id}"))
    assert "另一系列的活动" in page
    assert "黄堡镇政策宣传咨询" not in page
    # Paging keeps the search and the event filter.
    page = _page(client.get(f"/manage/activities/?event={demo_day['event']}&q=活动"))
    assert f"event={demo_day['event']}" in page


def _site_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="site_id".*?</select>', page, re.S).group(0)
    return re.findall(r'<option[^>]*value="(\d+)"', select)


def test_district_organizer_reaches_only_their_district(app, client, sign_in, demo_day, load, count):
    sign_in("organizer", scopes=[{"district_id": demo_day["district_a"]}])
    page = _page(client.get("/manage/activities/"))
    assert "黄堡镇政策宣传咨询" in page
    assert "孙塬村健康服务" not in page

    ours, theirs = demo_day["ours"], demo_day["theirs"]
    assert client.get(f"/manage/activities/{ours}/edit").status_code == 200
    assert client.get(f"/manage/activities/{theirs}").status_code == 403
    assert client.get(f"/manage/activities/{theirs}/edit").status_code == 403
    assert client.get(f"/manage/activities/{theirs}/booths/new").status_code == 403

    data = _activity_form(demo_day, name="改名", site_id=demo_day["their_site"])
    response = client.post_form(
        f"/manage/activities/{theirs}/edit", data, form_url=f"/manage/activities/{ours}/edit"
    )
    assert response.status_code == 403
    assert load(Activity, Activity.id == theirs).name == "孙塬村健康服务"

    # Their own activity may be changed, but not moved out of their district: the other
    # district's sites are not even offered.
    offered = _site_options(_page(client.get(f"/manage/activities/{ours}/edit")))
    assert str(demo_day["our_site"]) in offered
    assert str(demo_day["their_site"]) not in offered
    response = client.post_form(f"/manage/activities/{ours}/edit", data)
    assert response.status_code == 200
    assert "不是有效的选择" in _page(response)
    assert load(Activity, Activity.id == ours).site_id == demo_day["our_site"]
    data["site_id"] = demo_day["our_site"]
    assert client.post_form(f"/manage/activities/{ours}/edit", data).status_code == 302
    assert load(Activity, Activity.id == ours).name == "改名"

    # New activities only in their district.
    data = _activity_form(demo_day, name="新活动", site_id=demo_day["their_site"])
    assert str(demo_day["their_site"]) not in _site_options(_page(client.get("/manage/activities/new")))
    assert "不是有效的选择" in _page(client.post_form("/manage/activities/new", data))
    assert count(Activity) == 2
    data["site_id"] = demo_day["our_site"]
    assert client.post_form("/manage/activities/new", data).status_code == 302


def test_department_staff_see_but_do_not_change(app, client, sign_in, demo_day):
    sign_in("staff", scopes=[{"department_id": demo_day["lead"]}])
    page = _page(client.get(f"/manage/activities/{demo_day['ours']}"))
    assert "黄堡镇政策宣传咨询" in page
    assert f"/manage/activities/{demo_day['ours']}/edit" not in page
    assert client.get(f"/manage/activities/{demo_day['ours']}/edit").status_code == 403
    assert client.get("/manage/activities/new").status_code == 403
    response = client.post_form(
        f"/manage/activities/{demo_day['ours']}/booths/new", {"name": "x"}, form_url="/manage/"
    )
    assert response.status_code == 403


def test_booth_staff_see_only_their_activity(client, sign_in, demo_day):
    sign_in("staff", scopes=[{"booth_id": demo_day["our_booth"]}])
    assert client.get(f"/manage/activities/{demo_day['ours']}").status_code == 200
    assert client.get(f"/manage/activities/{demo_day['theirs']}").status_code == 403
    page = _page(client.get("/manage/activities/"))
    assert "黄堡镇政策宣传咨询" in page
    assert "孙塬村健康服务" not in page


def test_unknown_activity_is_not_found(client, sign_in):
    sign_in("admin")
    assert client.get("/manage/activities/999").status_code == 404
    assert client.get("/manage/activities/999/edit").status_code == 404


# Booths ----------------------------------------------------------------------------------


def test_add_and_edit_booths_from_the_activity_page(app, client, sign_in, demo_day, count, load):
    sign_in("organizer", scopes=[{"district_id": demo_day["district_a"]}])
    activity_url = f"/manage/activities/{demo_day['ours']}"
    assert f"{activity_url}/booths/new" in _page(client.get(activity_url))

    response = client.post_form(
        f"{activity_url}/booths/new",
        {"name": "就业创业咨询台", "department_id": demo_day["lead"], "sort_order": "10"},
    )
    assert response.headers["Location"].endswith(activity_url)
    booth = load(Booth, Booth.name == "就业创业咨询台")
    assert (booth.activity_id, booth.department_id, booth.sort_order) == (
        demo_day["ours"],
        demo_day["lead"],
        10,
    )
    assert "就业创业咨询台" in _page(client.get(activity_url))

    response = client.post_form(f"{activity_url}/booths/new", {"name": "就业创业咨询台", "department_id": ""})
    assert "该名称已被使用" in _page(response)
    assert count(Booth) == 2

    response = client.post_form(
        f"{activity_url}/booths/{booth.id}/edit",
        {"name": "就业咨询台", "name_en": "Jobs desk", "department_id": "", "sort_order": ""},
    )
    assert response.status_code == 302
    booth = load(Booth, Booth.id == booth.id)
    assert (booth.name, booth.name_en, booth.department_id, booth.sort_order) == (
        "就业咨询台",
        "Jobs desk",
        None,
        0,
    )

    # A booth is only reached through its own activity.
    other_url = f"/manage/activities/{demo_day['theirs']}/booths/{booth.id}/edit"
    assert client.get(other_url).status_code == 403


def test_booth_of_another_activity_is_not_found(client, sign_in, demo_day):
    sign_in("admin")
    url = f"/manage/activities/{demo_day['theirs']}/booths/{demo_day['our_booth']}/edit"
    assert client.get(url).status_code == 404


# Staff accounts --------------------------------------------------------------------------


def test_admin_creates_a_booth_scoped_staff_account(app, client, sign_in, demo_day, load):
    sign_in("admin")
    response = client.post_form(
        "/manage/staff/new",
        {
            "email": "Liu.Fang@Example.org",
            "name": "刘芳",
            "role": "staff",
            "active": "y",
            "password": "a good long password",
            "booth_ids": [demo_day["our_booth"]],
        },
    )
    assert response.status_code == 302
    user = load(User, User.email == "liu.fang@example.org")
    assert (user.name, user.role, user.active) == ("刘芳", "staff", True)
    scope = load(UserScope, UserScope.user_id == user.id)
    assert (scope.booth_id, scope.district_id) == (demo_day["our_booth"], None)
    page = _page(client.get("/manage/staff/?q=liu"))
    assert "刘芳" in page
    assert "展位" in page

    client.post_form("/logout", form_url="/manage/")
    client.login("liu.fang@example.org", "a good long password")
    assert client.get(f"/manage/activities/{demo_day['ours']}").status_code == 200


def test_admin_edits_role_scopes_and_active(app, client, sign_in, demo_day, load, count):
    with app.app_context():
        user = factories.user("staff", scopes=[{"booth_id": demo_day["our_booth"]}])
        db.session.commit()
        user_id = user.id
    sign_in("admin")
    response = client.post_form(
        f"/manage/staff/{user_id}/edit",
        {
            "email": "org@example.org",
            "name": "李秀兰",
            "role": "organizer",
            "district_ids": [demo_day["district_a"], demo_day["district_b"]],
        },
    )
    assert response.status_code == 302
    user = load(User, User.id == user_id)
    assert (user.email, user.name, user.role, user.active) == (
        "org@example.org",
        "李秀兰",
        "organizer",
        False,
    )
    assert count(UserScope, UserScope.user_id == user_id) == 2
    assert count(UserScope, UserScope.booth_id.is_not(None)) == 0
    entry = load(AuditLog, AuditLog.action == "user.updated")
    assert set(entry.details["changed"]) == {"email", "name", "role", "active", "scopes"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "taken@example.org"}, "该邮箱的账号已存在"),
        ({"email": "no at sign"}, "缺少字段"),
        ({"role": "admin", "district_ids": ["1"]}, "管理员可访问全部内容"),
        ({"role": "superuser"}, "不是有效的选择"),
        ({"password": "short"}, "至少"),
        ({"name": "刘\u200d芳"}, "不可见字符"),
        ({"district_ids": ["999"]}, "请从列表中选择"),
    ],
)
def test_bad_staff_account_is_refused_and_nothing_written(app, client, sign_in, count, changes, message):
    with app.app_context():
        factories.user("staff", email="taken@example.org")
        factories.district(code="d1")
        db.session.commit()
    sign_in("admin")
    data = {"email": "new@example.org", "name": "刘芳", "role": "staff", "password": "a good long password"}
    response = client.post_form("/manage/staff/new", {**data, **changes})
    assert response.status_code == 200
    assert message in _page(response)
    assert count(User) == 2
    assert count(AuditLog) == 0


def test_admin_cannot_lock_themselves_out(client, sign_in, load):
    admin_id = sign_in("admin")
    url = f"/manage/staff/{admin_id}/edit"
    with client.app.app_context():
        email = db.session.get(User, admin_id).email
    response = client.post_form(url, {"email": email, "name": "管理员", "role": "organizer", "active": "y"})
    assert "不能取消本人的管理员角色" in _page(response)
    response = client.post_form(url, {"email": email, "name": "管理员", "role": "admin"})
    assert "不能取消本人的管理员角色" in _page(response)
    user = load(User, User.id == admin_id)
    assert (user.role, user.active) == ("admin", True)


def test_admin_sets_a_new_password(app, client, sign_in, count):
    with app.app_context():
        user = factories.user("staff", email="zhang@example.org")
        db.session.commit()
        user_id = user.id
    sign_in("admin")
    form_url = f"/manage/staff/{user_id}/edit"
    response = client.post_form(
        f"/manage/staff/{user_id}/password",
        {"password": "new password 1", "confirm": "new password 2"},
        form_url=form_url,
    )
    assert "两次输入的密码不一致" in _page(response)
    response = client.post_form(
        f"/manage/staff/{user_id}/password", {"password": "short", "confirm": "short"}, form_url=form_url
    )
    assert "至少" in _page(response)
    assert count(AuditLog) == 0
    response = client.post_form(
        f"/manage/staff/{user_id}/password",
        {"password": "new password 1", "confirm": "new password 1"},
        form_url=form_url,
    )
    assert response.status_code == 302
    client.post_form("/logout", form_url="/manage/")
    client.login("zhang@example.org", "new password 1")
    assert count(AuditLog, AuditLog.action == "user.password_set") == 1


def test_staff_list_pages_and_searches(app, client, sign_in):
    with app.app_context():
        for n in range(22):
            factories.user("staff", email=f"volunteer{n:02d}@example.org")
        db.session.commit()
    sign_in("admin")
    assert _page(client.get("/manage/staff/")).count("/edit") == 20
    assert _page(client.get("/manage/staff/?page=2")).count("/edit") == 3
    assert _page(client.get("/manage/staff/?q=volunteer07")).count("/edit") == 1
