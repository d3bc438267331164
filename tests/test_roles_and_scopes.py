"""The roles the README promises, and scopes that agree with each other: organizers hand out
staff accounts inside their own scope, a district organizer sets up their district's sites, the
lead department's staff issue scanner devices, a department's staff open its written report, and a
booth's department always takes part in its activity."""

import re

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Activity, AuditLog, Booth, ScannerCredential, Site, User
from eventdesk.extensions import db
from tests.support import factories

OUTSIDE = "超出您负责的区县和部门范围"
NOT_ON_THE_LIST = "不是有效的选择"
NOT_AMONG_THE_CHOICES = "请从列表中选择"


def page(response) -> str:
    return response.get_data(as_text=True)


def options(html: str, name: str) -> dict[str, str]:
    """The options of the select (or checkboxes) named `name`: value → label."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    return dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0)))


def selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option selected value="([^"]*)"', select)


@pytest.fixture
def city(app):
    """Two districts with a site and an activity each; the activity of 王益区 led by 市人社局,
    with 市卫计局 cooperating; 市农业局 takes no part."""
    with app.app_context():
        wangyi, yintai = factories.district(name="王益区"), factories.district(name="印台区")
        hrss, health, farming = (
            factories.department(name="市人社局"),
            factories.department(name="市卫计局"),
            factories.department(name="市农业局"),
        )
        event = factories.event()
        ours = factories.activity(event, site_=factories.site(wangyi, name="黄堡镇广场"), lead=hrss)
        ours.cooperators = [health]
        theirs = factories.activity(event, site_=factories.site(yintai, name="印台广场"), lead=health)
        inside = factories.user("staff", email="inside@example.org", scopes=[{"district_id": wangyi.id}])
        outside = factories.user("staff", email="outside@example.org", scopes=[{"district_id": yintai.id}])
        admin = factories.user("admin", email="boss@example.org")
        db.session.commit()
        return {
            "wangyi": wangyi.id,
            "yintai": yintai.id,
            "hrss": hrss.id,
            "health": health.id,
            "farming": farming.id,
            "ours": ours.id,
            "theirs": theirs.id,
            "day": ours.day,
            "our_site": ours.site_id,
            "their_site": theirs.site_id,
            "inside": inside.id,
            "outside": outside.id,
            "admin": admin.id,
        }


@pytest.fixture
def sign_in(app, client):
    def sign_in_as(role, scopes=()):
        with app.app_context():
            email = factories.user(role, scopes=scopes).email
            db.session.commit()
        client.login(email)

    return sign_in_as


def accounts(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(User.email)))


# -- staff accounts inside one's own scope ----------------------------------------------------------


def test_a_district_organizer_makes_their_own_staff_accounts(app, client, sign_in, city):
    sign_in("organizer", scopes=[{"district_id": city["wangyi"]}])
    listed = page(client.get("/manage/staff/"))
    assert "inside@example.org" in listed
    assert "outside@example.org" not in listed
    assert "boss@example.org" not in listed

    form = page(client.get("/manage/staff/new"))
    assert options(form, "role") == {"staff": "工作人员", "organizer": "组织人员"}
    assert selected(form, "role") == ["staff"]
    assert set(options(form, "district_ids")) == {str(city["wangyi"])}

    response = client.post_form(
        "/manage/staff/new",
        {
            "email": "xiaoli@example.org",
            "name": "小李",
            "role": "staff",
            "active": "y",
            "district_ids": str(city["wangyi"]),
            "password": "a good long password",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        made = db.session.scalar(sa.select(User).where(User.email == "xiaoli@example.org"))
        assert (made.role, [s.district_id for s in made.scopes]) == ("staff", [city["wangyi"]])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"district_ids": "{yintai}"}, NOT_AMONG_THE_CHOICES),  # another district is not offered
        ({"role": "admin"}, NOT_ON_THE_LIST),  # nor is an administrator's role
        ({}, OUTSIDE),  # an account without limits would reach the whole city
    ],
)
def test_a_district_organizer_cannot_hand_out_more_than_they_reach(
    app, client, sign_in, city, changes, message
):
    sign_in("organizer", scopes=[{"district_id": city["wangyi"]}])
    before = accounts(app)
    data = {"email": "wide@example.org", "name": "越权", "role": "staff", "password": "a good long password"}
    data.update({key: value.format(**city) for key, value in changes.items()})
    response = client.post_form("/manage/staff/new", data)
    assert response.status_code == 200
    assert message in page(response)
    assert accounts(app) == before


def test_accounts_outside_the_organizers_scope_are_closed_to_them(app, client, sign_in, city):
    sign_in("organizer", scopes=[{"district_id": city["wangyi"]}])
    for user_id in (city["outside"], city["admin"]):
        assert client.get(f"/manage/staff/{user_id}/edit").status_code == 403
        response = client.post_form(
            f"/manage/staff/{user_id}/password",
            {"password": "another long password", "confirm": "another long password"},
            form_url=f"/manage/staff/{city['inside']}/password",
        )
        assert response.status_code == 403
    assert client.get(f"/manage/staff/{city['inside']}/edit").status_code == 200


def test_a_city_wide_organizer_manages_accounts_but_makes_no_administrator(app, client, sign_in, city):
    sign_in("organizer")
    listed = page(client.get("/manage/staff/"))
    assert "outside@example.org" in listed
    assert "boss@example.org" not in listed
    assert "admin" not in options(page(client.get("/manage/staff/new")), "role")


def test_the_staff_forms_role_defaults_to_staff_even_for_an_admin(client, sign_in, city):
    sign_in("admin")
    form = page(client.get("/manage/staff/new"))
    assert set(options(form, "role")) == {"staff", "organizer", "admin"}
    assert selected(form, "role") == ["staff"]


# -- sites of one's district ---------------------------------------------------------------------------


def test_a_district_organizer_adds_sites_of_their_district(app, client, sign_in, city):
    sign_in("organizer", scopes=[{"district_id": city["wangyi"]}])
    assert "/manage/sites/" in page(client.get("/manage/"))
    listed = page(client.get("/manage/sites/"))
    assert "黄堡镇广场" in listed
    assert "印台广场" not in listed
    assert set(options(page(client.get("/manage/sites/new")), "district_id")) == {str(city["wangyi"])}

    response = client.post_form("/manage/sites/new", {"district_id": city["wangyi"], "name": "王家河村委会"})
    assert response.status_code == 302
    refused = client.post_form("/manage/sites/new", {"district_id": city["yintai"], "name": "越界广场"})
    assert refused.status_code == 200
    assert NOT_ON_THE_LIST in page(refused)
    assert client.get(f"/manage/sites/{city['their_site']}/edit").status_code == 403
    with app.app_context():
        names = set(db.session.scalars(sa.select(Site.name)))
    assert "王家河村委会" in names
    assert "越界广场" not in names


def test_a_district_organizer_is_offered_only_their_districts_sites(client, sign_in, city):
    sign_in("organizer", scopes=[{"district_id": city["wangyi"]}])
    offered = options(page(client.get("/manage/activities/new")), "site_id")
    assert set(offered) == {str(city["our_site"])}


# -- scanner devices by the lead department's staff -------------------------------------------------


def test_the_lead_departments_staff_issue_scanner_devices(app, client, sign_in, city):
    sign_in("staff", scopes=[{"department_id": city["hrss"]}])
    activity_page = page(client.get(f"/manage/activities/{city['ours']}"))
    assert f"/manage/activities/{city['ours']}/scanners" in activity_page
    assert f"/manage/activities/{city['ours']}/edit" not in activity_page
    url = f"/manage/activities/{city['ours']}/scanners"
    assert client.get(url).status_code == 200
    response = client.post_form(url, {"label": "志愿者小张", "booth": "0", "hours": "8"})
    assert response.status_code in (200, 302)
    with app.app_context():
        [credential] = db.session.scalars(sa.select(ScannerCredential)).all()
        assert (credential.activity_id, credential.label) == (city["ours"], "志愿者小张")


def test_a_cooperating_departments_staff_do_not_issue_scanner_devices(app, client, sign_in, city):
    sign_in("staff", scopes=[{"department_id": city["health"]}])
    url = f"/manage/activities/{city['ours']}/scanners"
    assert url not in page(client.get(f"/manage/activities/{city['ours']}"))
    assert client.get(url).status_code == 403
    refused = client.post_form(url, {"label": "x", "booth": "0", "hours": "8"}, form_url="/manage/")
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ScannerCredential)) == 0


# -- a department's written report --------------------------------------------------------------------


def test_department_staff_open_their_departments_written_report(client, sign_in, city):
    sign_in("staff", scopes=[{"department_id": city["hrss"]}])
    index = page(client.get(f"/reports/written?date={city['day']}"))
    assert f"/reports/written/department/{city['hrss']}" in index
    report = client.get(f"/reports/written/department/{city['hrss']}?date={city['day']}")
    assert report.status_code == 200
    assert "关于市人社局" in page(report)
    assert client.get(f"/reports/written/department/{city['health']}").status_code == 403
    assert client.get(f"/reports/written/district/{city['wangyi']}").status_code == 403
    assert client.get("/reports/written/city").status_code == 403


def test_staff_without_a_department_have_no_written_report(client, sign_in, city):
    sign_in("staff", scopes=[{"activity_id": city["ours"]}])
    assert client.get("/reports/written").status_code == 403


# -- a booth's department takes part in its activity ---------------------------------------------------


def booth_form(department_id, **extra):
    return {"name": "农业咨询台", "department_id": str(department_id), **extra}


def test_a_booth_of_a_department_taking_no_part_is_refused_until_confirmed(app, client, sign_in, city):
    sign_in("organizer")
    url = f"/manage/activities/{city['ours']}/booths/new"
    response = client.post_form(url, booth_form(city["farming"]))
    assert response.status_code == 200
    assert "该部门既不是本活动的牵头部门，也不是配合部门" in page(response)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booth)) == 0
        assert [d.id for d in db.session.get(Activity, city["ours"]).cooperators] == [city["health"]]

    assert client.post_form(url, booth_form(city["farming"], add_cooperator="y")).status_code == 302
    with app.app_context():
        activity = db.session.get(Activity, city["ours"])
        assert {d.id for d in activity.cooperators} == {city["health"], city["farming"]}
        assert [b.department_id for b in activity.booths] == [city["farming"]]
        changes = db.session.scalars(
            sa.select(AuditLog.details).where(
                AuditLog.action == "activity.updated", AuditLog.target_id == city["ours"]
            )
        ).all()
        assert changes == [{"changed": ["cooperator_ids"]}]


def test_booths_of_the_lead_and_cooperating_departments_need_no_confirmation(client, sign_in, city):
    sign_in("organizer")
    url = f"/manage/activities/{city['ours']}/booths/new"
    assert client.post_form(url, booth_form(city["hrss"])).status_code == 302
    assert client.post_form(url, {**booth_form(city["health"]), "name": "健康咨询台"}).status_code == 302


def test_a_department_staffing_a_booth_stays_a_cooperator(app, client, sign_in, city):
    sign_in("organizer")
    client.post_form(f"/manage/activities/{city['ours']}/booths/new", booth_form(city["health"]))
    with app.app_context():
        activity = db.session.get(Activity, city["ours"])
        zone = activity.event.zone
        data = {
            "name": activity.name,
            "site_id": activity.site_id,
            "lead_department_id": activity.lead_department_id,
            "opens_at": activity.opens_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": activity.closes_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        }
    response = client.post_form(f"/manage/activities/{city['ours']}/edit", data)
    assert response.status_code == 200
    assert "在本活动设有展位的部门必须仍是其牵头或配合部门" in page(response)
    with app.app_context():
        assert [d.id for d in db.session.get(Activity, city["ours"]).cooperators] == [city["health"]]
