"""A job fair walked through as its people would: employers and postings imported, seekers
registering on their phones with their profile, stand volunteers scanning and applying from the
scanner, outcomes marked (and some undone); the tally, the dashboard and the written report
exact at each step."""

import json
import re

import pytest
import sqlalchemy as sa

from eventdesk.activities.jobfair.models import Employer, Posting
from eventdesk.core.models import Booth, Person, Registration
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.client import Client
from tests.support.spreadsheets import write_csv, write_xlsx

EMPLOYERS = [
    ("单位名称", "单位性质", "联系人", "联系电话", "展位号"),
    ("市人民医院", "事业单位", "周丽", "0919-3152103", "A01"),
    ("宏达建材有限公司", "民营企业", "陈宏达", "13991900108", "B01"),
    ("黄堡镇人民政府", "党政机关", "杨晓东", "0919 3152102", ""),
]
POSTINGS = [
    ("employer", "title", "positions", "public_welfare", "pay_min", "pay_max", "education", "workplace",
     "requirements"),
    ("市人民医院", "护工", 2, "否", 3000, 4000, "初中", "住院部", "有陪护经验者优先"),
    ("市人民医院", "保洁员", 3, "否", 2200, 2600, "不限", "", ""),
    ("宏达建材有限公司", "操作工", 5, "否", 4000, 5200, "junior_high", "工业园", "两班倒"),
    ("黄堡镇人民政府", "乡村保洁员", 4, "是", 1200, 1500, "", "黄堡镇", ""),
]  # fmt: skip
FIGURES = (
    "registered",
    "checked_in",
    "employers",
    "postings",
    "positions",
    "public_welfare_positions",
    "poor_labourers_present",
    "applications",
    "intentions",
    "hired",
)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Walk:
    """The fair's people: its organizer, its stands' scanners, and what the counts say."""

    def __init__(self, app, run_cli, tmp_path):
        self.app, self.run_cli, self.tmp_path = app, run_cli, tmp_path
        with app.app_context():
            activity = factories.activity(kind="jobfair", registration_open=True)
            organizer = factories.user("organizer")
            self.activity, self.event, self.day = activity.id, activity.event_id, activity.day
            self.organizer_email = organizer.email
            self.organizer = Api(app, factories.staff_token(organizer))
            db.session.commit()
        self.expected = dict.fromkeys(FIGURES, 0)

    def figures(self) -> dict:
        """The activity's counts as the API answers them; and the fed tally equals its rebuild."""
        counts = self.organizer.get(f"/activities/{self.activity}/counts").get_json()
        with self.app.app_context():
            assert tally_service.stored() == tally_service.facts()
        return {
            name: counts[name] if name in ("registered", "checked_in") else counts["metrics"].get(name, 0)
            for name in FIGURES
        }

    def check(self, **changes):
        self.expected.update(changes)
        assert self.figures() == self.expected

    def import_file(self, kind, name, data):
        path = self.tmp_path / name
        path.write_bytes(data)
        return self.run_cli("import", kind, str(path), "--activity", str(self.activity))

    def stand(self, employer: str) -> tuple[int, Api]:
        """The stand's booth and a scanner bound to it (as its volunteer's phone is)."""
        with self.app.app_context():
            booth = db.session.scalar(
                sa.select(Employer.booth_id).where(
                    Employer.activity_id == self.activity, Employer.name == employer
                )
            )
            booth_row = db.session.get(Booth, booth)
            token = factories.scanner_token(booth_row.activity, booth_=booth_row, label=f"{employer}志愿者")
            db.session.commit()
        return booth, Api(self.app, token)

    def posting(self, title: str) -> int:
        with self.app.app_context():
            return db.session.scalar(sa.select(Posting.id).where(Posting.title == title))

    def ticket(self, name: str) -> str:
        with self.app.app_context():
            return db.session.scalar(
                sa.select(Registration.token)
                .join(Registration.person)
                .where(Registration.activity_id == self.activity, Person.name == name)
            )


