"""A consultation fair with three department booths walked through: walk-ins, scanned visitors,
hand-outs, follow-ups opened and answered, a question left on a booth poster and a correction;
the tally exact at each step (and equal to its rebuild), then the dashboard's tiles, the written
report's section by department with its open follow-ups, and the visitor's ticket."""

import re

import pytest

from eventdesk.core.services import tally as tally_service
from tests.support.api import Api
from tests.support.client import Client
from tests.support.consultation import add_visitor, build_fair, consult, handout, void

KIND_FIGURES = (
    "consultations",
    "consultations.employment",
    "consultations.education",
    "consultations.social_security",
    "consultations.other",
    "follow_ups_opened",
    "follow_ups_closed",
    "materials_handed_out",
    "materials_handed_out.digital",
)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Walk:
    """The fair, its devices, and the figures expected so far."""

    def __init__(self, app):
        self.app = app
        self.fair = build_fair(app)
        self.organizer = Api(app, self.fair.organizer)
        self.expected = dict.fromkeys(KIND_FIGURES, 0)
        self.booths = {department: {"visits": 0, "walk_ins": 0} for department in self.fair.booths}

    def device(self, department: str) -> Api:
        return Api(self.app, self.fair.booth_scanners[department])

    def figures(self) -> tuple[dict, dict]:
        counts = self.organizer.get(f"/activities/{self.fair.activity}/counts").get_json()
        with self.app.app_context():
            assert tally_service.stored() == tally_service.facts()
        booths = {
            department: next(
                {"visits": b["visits"], "walk_ins": b["walk_ins"]}
                for b in counts["booths"]
                if b["id"] == booth
            )
            for department, booth in self.fair.booths.items()
        }
        return {name: counts["metrics"].get(name, 0) for name in KIND_FIGURES}, booths

    def check(self, booths=None, **changes):
        self.expected.update({name.replace("__", "."): value for name, value in changes.items()})
        for department, change in (booths or {}).items():
            self.booths[department].update(change)
        assert self.figures() == (self.expected, self.booths)


def recorded(response) -> dict:
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def walk(app):
    return Walk(app)


