"""The job fair's pages: employers and postings managed by the organizers and by an employer's own
staff at its stand, a stand's applicants (phone numbers in full only for that stand and the
organizers), the public list of postings and the one that fits a seeker, the postings API, the
lists to download, and standing figures that follow their activity to another day."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from eventdesk.activities.jobfair.models import Application, Employer, Posting
from eventdesk.core.models import Activity, AuditLog, Booth, Person, Registration, utcnow
from eventdesk.core.services import activities
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api
from tests.support.client import Client
from tests.support.jobfair import add_seeker, apply, build_fair, outcome
from tests.support.openapi import check
from tests.support.spreadsheets import write_csv

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def fair(app):
    return build_fair(app)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def signed_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def stand_figures(app, booth_id) -> dict:
    with app.app_context():
        assert tally_service.stored() == tally_service.facts()
        return {key[3]: value for key, value in tally_service.stored().items() if key[2] == booth_id}


def employers_url(fair, *rest) -> str:
    return "/".join([f"/manage/activities/{fair.activity}/jobfair/employers", *map(str, rest)])


# -- employers and postings --------------------------------------------------------------------------


def test_an_organizer_adds_an_employer_and_its_postings(app, fair):
    client = signed_in(app, fair.organizer_email)
    response = client.post_form(
        employers_url(fair, "new"),
        {
            "name": "顺达物流有限公司",
            "kind": "private",
            "contact_name": "赵顺",
            "contact_phone": "139 9190 0110",
            "stand_number": "C04",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        employer = db.session.scalar(sa.select(Employer).where(Employer.name == "顺达物流有限公司"))
        assert (employer.contact_phone, employer.booth.name) == ("13991900110", "顺达物流有限公司")
        employer_id, booth = employer.id, employer.booth_id
    assert response.headers["Location"].endswith(employers_url(fair, employer_id))
    assert stand_figures(app, booth) == {"employers": 1}

    new_posting = employers_url(fair, employer_id, "postings/new")
    form = {"title": "快递分拣员", "positions": "10", "pay_min": "3500", "pay_max": "4200", "education": ""}
    assert client.post_form(new_posting, form).status_code == 302
    form = {"title": "社区配送员", "positions": "４", "public_welfare": "y", "education": "junior_high"}
    assert client.post_form(new_posting, form).status_code == 302  # full-width digits read too
    assert stand_figures(app, booth) == {
        "employers": 1,
        "postings": 2,
        "positions": 14,
        "public_welfare_positions": 4,
    }
    with app.app_context():
        posting = db.session.scalar(sa.select(Posting).where(Posting.title == "社区配送员"))
        assert (posting.positions, posting.public_welfare, posting.education) == (4, True, "junior_high")
        posting_id = posting.id
    # A change of positions or of public-welfare moves the figures by the difference.
    edit = f"/manage/activities/{fair.activity}/jobfair/postings/{posting_id}/edit"
    assert (
        client.post_form(edit, {"title": "社区配送员", "positions": "6", "education": ""}).status_code == 302
    )
    assert stand_figures(app, booth) == {"employers": 1, "postings": 2, "positions": 16}
    delete = f"/manage/activities/{fair.activity}/jobfair/postings/{posting_id}/delete"
    assert client.post_form(delete, form_url=employers_url(fair, employer_id)).status_code == 302
    assert stand_figures(app, booth) == {"employers": 1, "postings": 1, "positions": 10}
    # Renamed, the employer's stand follows.
    edit = employers_url(fair, employer_id, "edit")
    renamed = {
        "name": "顺达快递有限公司",
        "kind": "private",
        "contact_name": "赵顺",
        "contact_phone": "13991900110",
    }
    assert client.post_form(edit, renamed).status_code == 302
    with app.app_context():
        assert db.session.get(Booth, booth).name == "顺达快递有限公司"
    page = text_of(client.get(employers_url(fair)).get_data(as_text=True))
    assert "顺达快递有限公司 民营企业 1 10 10" in page


def test_an_employers_own_staff_manage_their_stand_only(app, fair):
    client = signed_in(app, fair.stand_staff_email)  # scoped to 市人民医院's stand
    own, other = fair.employers["市人民医院"], fair.employers["宏达建材有限公司"]
    form = {"title": "药房助理", "positions": "1", "education": "senior_high"}
    assert client.post_form(employers_url(fair, own, "postings/new"), form).status_code == 302
    assert client.get(employers_url(fair, own, "edit")).status_code == 200
    assert client.get(employers_url(fair, other, "edit")).status_code == 403
    assert client.get(employers_url(fair, other, "postings/new")).status_code == 403
    other_posting = f"/manage/activities/{fair.activity}/jobfair/postings/{fair.postings['操作工']}/edit"
    assert client.get(other_posting).status_code == 403
    assert client.get(employers_url(fair, "new")).status_code == 403  # only organizers add employers
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Posting)) == 5
    # Staff of the fair's department work there, but do not change employers.
    with app.app_context():
        activity = db.session.get(Activity, fair.activity)
        department_staff = factories.user("staff", scopes=[{"department_id": activity.lead_department_id}])
        db.session.commit()
        email = department_staff.email
    staff = signed_in(app, email)
    assert staff.get(employers_url(fair)).status_code == 200
    assert staff.get(employers_url(fair, own, "edit")).status_code == 403


def test_an_organizer_deletes_an_employer_entered_by_mistake(app, fair):
    own = fair.employers["市人民医院"]
    booth = fair.booths["市人民医院"]
    page = employers_url(fair, own)
    assert stand_figures(app, booth) == {"employers": 1, "postings": 2, "positions": 5}
    # The stand's own staff change the employer but do not remove it from the fair.
    stand = signed_in(app, fair.stand_staff_email)
    assert "删除用人单位" not in stand.get(page).get_data(as_text=True)
    assert stand.post_form(employers_url(fair, own, "delete"), form_url=page).status_code == 403
    assert stand_figures(app, booth) == {"employers": 1, "postings": 2, "positions": 5}

    organizer = signed_in(app, fair.organizer_email)
    deleted = organizer.post_form(employers_url(fair, own, "delete"), form_url=page)
    assert deleted.status_code == 302
    assert deleted.headers["Location"].endswith(employers_url(fair))
    assert stand_figures(app, booth) == {}
    with app.app_context():
        assert db.session.get(Employer, own) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Posting)) == 2
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "jobfair.employer_deleted"))
        assert (entry.target_id, entry.details["name"]) == (own, "市人民医院")
    assert "市人民医院" not in text_of(organizer.get(employers_url(fair)).get_data(as_text=True))


def test_pages_of_a_fair_are_not_pages_of_other_activities(app, fair):
    with app.app_context():
        consultation = factories.activity()
        db.session.commit()
        other = consultation.id
    client = signed_in(app, fair.organizer_email)
    assert client.get(f"/manage/activities/{other}/jobfair/employers").status_code == 404
    assert client.get(employers_url(fair, 999999)).status_code == 404
    assert Client(app).get(f"/activities/{other}/postings").status_code == 404
    assert Client(app).get(employers_url(fair)).status_code == 302  # sign in first


# -- a stand's applicants -------------------------------------------------------------------------------


@pytest.fixture
def applicants(app, fair):
    _id, wang = add_seeker(app, fair, "王秀英", "13800000001", education="junior_high", wanted_jobs="护工")
    _id, zhang = add_seeker(app, fair, "张志强", "13800000002")
    hospital = Api(app, fair.stand_scanners["市人民医院"])
    factory = Api(app, fair.stand_scanners["宏达建材有限公司"])
    application = apply(hospital, fair, "市人民医院", wang, "护工").get_json()["application_id"]
    assert outcome(hospital, fair, "市人民医院", application, "intention").status_code == 201
    assert apply(factory, fair, "宏达建材有限公司", zhang, "操作工").status_code == 201
    return {"王秀英": wang, "张志强": zhang}


def test_the_stand_sees_its_own_applicants_phone_numbers(app, fair, applicants):
    url = employers_url(fair, fair.employers["市人民医院"], "applicants")
    page = signed_in(app, fair.stand_staff_email).get(url)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    text = text_of(page.get_data(as_text=True))
    assert "王秀英 13800000001 护工 初中 护工 达成就业意向" in text
    assert "13800000002" not in text  # 张志强 applied at another stand
    assert "张" not in text
    # The other stand's staff see this stand's applicants masked; the organizers in full.
    masked = text_of(signed_in(app, fair.outsider_email).get(url).get_data(as_text=True))
    assert "王*英 138****0001" in masked
    assert "13800000001" not in masked
    assert "13800000001" in signed_in(app, fair.organizer_email).get(url).get_data(as_text=True)


def test_lists_applications_per_stand_and_postings_with_results(app, fair, applicants):
    lists = f"/reports/activities/{fair.activity}/lists"
    organizer = signed_in(app, fair.organizer_email)
    page = organizer.get(lists).get_data(as_text=True)
    assert "各展位求职申请" in page
    assert "岗位及招聘成效" in page
    rows = organizer.get(f"{lists}/applications.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0].startswith("序号,用人单位,展位号,投递时间,岗位名称,票码,姓名,手机号")
    assert [row.split(",")[1] for row in rows[1:]] == ["市人民医院", "宏达建材有限公司"]  # stand by stand
    assert ",王秀英,13800000001,初中,否,护工,达成就业意向,是,否" in rows[1]
    # Another stand's staff do not download the whole fair's lists; the fair's own staff get them masked.
    assert signed_in(app, fair.outsider_email).get(f"{lists}/applications.csv").status_code == 403
    with app.app_context():
        fair_staff = factories.user("staff", scopes=[{"activity_id": fair.activity}]).email
        db.session.commit()
    masked = signed_in(app, fair_staff).get(f"{lists}/applications.csv").get_data(as_text=True)
    assert "13800000001" not in masked
    assert "138****0001" in masked
    postings = organizer.get(f"{lists}/postings.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert postings[0] == (
        "序号,用人单位,单位性质,展位号,岗位名称,招聘人数,公益性岗位,月薪下限,月薪上限,学历要求,工作地点,"
        "求职申请,已面试,达成就业意向,已录用,剩余招聘人数"
    )
    bodies = [row.split(",", 1)[1] for row in postings[1:]]
    assert [row.split(",", 1)[0] for row in postings[1:]] == [str(n) for n in range(1, len(postings))]
    assert "市人民医院,事业单位,A01,护工,2,否,,,初中,,1,0,1,0,2" in bodies
    assert "黄堡镇人民政府,党政机关,,乡村保洁员,4,是,,,学历不限,,0,0,0,0,4" in bodies


# -- postings for everyone, and for one seeker ---------------------------------------------------------


def test_the_public_list_of_postings(app, fair, applicants):
    with app.app_context():
        posting = db.session.get(Posting, fair.postings["操作工"])
        posting.pay_min, posting.pay_max, posting.workplace = 4000, 5200, "王益区工业园"
        db.session.commit()
    response = Client(app).get(f"/activities/{fair.activity}/postings")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    text = text_of(response.get_data(as_text=True))
    assert "市人民医院 展位A01 事业单位 护工 招2人，剩余2人 · 面议 · 初中" in text
    assert "操作工 招5人，剩余5人 · 4000–5200元 · 初中 · 王益区工业园" in text
    assert "乡村保洁员 公益性岗位 招4人，剩余4人" in text
    for personal in ("王秀英", "13800000001", "适合您的岗位"):
        assert personal not in text
    english = text_of(Client(app).get(f"/activities/{fair.activity}/postings?lang=en").get_data(as_text=True))
    assert "2 of 2 positions left · Negotiable · Junior high school" in english


def test_postings_that_fit_a_seeker_from_their_ticket(app):
    stands = {
        "市人民医院": ("public_institution", "A01", {"护工": (2, False, "junior_high"),
                                                     "药剂员": (1, False, "college")}),
        "瑞丰家政": ("private", "A02", {"家政服务员": (5, False, None), "育婴员": (1, False, "senior_high")}),
        "宏达建材": ("private", "B01", {"操作工": (5, False, "primary")}),
    }  # fmt: skip
    fair = build_fair(app, stands)
    _id, token = add_seeker(
        app, fair, "王秀英", "13800000001", education="junior_high", wanted_jobs="家政、护工"
    )
    response = Client(app).get(f"/t/{token}/postings")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    html = response.get_data(as_text=True)
    fitting = html.split("适合您的岗位")[1].split("全部岗位")[0]
    titles = re.findall(r"<strong>(.+?)</strong>", fitting)
    # The jobs she wants first (the education asked closest to hers first), then the rest she can do;
    # none asking for more than junior high school.
    assert titles == ["护工", "家政服务员", "操作工"]
    assert "返回我的票" in fitting
    # The ticket links to it.
    assert f"/t/{token}/postings" in Client(app).get(f"/t/{token}").get_data(as_text=True)
    assert Client(app).get("/t/not-a-real-ticket-token/postings").status_code == 404


def test_a_seeker_who_said_nothing_of_their_wishes_gets_no_suggestions(app, fair):
    _id, token = add_seeker(app, fair, "李建国", "13800000002")
    text = text_of(Client(app).get(f"/t/{token}/postings").get_data(as_text=True))
    assert "暂无与您的求职意向和学历相符的岗位" in text
    assert "护工 招2人，剩余2人" in text


def test_the_postings_api(app, fair, applicants):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/activities/{activity_id}/postings" in document["paths"]
    response = app.test_client().get(f"/api/v1/activities/{fair.activity}/postings")
    assert response.status_code == 200
    check(document, "/activities/{activity_id}/postings", "get", response)
    postings = response.get_json()["postings"]
    assert [(p["employer"], p["title"], p["positions"], p["remaining"]) for p in postings] == [
        ("市人民医院", "护工", 2, 2),
        ("市人民医院", "保洁员", 3, 3),
        ("宏达建材有限公司", "操作工", 5, 5),
        ("黄堡镇人民政府", "乡村保洁员", 4, 4),
    ]
    assert postings[3]["public_welfare"] is True
    assert postings[0]["booth_id"] == fair.stand("市人民医院")
    assert "王秀英" not in response.get_data(as_text=True)
    with app.app_context():
        consultation = factories.activity()
        db.session.commit()
        other = consultation.id
    for missing in (other, 999999):
        response = app.test_client().get(f"/api/v1/activities/{missing}/postings")
        assert response.status_code == 404
        check(document, "/activities/{activity_id}/postings", "get", response)


def test_the_seekers_ticket_shows_what_came_of_each_application(app, fair, applicants):
    hospital = Api(app, fair.stand_scanners["市人民医院"])
    application = apply(hospital, fair, "市人民医院", applicants["王秀英"], "保洁员").get_json()[
        "application_id"
    ]
    text = text_of(Client(app).get(f"/t/{applicants['王秀英']}").get_data(as_text=True))
    assert "护工 · 市人民医院 达成就业意向" in text
    assert "保洁员 · 市人民医院 已投递，等待答复" in text
    assert outcome(hospital, fair, "市人民医院", application, "not_suitable").status_code == 201
    text = text_of(Client(app).get(f"/t/{applicants['王秀英']}").get_data(as_text=True))
    assert "保洁员 · 市人民医院 不合适" in text


# -- standing figures follow their activity ------------------------------------------------------------


def test_standing_figures_move_with_the_activity(app):
    today = utcnow().astimezone(SHANGHAI).date()
    fair = build_fair(app, days=(today, today + dt.timedelta(days=1)))
    with app.app_context():
        activity = db.session.get(Activity, fair.activity)
        tomorrow = activity.opens_at + dt.timedelta(days=1)
        activities.update_activity(
            activity,
            name=activity.name,
            name_en=None,
            site_id=activity.site_id,
            lead_department_id=activity.lead_department_id,
            opens_at=tomorrow,
            closes_at=tomorrow + dt.timedelta(hours=8),
            capacity=None,
            registration_open=True,
            description="",
        )
        db.session.commit()
        assert activity.day == today + dt.timedelta(days=1)
        stored = tally_service.stored()
        assert stored == tally_service.facts()
        assert {key[0] for key in stored} == {activity.day}
        assert sum(value for key, value in stored.items() if key[3] == "positions") == 14


def test_seekers_imported_from_a_list_with_their_profile(app, run_cli, tmp_path, fair):
    rows = [
        ("姓名", "手机号", "学历", "求职意向", "技能", "建档立卡贫困劳动力", "可到岗日期"),
        ("王秀英", "13800000001", "初中", "护工、保洁", "照顾老人", "是", "2026/12/1"),
        ("李建国", "13800000002", "中专", "操作工", "", "否", ""),
    ]
    path = tmp_path / "seekers.csv"
    path.write_bytes(write_csv(rows))
    result = run_cli("import", "people", str(path), "--activity", str(fair.activity))
    assert result.exit_code == 0, result.output
    with app.app_context():
        mine = Registration.activity_id == fair.activity
        registered = db.session.scalars(sa.select(Registration).where(mine))
        stored = {r.person.name: (r.fields, r.present_metrics) for r in registered}
    assert stored == {
        "王秀英": (
            {
                "education": "junior_high",
                "wanted_jobs": "护工、保洁",
                "skills": "照顾老人",
                "poor_labourer": True,
                "available_from": "2026-12-01",
            },
            "poor_labourers_present",
        ),
        "李建国": ({"education": "vocational", "wanted_jobs": "操作工", "poor_labourer": False}, None),
    }
    # Checked in at a stand, she counts as a registered poor labourer present; he does not.
    scanner = Api(app, fair.scanner)
    for name in ("王秀英", "李建国"):
        with app.app_context():
            token = db.session.scalar(
                sa.select(Registration.token).join(Registration.person).where(Person.name == name)
            )
        assert scanner.scan(token, booth_id=fair.stand("市人民医院"))["result"] == "accepted"
    metrics = Api(app, fair.organizer).get(f"/activities/{fair.activity}/counts").get_json()
    assert (metrics["checked_in"], metrics["metrics"]["poor_labourers_present"]) == (2, 1)


# -- the activity's page and the booth desk ----------------------------------------------------------


def desk_form(page: str, action: str) -> dict:
    """The hidden inputs of one action's form on the desk page."""
    form = page[page.index(f"/desk/{action}") :]
    form = form[: form.index("</form>")]
    names = "csrf_token|client_action_id|booth_id|registration_id"
    return dict(re.findall(rf'name="({names})"[^>]*value="([^"]*)"', form))


