"""An office worker sets up and runs a day in the browser alone, from a new installation: three
activities, two village lists imported from Excel, a mistake deleted, staff accounts handed to a
district organizer who makes their own, and the written report sent as it is printed."""

import datetime as dt
import io
import re

import sqlalchemy as sa
from openpyxl import Workbook

from eventdesk.core.models import Activity, Booth, Department, District, Person, Registration, User
from eventdesk.extensions import db
from tests.support.client import Client

DAY = dt.date(2026, 10, 17)
PASSWORD = "the office's own password"


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def options(html: str, name: str) -> dict[str, str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return {label: value for value, label in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)<', select)}


def checkbox(html: str, label: str) -> str:
    return re.search(rf'value="(\d+)"[^>]*>\s*<label[^>]*>{label}<', html).group(1)


def input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def saved(response) -> str:
    assert response.status_code == 302, text_of(response)[-600:]
    return response.headers["Location"]


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def selected_value(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', select).group(1)


def next_step(office: Client) -> str:
    return re.search(r'href="([^"]+)" id="next-step"', office.get("/manage/").get_data(as_text=True)).group(1)


def test_an_office_worker_sets_up_and_runs_the_day(app, run_cli):
    # The first administrator, made on the command line as the README says.
    result = run_cli(
        "users", "create", "office@city.example", "--role", "admin", "--password-stdin", input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    office = Client(app)
    office.login("office@city.example", PASSWORD)

    # The checklist leads: event, districts, sites, departments …
    assert next_step(office) == "/manage/events/new"
    saved(
        office.post_form(
            "/manage/events/new",
            {
                "name": "2026年扶贫日",
                "timezone": "Asia/Shanghai",
                "starts_on": "2026年10月17日",
                "ends_on": "2026/10/17",
                "city_name": "铜川市",
                "report_addressee": "市脱贫攻坚办公室",
            },
        )
    )
    assert next_step(office) == "/manage/districts/new"
    for name, more in (("王益区", "1"), ("新区", "1"), ("错建区", "")):
        saved(office.post_form("/manage/districts/new", {"name": name, "and_add_another": more}))
    with app.app_context():
        districts = dict(db.session.execute(sa.select(District.name, District.id)).all())
    # A mistake, deleted.
    saved(
        office.post_form(
            f"/manage/district/{districts['错建区']}/delete",
            form_url=f"/manage/districts/{districts['错建区']}/edit",
        )
    )
    assert next_step(office) == "/manage/sites/new"
    site_form = office.get("/manage/sites/new").get_data(as_text=True)
    sites = options(site_form, "district_id")
    assert "错建区" not in sites
    saved(office.post_form("/manage/sites/new", {"district_id": sites["新区"], "name": "新区阳光广场"}))
    saved(office.post_form("/manage/sites/new", {"district_id": sites["王益区"], "name": "黄堡镇广场"}))
    saved(office.post_form("/manage/sites/new", {"district_id": sites["王益区"], "name": "孙家村卫生室"}))
    assert next_step(office) == "/manage/departments/new"
    for name in ("市脱贫攻坚办", "市人社局", "市卫计局"):
        saved(office.post_form("/manage/departments/new", {"name": name, "and_add_another": "1"}))

    # Three activities, their hours prefilled from the event's day.
    assert next_step(office) == "/manage/activities/new"
    form = office.get("/manage/activities/new").get_data(as_text=True)
    assert "举办日期：2026-10-17" in text_of_html(form)
    site, lead = options(form, "site_id"), options(form, "lead_department_id")
    hours = {"opens_at": input_value(form, "opens_at"), "closes_at": input_value(form, "closes_at")}
    assert hours == {"opens_at": "2026-10-17T09:00", "closes_at": "2026-10-17T17:00"}
    event_id = selected_value(form, "event_id")
    plans = [
        ("consultation", "政策宣传咨询活动", "新区 · 新区阳光广场", "市脱贫攻坚办", ["市人社局", "市卫计局"]),
        ("jobfair", "就业扶贫专场招聘会", "王益区 · 黄堡镇广场", "市人社局", []),
        ("health", "健康服务活动", "王益区 · 孙家村卫生室", "市卫计局", []),
    ]
    for kind, name, where, led_by, cooperating in plans:
        data = {
            "event_id": event_id,
            "kind": kind,
            "name": name,
            "site_id": site[where],
            "lead_department_id": lead[led_by],
            "cooperator_ids": [checkbox(form, label) for label in cooperating],
            "registration_open": "y",
            **hours,
        }
        saved(office.post_form("/manage/activities/new", data))
    with app.app_context():
        activity_ids = dict(db.session.execute(sa.select(Activity.name, Activity.id)).all())
    fair = activity_ids["政策宣传咨询活动"]

    # Booths: pasted from the plan's table.
    assert next_step(office) == f"/manage/activities/{fair}/booths/bulk"
    saved(
        office.post_form(
            f"/manage/activities/{fair}/booths/bulk",
            {"booths": "综合政策咨询台\t市脱贫攻坚办\n就业扶贫咨询台\t市人社局\n健康扶贫咨询台\t市卫计局\n"},
        )
    )

    # Two village lists from Excel, previewed and imported.
    for village, people in (
        ("阳光村", [("李秀英", "13800000001", "建档立卡贫困户"), ("王大山", "13800000002", "")]),
        ("青山村", [("李桂英", "13800000003", "低收入人口"), ("赵四", "13800000004", "残疾人")]),
    ):
        rows = [("姓名", "手机号", "村镇", "人员类别"), *[(n, p, village, c) for n, p, c in people]]
        preview = office.post_form(
            f"/manage/activities/{fair}/imports/people/preview",
            {"file": (io.BytesIO(xlsx(rows)), f"{village}.xlsx")},
            form_url=f"/manage/activities/{fair}/imports",
            content_type="multipart/form-data",
        )
        assert 'data-count="done">2<' in preview.get_data(as_text=True)
        content = re.search(r'name="content" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))
        saved(
            office.post_form(
                f"/manage/activities/{fair}/imports/people",
                {"content": content.group(1), "skip_bad": ""},
                form_url=f"/manage/activities/{fair}/imports",
            )
        )
    with app.app_context():
        registered = db.session.execute(
            sa.select(Person.name, Person.village, Person.category).join(Registration)
        ).all()
        assert sorted(registered) == [
            ("李桂英", "青山村", "low_income"),
            ("李秀英", "阳光村", "registered_poor"),
            ("王大山", "阳光村", "general"),
            ("赵四", "青山村", "disabled"),
        ]

    # Staff accounts: one for the district's organizer, who makes their own.
    assert next_step(office) == "/manage/staff/new"
    staff_form = office.get("/manage/staff/new").get_data(as_text=True)
    saved(
        office.post_form(
            "/manage/staff/new",
            {
                "email": "wangyi@city.example",
                "name": "王益区办公室",
                "role": "organizer",
                "active": "y",
                "district_ids": options(staff_form, "district_ids")["王益区"],
                "password": PASSWORD,
            },
        )
    )
    district_office = Client(app)
    district_office.login("wangyi@city.example", PASSWORD)
    own_form = district_office.get("/manage/staff/new").get_data(as_text=True)
    assert list(options(own_form, "district_ids")) == ["王益区"]
    saved(
        district_office.post_form(
            "/manage/staff/new",
            {
                "email": "volunteer@city.example",
                "name": "黄堡镇志愿者",
                "role": "staff",
                "active": "y",
                "district_ids": options(own_form, "district_ids")["王益区"],
                "password": PASSWORD,
            },
        )
    )
    with app.app_context():
        volunteer = db.session.scalar(sa.select(User).where(User.email == "volunteer@city.example"))
        assert [s.district_id for s in volunteer.scopes] == [districts["王益区"]]

    # A scanner device for the fair, then the checklist is done.
    scanners = f"/manage/activities/{fair}/scanners"
    assert next_step(office) == scanners
    office.post_form(scanners, {"label": "志愿者小王", "booth": "0", "hours": "12"})
    assert 'id="next-step"' not in office.get("/manage/").get_data(as_text=True)

    # The written report goes out as printed.
    city = text_of(office.get(f"/reports/written/city?date={DAY.isoformat()}"))
    assert "关于铜川市2026年扶贫日活动开展情况的报告" in city
    assert "铜川市共组织开展2026年扶贫日现场活动3项" in city
    assert "在新区阳光广场举行" in city
    assert "新区新区" not in city
    assert "在王益区黄堡镇广场举行" in city
    district = text_of(office.get(f"/reports/written/district/{districts['王益区']}?date={DAY.isoformat()}"))
    assert "市脱贫攻坚办公室：" in district
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Booth)) == 3
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Department)) == 3
