"""The written report of a day: for the city, a district and a department, in Chinese and English."""

import dataclasses
import datetime as dt
import re

import pytest

from eventdesk.core import kinds
from eventdesk.core.kinds import FollowUp
from eventdesk.core.models import Activity
from eventdesk.extensions import db
from tests.support import PROJECT_ROOT, consultation, factories, four_kinds, handover, health, jobfair
from tests.support.api import Api, new_id
from tests.support.scripted import scripted_day


@pytest.fixture
def day(app):
    return scripted_day(app)


def sign_in(app, client, role="organizer", scopes=()):
    with app.app_context():
        user = factories.user(role, scopes=scopes)
        db.session.commit()
        email = user.email
    client.login(email)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_city_report_has_the_days_figures_and_signature_block(app, client, day):
    sign_in(app, client)
    response = client.get(f"/reports/written/city?date={day['day'].isoformat()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "关于全市" in text
    assert "活动开展情况的报告" in text
    assert f"{day['day'].year}年{day['day'].month}月{day['day'].day}日" in text
    # Both activities, with their figures in sentences and tables.
    assert "阳光广场" in text
    assert "村卫生室" in text
    assert "共报名5人，签到4人，未登记到场5人，到场9人次" in text
    assert "报名3人，签到3人，未登记到场4人，到场人数7人" in text
    assert "由市人社局牵头，市扶贫局配合" in text
    assert "接待人次最多的是金融咨询台，共3人次" in text
    # Sections numbered as official documents are, and the signature block.
    assert "一、活动开展情况" in text
    assert "（一）" in text
    for label in ("填报单位：", "负责人：", "联系电话：", "日期："):
        assert label in text
    # The consultation fair provides follow-ups; none is open on the scripted day.
    assert "需跟进事项 暂无需跟进事项。" in text
    # Printed as an official report: its own print styles on A4, no navigation.
    assert "css/reports.css" in html
    css = (PROJECT_ROOT / "static/css/reports.css").read_text()
    assert "size: A4" in css
    assert "counter(page)" in css
    assert ".topbar" in css.split("@media print")[1]


def test_district_report_covers_only_its_activities(app, client, day):
    sign_in(app, client, scopes=[{"district_id": day["south"]}])
    response = client.get(f"/reports/written/district/{day['south']}?date={day['day'].isoformat()}")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "关于南区" in text
    assert "村卫生室" in text
    assert "阳光广场" not in text
    assert "南区辖区内共组织开展" in text
    assert "现场活动1项" in text
    assert "市脱贫攻坚办公室：" in text  # addressed to the city's office
    # The other district is not theirs to report for, nor is the city.
    assert client.get(f"/reports/written/district/{day['north']}").status_code == 403
    assert client.get("/reports/written/city").status_code == 403


def test_department_report_for_a_booth_department(app, client, day):
    sign_in(app, client, scopes=[{"department_id": day["desk_owner"]}])
    response = client.get(f"/reports/written/department/{day['desk_owner']}?date={day['day'].isoformat()}")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "关于市金融办" in text
    assert "市金融办参与" in text
    assert "现场活动1项" in text
    assert "设展位" in text
    assert "市金融办在该活动设金融咨询台，共接待群众3人次" in text
    assert "村卫生室" not in text
    assert "数据汇总" not in text  # it led nothing: the figures are the lead department's to sum up


def test_lead_department_report_sums_what_it_led(app, client, day):
    sign_in(app, client, "admin")
    text = text_of(
        client.get(f"/reports/written/department/{day['lead_a']}?date={day['day'].isoformat()}").get_data(
            as_text=True
        )
    )
    assert "牵头组织" in text
    assert "现场活动1项" in text
    assert "牵头活动共报名3人" in text


def test_english_version(app, client, day):
    sign_in(app, client)
    response = client.get(f"/reports/written/city?date={day['day'].isoformat()}&lang=en")
    text = text_of(response.get_data(as_text=True))
    assert "The city: report on the activities of" in text
    assert "In all, 5 people registered, 4 checked in and 5 came without registering: 9 took part" in text
    assert "1. Activities held" in text
    assert "Reporting unit:" in text
    assert "Person in charge:" in text


def test_no_follow_ups_section_while_no_kind_provides_them(app, client, day, monkeypatch):
    for kind in kinds.all_kinds():
        monkeypatch.setitem(kinds._KINDS, kind.name, dataclasses.replace(kind, follow_ups=None))
    sign_in(app, client)
    text = text_of(client.get(f"/reports/written/city?date={day['day'].isoformat()}").get_data(as_text=True))
    assert "报告" in text
    assert "需跟进事项" not in text


def test_follow_ups_section_appears_when_a_kind_provides_them(app, client, day, monkeypatch):
    def open_consultations(activity_ids, day_):
        for activity_id in activity_ids:
            yield FollowUp(activity_id=activity_id, summary="小额信贷咨询待答复", count=3)
            yield FollowUp(
                activity_id=activity_id,
                summary="危房改造咨询待答复",
                due_on=day_ - dt.timedelta(days=2),
                overdue=True,
            )

    kind = dataclasses.replace(kinds.get_kind("consultation"), follow_ups=open_consultations)
    monkeypatch.setitem(kinds._KINDS, "consultation", kind)
    sign_in(app, client)
    text = text_of(client.get(f"/reports/written/city?date={day['day'].isoformat()}").get_data(as_text=True))
    assert "需跟进事项" in text
    assert "小额信贷咨询待答复" in text
    # An overdue one stands out, in words as well as in colour.
    html = client.get(f"/reports/written/city?date={day['day'].isoformat()}").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, re.S)
    overdue = [row for row in rows if "危房改造咨询待答复" in row]
    assert len(overdue) == 1
    assert 'class="overdue"' in overdue[0]
    assert "已逾期" in text_of(overdue[0])
    assert all("已逾期" not in row and "overdue" not in row for row in rows if "小额信贷咨询待答复" in row)