def test_the_activity_page_links_to_the_fairs_pages(app, fair):
    page = (
        signed_in(app, fair.organizer_email).get(f"/manage/activities/{fair.activity}").get_data(as_text=True)
    )
    assert f'href="/manage/activities/{fair.activity}/jobfair/employers">用人单位与岗位</a>' in page
    assert f'href="/activities/{fair.activity}/postings">岗位信息公开页</a>' in page


def test_an_employers_staff_record_applications_and_outcomes_at_the_desk(app, fair):
    registration_id, _token = add_seeker(app, fair, "王秀英", "13800000001")
    client = signed_in(app, fair.stand_staff_email)
    stand = fair.stand("市人民医院")
    here = f"/manage/activities/{fair.activity}/desk?booth={stand}&registration={registration_id}"
    page = client.get(here).get_data(as_text=True)
    assert "投递求职申请" in page
    assert "护工（剩余2个）" in page
    assert "操作工" not in page  # another stand's posting
    values = {**desk_form(page, "apply"), "kind_posting_id": str(fair.postings["护工"])}
    response = client.http.post(
        f"/manage/activities/{fair.activity}/desk/apply?booth={stand}&registration={registration_id}",
        data=values,
    )
    assert response.status_code == 302
    page = client.get(f"/manage/activities/{fair.activity}/desk?booth={stand}").get_data(as_text=True)
    assert "王*英，手机尾号0001：护工" in page
    with app.app_context():
        [application] = db.session.scalars(sa.select(Application.id)).all()
    values = {**desk_form(page, "outcome"), "kind_application_id": str(application), "kind_status": "hired"}
    response = client.http.post(f"/manage/activities/{fair.activity}/desk/outcome?booth={stand}", data=values)
    assert response.status_code == 302
    assert stand_figures(app, stand)["hired"] == 1
    # Another stand's staff cannot record at this one.
    outsider = signed_in(app, fair.outsider_email)
    assert outsider.get(f"/manage/activities/{fair.activity}/desk?booth={stand}").status_code == 403