def test_a_consultation_fair_with_three_department_booths(app, walk):
    fair = walk.fair
    hrss, civil, office = walk.device("市人社局"), walk.device("市民政局"), walk.device("市扶贫办")
    walk.check()

    # 1. Walk-ins at the 人社 booth: two ask about jobs, one about student aid.
    first = recorded(consult(hrss, fair, "市人社局", "employment"))
    recorded(consult(hrss, fair, "市人社局", "employment"))
    recorded(consult(hrss, fair, "市人社局", "education"))
    walk.check(
        {"市人社局": {"walk_ins": 3}},
        consultations=3,
        consultations__employment=2,
        consultations__education=1,
    )

    # 2. Scanned visitors: 王秀英 at 人社; 李建国 at 民政, who needs an answer later.
    _id, wang = add_visitor(app, fair, "王秀英", "13800000001")
    _id, li = add_visitor(app, fair, "李建国", "13800000002")
    assert hrss.scan(wang, booth_id=fair.booth("市人社局"))["result"] == "accepted"
    recorded(consult(hrss, fair, "市人社局", "employment", token=wang))
    assert civil.scan(li, booth_id=fair.booth("市民政局"))["result"] == "accepted"
    question = {"follow_up": True, "contact_phone": "13800000002", "question": "低保每月多少钱？"}
    asked = recorded(consult(civil, fair, "市民政局", "social_security", token=li, fields=question))
    walk.check(
        {"市人社局": {"visits": 1}, "市民政局": {"visits": 1}},
        consultations=5,
        consultations__employment=3,
        consultations__social_security=1,
        follow_ups_opened=1,
    )

    # 3. Hand-outs; 民政's bags run out.
    recorded(handout(hrss, fair, "市人社局", "就业扶贫政策明白卡", 10))
    recorded(handout(civil, fair, "市民政局", "环保购物袋", 5))
    refused = handout(civil, fair, "市民政局", "环保购物袋", 1)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "out_of_stock"
    recorded(handout(office, fair, "市扶贫办", "精准扶贫政策明白卡", 20))
    walk.check(materials_handed_out=35)

    # 4. A walk-in at 扶贫办 leaves a question for later; 民政 answers 李建国's on its page.
    other = {"follow_up": True, "contact_phone": "13900000009", "question": "产业奖补怎么领？"}
    recorded(consult(office, fair, "市扶贫办", "other", fields=other))
    walk.check({"市扶贫办": {"walk_ins": 1}}, consultations=6, consultations__other=1, follow_ups_opened=2)
    staff = Client(app)
    staff.login(fair.department_staff["市民政局"][0])
    page_url = f"/manage/consultation/departments/{fair.departments['市民政局']}/follow-ups"
    page = staff.get(page_url).get_data(as_text=True)
    assert "13800000002" in page
    action_id = re.search(r'name="client_action_id"[^>]*value="([^"]+)"', page).group(1)
    answered = staff.post_form(
        f"/manage/consultation/follow-ups/{asked['consultation_id']}/answer",
        {"client_action_id": action_id, "note": "已告知：按当地低保标准补差发放。"},
        form_url=page_url,
    )
    assert answered.status_code == 302
    walk.check(follow_ups_closed=1)

    # 5. A visitor scans the 人社 poster: reading it is a digital hand-out; her question a consultation.
    visitor = Client(app)
    poster = f"/consult/{fair.booth('市人社局')}"
    assert visitor.get(poster).status_code == 200
    walk.check(materials_handed_out=36, materials_handed_out__digital=1)
    left = visitor.post_form(
        poster,
        {
            "topic": "employment",
            "question": "外出务工有交通补贴吗？",
            "contact_phone": "13700000007",
            "consent": "y",
        },
    )
    assert left.status_code == 201
    walk.check(consultations=7, consultations__employment=4, follow_ups_opened=3)

    # 6. One of the first walk-ins was typed twice: the organizer undoes it.
    assert void(walk.organizer, first["action_id"]).status_code == 200
    walk.check({"市人社局": {"walk_ins": 2}}, consultations=6, consultations__employment=3)

    # 7. The dashboard's tiles, the written report's section by department, its follow-ups.
    organizer = Client(app)
    organizer.login(fair.organizer_email)
    board = organizer.get(f"/dashboard/?date={fair.day.isoformat()}").get_data(as_text=True)
    for name, value in {"consultations": 6, "follow_ups_waiting": 2, "materials_handed_out": 36}.items():
        assert re.search(rf'data-figure="{name}">{value}\s*<', board), name
    tiles = text_of(board)
    assert "其中手机阅读1次" in tiles
    assert "就业扶贫 3 教育扶贫（学生资助） 1" in tiles
    assert "市扶贫办 1 1 市人社局 4 1 市民政局 1 0" in tiles

    report = text_of(
        organizer.get(f"/reports/written/city?date={fair.day.isoformat()}").get_data(as_text=True)
    )
    assert "政策宣传咨询（分部门）" in report
    assert (
        "3个部门在3个咨询台接受群众咨询6人次，发放宣传资料36份（其中扫描咨询台海报在手机上阅读1次）；"
        "登记需后续答复的问题3件，已答复1件。"
    ) in report
    assert "市扶贫办 1 1 1 0 20 0 其他问题1人次" in report
    assert "市人社局 1 4 1 0 11 1 就业扶贫3人次、教育扶贫（学生资助）1人次" in report
    assert "市民政局 1 1 1 1 5 0 社会救助与社会保障1人次" in report
    assert "市扶贫办：1件其他问题咨询待答复" in report
    assert "市人社局：1件就业扶贫咨询待答复" in report
    assert "已逾期" not in report
    assert "13700000007" not in report

    # 8. 李建国's ticket shows his question and its answer.
    ticket = text_of(Client(app).get(f"/t/{li}").get_data(as_text=True))
    assert "您的咨询" in ticket
    assert "答复：已告知：按当地低保标准补差发放。" in ticket