def record(api: Api, activity: int, action: str, **body) -> dict:
    response = api.post(f"/activities/{activity}/actions/{action}", {"client_action_id": new_id(), **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def walk(app, run_cli, tmp_path):
    return Walk(app, run_cli, tmp_path)


def test_a_job_fair_morning(app, walk):
    # 1. The organizers import the employers (Chinese headers, CSV) and their postings (English
    #    headers, Excel); each employer gets its stand.
    result = walk.import_file("employers", "employers.csv", write_csv(EMPLOYERS))
    assert result.exit_code == 0, result.output
    assert "新增用人单位3家" in result.stdout
    with app.app_context():
        stands = db.session.scalars(
            sa.select(Booth.name).where(Booth.activity_id == walk.activity).order_by(Booth.sort_order)
        ).all()
    assert stands == ["市人民医院", "宏达建材有限公司", "黄堡镇人民政府"]
    walk.check(employers=3)
    result = walk.import_file("postings", "postings.xlsx", write_xlsx(POSTINGS))
    assert result.exit_code == 0, result.output
    walk.check(postings=4, positions=14, public_welfare_positions=4)
    # The same list again changes nothing.
    result = walk.import_file("postings", "postings.xlsx", write_xlsx(POSTINGS))
    assert "新增岗位0个，已有4个" in result.stdout
    walk.check()

    # 2. Seekers register on their phones with their profile; the notice says who gets the phone.
    client = Client(app)
    form_url = f"/activities/{walk.activity}/register"
    page = client.get(form_url).get_data(as_text=True)
    assert "您向哪家用人单位投递求职申请，您的手机号码就会提供给该单位" in page
    for label in ("学历", "技能特长", "求职意向", "建档立卡贫困劳动力", "可到岗日期"):
        assert label in page
    for name, phone, profile in (
        ("王秀英", "13800000001", {"kind_education": "junior_high", "kind_wanted_jobs": "护工、保洁",
                                   "kind_poor_labourer": "y", "kind_available_from": "2026-12-01"}),
        ("李建国", "13800000002", {"kind_education": "primary", "kind_wanted_jobs": "保洁"}),
    ):  # fmt: skip
        response = Client(app).post_form(
            form_url, {"name": name, "phone": phone, "consent": "y", **profile}, form_url=form_url
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = app.test_client().post(
        f"/api/v1/activities/{walk.activity}/registrations",
        data=json.dumps(
            {
                "name": "张志强",
                "phone": "13800000003",
                "consent": True,
                "fields": {"education": "senior_high", "wanted_jobs": "操作工", "poor_labourer": True},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        stored = {
            r.person.name: (r.fields, r.present_metrics)
            for r in db.session.scalars(
                sa.select(Registration).where(Registration.activity_id == walk.activity)
            )
        }
    assert stored["王秀英"] == (
        {
            "education": "junior_high",
            "wanted_jobs": "护工、保洁",
            "poor_labourer": True,
            "available_from": "2026-12-01",
        },
        "poor_labourers_present",
    )
    assert stored["李建国"] == ({"education": "primary", "wanted_jobs": "保洁", "poor_labourer": False}, None)
    walk.check(registered=3)

    # 3. At the hospital's stand the volunteer scans a seeker (a visit, which checks her in), and
    #    the scanner offers the stand's actions with the stand's own postings.
    hospital, hospital_scanner = walk.stand("市人民医院")
    factory, factory_scanner = walk.stand("宏达建材有限公司")
    wang, li, zhang = walk.ticket("王秀英"), walk.ticket("李建国"), walk.ticket("张志强")
    assert hospital_scanner.scan(wang, booth_id=hospital)["result"] == "accepted"
    walk.check(checked_in=1, poor_labourers_present=1)
    offered = hospital_scanner.get(f"/activities/{walk.activity}/actions").get_json()["actions"]
    assert [(a["name"], a["ticket"]) for a in offered] == [("apply", "required"), ("outcome", "none")]
    assert offered[0]["fields"][0]["choices"] == [
        {"value": str(walk.posting("护工")), "label": "护工（剩余2个）"},
        {"value": str(walk.posting("保洁员")), "label": "保洁员（剩余3个）"},
    ]

    # 4. Applications, with one or two taps.
    nursing = {"posting_id": str(walk.posting("护工"))}
    cleaning = {"posting_id": str(walk.posting("保洁员"))}
    a1 = record(hospital_scanner, walk.activity, "apply", token=wang, fields=nursing)
    assert a1["result"] == "recorded"
    assert a1["counts"]["metrics"]["applications"] == 1
    a2 = record(hospital_scanner, walk.activity, "apply", token=wang, fields=cleaning)
    walk.check(applications=2)
    assert hospital_scanner.scan(li, booth_id=hospital)["result"] == "accepted"
    a3 = record(hospital_scanner, walk.activity, "apply", token=li, fields=cleaning)
    assert factory_scanner.scan(zhang, booth_id=factory)["result"] == "accepted"
    a4 = record(
        factory_scanner,
        walk.activity,
        "apply",
        token=zhang,
        fields={"posting_id": str(walk.posting("操作工"))},
    )
    walk.check(checked_in=3, poor_labourers_present=2, applications=4)
    offered = hospital_scanner.get(f"/activities/{walk.activity}/actions").get_json()["actions"]
    assert [choice["label"] for choice in offered[1]["fields"][0]["choices"]] == [
        "李*国，手机尾号0002：保洁员",
        "王*英，手机尾号0001：保洁员",
        "王*英，手机尾号0001：护工",
    ]

    # 5. Later the stands mark outcomes (no ticket): a status counts once it is reached, and a
    #    hire is an intention too.
    def mark(scanner, application, status):
        return record(
            scanner,
            walk.activity,
            "outcome",
            fields={"application_id": str(application["application_id"]), "status": status},
        )

    mark(hospital_scanner, a1, "interviewed")
    walk.check()
    intention_a1 = mark(hospital_scanner, a1, "intention")
    walk.check(intentions=1)
    mark(hospital_scanner, a1, "hired")
    walk.check(hired=1)
    hired_a3 = mark(hospital_scanner, a3, "hired")
    walk.check(intentions=2, hired=2)
    unsuitable_a2 = mark(hospital_scanner, a2, "not_suitable")
    mark(factory_scanner, a4, "intention")
    walk.check(intentions=3)

    # 6. Mistakes undone: a hire taken back frees its position; the intention of a seeker who
    #    was also hired stays; an application with outcomes is undone after them.
    assert (
        walk.organizer.post(f"/actions/{hired_a3['action_id']}/void", {"reason": "录错人了"}).status_code
        == 200
    )
    walk.check(intentions=2, hired=1)
    assert (
        hospital_scanner.post(f"/actions/{intention_a1['action_id']}/void", {"reason": "重复"}).status_code
        == 200
    )
    walk.check()
    refused = hospital_scanner.post(f"/actions/{a2['action_id']}/void", {"reason": "投错岗位"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "application_has_outcomes"
    walk.check()
    assert (
        hospital_scanner.post(
            f"/actions/{unsuitable_a2['action_id']}/void", {"reason": "投错岗位"}
        ).status_code
        == 200
    )
    assert (
        hospital_scanner.post(f"/actions/{a2['action_id']}/void", {"reason": "投错岗位"}).status_code == 200
    )
    walk.check(applications=3)
    with app.app_context():
        assert {p.title: p.hired for p in db.session.scalars(sa.select(Posting))} == {
            "护工": 1, "保洁员": 0, "操作工": 0, "乡村保洁员": 0,
        }  # fmt: skip

    # 7. The dashboard's job-fair tiles and the written report's section, with the intention
    #    rate: 2 intentions ÷ 3 seekers present.
    client.login(walk.organizer_email)
    board = client.get(f"/dashboard/?event={walk.event}&date={walk.day.isoformat()}").get_data(as_text=True)
    tiles = {"employers": 3, "positions": 14, "poor_labourers_present": 2, "applications": 3}
    tiles.update(intentions=2, hired=1, intention_rate="66.7%")
    for name, value in tiles.items():
        assert re.search(rf'data-figure="{name}">{re.escape(str(value))}\s*<', board), name
    assert "其中公益性岗位4人" in board
    report = text_of(client.get(f"/reports/written/city?date={walk.day.isoformat()}").get_data(as_text=True))
    assert "招聘会" in report
    assert (
        "共有3家用人单位参会，提供招聘岗位4个、招聘14人（其中公益性岗位4人）。进场求职者3人，其中建档立卡"
        "贫困劳动力2人；投递求职申请3人次，达成就业意向2人（意向达成率66.7%），已录用1人。"
    ) in report

    # 8. The seeker's ticket shows where she applied and what came of it; the public list shows
    #    the positions left.
    ticket = text_of(Client(app).get(f"/t/{wang}").get_data(as_text=True))
    assert "我的求职申请" in ticket
    assert "护工 · 市人民医院 已录用" in ticket
    assert "保洁员" not in ticket  # that application was undone
    public = text_of(Client(app).get(f"/activities/{walk.activity}/postings").get_data(as_text=True))
    assert "护工 招2人，剩余1人" in public
    assert "13800000001" not in public