def test_who_may_open_reports(app, client, day):
    assert client.get("/reports/written/city").status_code == 302  # sign in first
    sign_in(app, client, "staff", scopes=[{"activity_id": day["fair"]}])
    assert client.get("/reports/written/city").status_code == 403
    assert client.get("/reports/written").status_code == 403


def test_unknown_unit_and_bad_date(app, client, day):
    sign_in(app, client)
    assert client.get("/reports/written/district/999999").status_code == 404
    assert client.get("/reports/written/city?date=tomorrow").status_code == 400


def test_city_report_has_a_subheading_per_district(app, client, day):
    sign_in(app, client)
    text = text_of(client.get(f"/reports/written/city?date={day['day'].isoformat()}").get_data(as_text=True))
    north, south = text.index("（一）北区"), text.index("（二）南区")
    assert north < text.index("1. ", north) < text.index("阳光广场", north) < south
    assert south < text.index("1. ", south) < text.index("村卫生室", south)


def test_a_district_report_with_one_district_and_one_kind_needs_no_subheading(app, client, day):
    sign_in(app, client)
    url = f"/reports/written/district/{day['north']}?date={day['day'].isoformat()}"
    text = text_of(client.get(url).get_data(as_text=True))
    assert "（一）" in text
    assert "北区" not in text.split("一、活动开展情况")[1].split("（一）")[0]


def test_booths_tied_for_the_most_visits_are_named_together(app, client, day):
    with app.app_context():
        fair = db.session.get(Activity, day["fair"])
        factories.booth(fair, name="政策展板")
        token = factories.scanner_token(fair)
        db.session.commit()
    # The stand catches up with the desk's three visits; the new booth has none.
    walk_ins = {"client_scan_id": new_id(), "count": 2, "booth_id": day["stand"]}
    assert Api(app, token).post("/walkins", walk_ins).status_code == 200
    sign_in(app, client)
    text = text_of(client.get(f"/reports/written/city?date={day['day'].isoformat()}").get_data(as_text=True))
    assert "接待人次最多的是金融咨询台、企业展位，各3人次。" in text
    assert "接待人次最多的是金融咨询台，" not in text


def test_the_citys_own_report_is_listed_once_by_its_name(app, client, day):
    sign_in(app, client)
    page = text_of(client.get(f"/reports/written?date={day['day'].isoformat()}").get_data(as_text=True))
    assert "全市 中文" in page
    assert "全市 全市" not in page


def test_index_lists_the_units_an_organizer_reports_for(app, client, day):
    sign_in(app, client, scopes=[{"district_id": day["north"]}, {"department_id": day["desk_owner"]}])
    page = client.get(f"/reports/written?date={day['day'].isoformat()}").get_data(as_text=True)
    assert "北区" in page
    assert "市金融办" in page
    assert f"/reports/written/district/{day['north']}" in page
    assert "/reports/written/city" not in page


def test_report_builds_from_the_tally_not_the_scans(app, day):
    """The report reads only stored figures: its queries do not touch the scan table."""
    import sqlalchemy as sa

    from eventdesk.reports import written

    statements = []
    with app.test_request_context(f"/reports/written/city?date={day['day'].isoformat()}"):
        engine = db.engine

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            report = written.written_report(day["day"], written.ReportUnit("city"))
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
    assert len(report.sections) == 2
    assert not any(re.search(r"\bscan\b", s) for s in statements)


def _day_of_each_kind(app, people: int) -> None:
    """An activity of each kind where `people` people each registered and had one thing done: a
    consultation, a health service, keys handed over, a job application."""
    fair = consultation.build_fair(app)
    talk = Api(app, fair.booth_scanners["市民政局"])
    health_day = health.build_day(app, four_kinds.STATIONS)
    provider = Api(app, health_day.provider)
    queue = f"/activities/{health_day.activity}/health/stations/{health_day.station('一号服务站')}/queue"
    ceremony = handover.build_ceremony(app, [handover.household_row(n) for n in range(1, people + 1)])
    desk = Api(app, ceremony.desk_staff)
    jobs = jobfair.build_fair(app)
    stand = Api(app, jobs.stand_scanners["市人民医院"])
    for n in range(1, people + 1):
        _visitor, visitor = consultation.add_visitor(app, fair, f"访客{n}", f"1390000000{n}")
        assert (
            consultation.consult(talk, fair, "市民政局", "social_security", token=visitor).status_code == 201
        )
        _resident, resident = health.add_resident(app, health_day, f"居民{n}", f"1380000000{n}")
        assert provider.post(queue, {"token": resident}).status_code == 201
        assert health.serve(provider, health_day, "一号服务站", resident, "bp").status_code == 201
        assert handover.handover(desk, ceremony, f"户主{n}").status_code == 201
        _seeker, seeker = jobfair.add_seeker(app, jobs, f"求职者{n}", f"1370000000{n}")
        assert jobfair.apply(stand, jobs, "市人民医院", seeker, "护工").status_code == 201


@pytest.mark.parametrize(
    ("people", "sentences"),
    [
        (
            1,
            [
                "the booths received 1 visit.",
                "1 person registered, 0 checked in",
                "its 2 booths received 1 visit.",
                "answered 1 consultation at 3 booths",
                "they made 1 application,",
                "served 1 resident with 1 service,",
                "1 household was invited and 1 came. The keys of 1 new home were handed over, to 2 people",
            ],
        ),
        (
            2,
            [
                "the booths received 2 visits.",
                "2 people registered, 0 checked in",
                "its 2 booths received 2 visits.",
                "answered 2 consultations at 3 booths",
                "they made 2 applications,",
                "served 2 residents with 2 services,",
                "2 households were invited and 2 came. The keys of 2 new homes were handed over",
            ],
        ),
    ],
    ids=["one thing in the singular", "two things in the plural"],
)
def test_english_report_counts_in_the_singular_and_the_plural(app, client, people, sentences):
    _day_of_each_kind(app, people=people)
    sign_in(app, client, "admin")
    text = text_of(client.get("/reports/written/city?lang=en").get_data(as_text=True))
    for sentence in sentences:
        assert sentence in text
    plural_of_one = (
        r"\b1 (people|visits|consultations|applications|residents|services|households|new homes)\b"
    )
    assert re.search(plural_of_one, text) is None


def test_chinese_report_words_one_thing_as_it_did(app, client):
    _day_of_each_kind(app, people=1)
    sign_in(app, client, "admin")
    text = text_of(client.get("/reports/written/city?lang=zh_Hans").get_data(as_text=True))
    assert "共报名4人，签到1人，未登记到场0人，到场1人次；各展位共接待群众1人次。" in text
    assert "报名1人，签到1人，未登记到场0人，到场人数1人；设展位2个，展位接待1人次。" in text
    assert "3个部门在3个咨询台接受群众咨询1人次，发放宣传资料0份" in text
    assert "投递求职申请1人次，达成就业意向0人（意向达成率—），已录用0人。" in text
    assert "共服务群众 1 人，提供服务 1 人次" in text
    assert (
        "共邀请安置户1户，到场1户。交付新居钥匙1户、安置2人，其中易地扶贫搬迁1户（2人），危房改造0户（0人）。"
        in text
    )
