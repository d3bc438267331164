"""The consultation fair's pages: a booth per department, the booth's desk on a phone (two taps
for a consultation, a counter by topic, hand-outs), the materials stock, a department's
follow-ups (contact, age, overdue after the fair's number of days, answered with a note), the
booth counter API, the lists to download, and who may do what."""

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from eventdesk.activities.consultation import follow_up_pages
from eventdesk.activities.consultation.models import Consultation, Material
from eventdesk.core.models import Activity, Booth, utcnow
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api
from tests.support.client import Client
from tests.support.consultation import add_visitor, build_fair, consult, handout, left_of, stored_facts
from tests.support.openapi import check

_ACTION_ID = re.compile(r'name="client_action_id"[^>]*value="([^"]+)"')


@pytest.fixture
def fair(app):
    return build_fair(app)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def signed_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def fair_url(fair, *rest) -> str:
    return "/".join([f"/manage/activities/{fair.activity}/consultation", *map(str, rest)])


def desk_url(fair, department) -> str:
    return fair_url(fair, "booths", fair.booth(department), "desk")


def post_on_page(client: Client, page_url: str, url: str, data: dict, index: int = 0):
    """Post a form of `page_url` as the browser would: its CSRF token and its action id."""
    page = client.get(page_url).get_data(as_text=True)
    data = {"client_action_id": _ACTION_ID.findall(page)[index], **data}
    return client.post_form(url, data, form_url=page_url)


def booth_figures(app, booth_id) -> dict:
    with app.app_context():
        assert tally_service.stored() == tally_service.facts()
        return {key[3]: value for key, value in tally_service.stored().items() if key[2] == booth_id}


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


# -- booths per department ---------------------------------------------------------------------------


def test_every_department_taking_part_gets_a_booth(app, fair):
    with app.app_context():
        activity = db.session.get(Activity, fair.activity)
        housing = factories.department(name="市住建局")
        activity.cooperators = [*activity.cooperators, housing]
        db.session.commit()
        housing_id = housing.id
    client = signed_in(app, fair.organizer_email)
    page = text_of(client.get(fair_url(fair)).get_data(as_text=True))
    assert "以下参与部门还没有咨询台：市住建局。" in page
    assert client.post_form(fair_url(fair, "booths"), form_url=fair_url(fair)).status_code == 302
    with app.app_context():
        booths = db.session.execute(
            sa.select(Booth.name, Booth.department_id).where(Booth.activity_id == fair.activity)
        ).all()
    assert sorted(booths, key=lambda b: b[1]) == sorted(
        [(name, fair.departments[name]) for name in ("市扶贫办", "市人社局", "市民政局")]
        + [("市住建局", housing_id)],
        key=lambda b: b[1],
    )
    page = text_of(client.get(fair_url(fair)).get_data(as_text=True))
    assert "还没有咨询台" not in page
    # Department staff work at the fair but do not set up its booths.
    staff = signed_in(app, fair.department_staff["市人社局"][0])
    assert staff.post_form(fair_url(fair, "booths"), form_url=fair_url(fair)).status_code == 403


def test_a_booths_staff_record_only_at_their_booth(app, fair):
    staff = signed_in(app, fair.booth_staff["市人社局"])
    activity_page = staff.get(f"/manage/activities/{fair.activity}").get_data(as_text=True)
    assert f"/manage/consultation/departments/{fair.departments['市人社局']}/follow-ups" in activity_page
    assert f"/manage/consultation/departments/{fair.departments['市民政局']}/follow-ups" not in activity_page
    assert staff.get(desk_url(fair, "市人社局")).status_code == 200
    assert staff.get(desk_url(fair, "市民政局")).status_code == 403
    page = text_of(staff.get(fair_url(fair)).get_data(as_text=True))
    assert "市人社局" in page


# -- the desk ----------------------------------------------------------------------------------------


def test_a_consultation_in_two_taps_and_the_counter_by_topic(app, fair):
    staff = signed_in(app, fair.booth_staff["市人社局"])
    desk = desk_url(fair, "市人社局")
    booth = fair.booth("市人社局")
    # Tap 1 opens the desk; tap 2 is the topic's button: a walk-in consultation.
    response = post_on_page(staff, desk, fair_url(fair, "booths", booth, "consult"), {"topic": "employment"})
    assert response.status_code == 302
    page = staff.get(desk).get_data(as_text=True)
    assert "已登记：就业扶贫" in text_of(page)
    assert re.search(r'data-figure="consultations">1<', page)
    assert re.search(r'data-figure="consultations.employment">1<', page)
    assert booth_figures(app, booth) == {"consultations": 1, "consultations.employment": 1, "walk_ins": 1}
    # A scanned ticket: the visitor is named, and no walk-in is counted.
    _id, token = add_visitor(app, fair, "王秀英", "13800000001")
    response = post_on_page(
        staff, desk, fair_url(fair, "booths", booth, "consult"), {"topic": "employment", "ticket_code": token}
    )
    assert response.status_code == 302
    assert booth_figures(app, booth)["consultations.employment"] == 2
    assert booth_figures(app, booth)["walk_ins"] == 1
    # A follow-up with its phone and question.
    data = {
        "topic": "finance",
        "follow_up": "y",
        "contact_phone": "139-1234-5678",
        "question": "小额信贷怎么贷？",
    }
    assert post_on_page(staff, desk, fair_url(fair, "booths", booth, "consult"), data).status_code == 302
    with app.app_context():
        asked = db.session.scalar(sa.select(Consultation).where(Consultation.topic == "finance"))
        assert (asked.follow_up, asked.contact_phone, asked.question) == (
            True,
            "13912345678",
            "小额信贷怎么贷？",
        )
        assert asked.department_id == fair.departments["市人社局"]
    assert booth_figures(app, booth)["follow_ups_opened"] == 1


def test_a_second_press_records_once(app, fair):
    staff = signed_in(app, fair.booth_staff["市人社局"])
    desk = desk_url(fair, "市人社局")
    page = staff.get(desk).get_data(as_text=True)
    data = {"client_action_id": _ACTION_ID.findall(page)[0], "topic": "housing"}
    url = fair_url(fair, "booths", fair.booth("市人社局"), "consult")
    assert staff.post_form(url, data, form_url=desk).status_code == 302
    assert staff.post_form(url, data, form_url=desk).status_code == 302
    assert booth_figures(app, fair.booth("市人社局"))["consultations"] == 1


def test_the_desk_shows_a_refusal_beside_its_field(app, fair):
    staff = signed_in(app, fair.booth_staff["市民政局"])
    desk = desk_url(fair, "市民政局")
    before = stored_facts(app)
    url = fair_url(fair, "booths", fair.booth("市民政局"), "consult")
    response = post_on_page(staff, desk, url, {"topic": "social_security", "follow_up": "y"})
    assert response.status_code == 422
    assert "需要后续答复的，请填写群众的联系电话。" in text_of(response.get_data(as_text=True))
    response = post_on_page(staff, desk, url, {"topic": "pensions"})
    assert response.status_code == 422
    assert "缺少字段或字段类型错误。" in text_of(response.get_data(as_text=True))
    response = post_on_page(staff, desk, url, {"topic": "other", "ticket_code": "NOPE-NOPE"})
    assert response.status_code == 409
    assert stored_facts(app) == before


def test_handing_out_at_the_desk(app, fair):
    staff = signed_in(app, fair.booth_staff["市民政局"])
    desk = desk_url(fair, "市民政局")
    bags = fair.materials["环保购物袋"]
    url = fair_url(fair, "booths", fair.booth("市民政局"), "materials", bags, "handout")
    # The bags are the booth's second material: its form is the second hand-out form.
    assert post_on_page(staff, desk, url, {"quantity": "3"}, index=2).status_code == 302
    assert left_of(app, bags) == 2
    before = stored_facts(app)
    too_many = post_on_page(staff, desk, url, {"quantity": "3"}, index=2)
    assert too_many.status_code == 409
    assert "这种资料剩余数量不足，不能发放这么多。" in text_of(too_many.get_data(as_text=True))
    for quantity in ("0", "-2", "两个"):
        response = post_on_page(staff, desk, url, {"quantity": quantity}, index=2)
        assert response.status_code == 422
        assert "缺少字段或字段类型错误。" in text_of(response.get_data(as_text=True))
    assert stored_facts(app) == before
    assert booth_figures(app, fair.booth("市民政局")) == {"materials_handed_out": 3}


# -- materials ---------------------------------------------------------------------------------------


def test_the_organizer_sees_brought_handed_out_and_left(app, fair):
    scanner = Api(app, fair.scanner)
    assert handout(scanner, fair, "市人社局", "就业扶贫政策明白卡", 12).status_code == 201
    assert handout(scanner, fair, "市民政局", "社会救助政策问答", 5).status_code == 201
    client = signed_in(app, fair.organizer_email)
    page = client.get(fair_url(fair, "materials")).get_data(as_text=True)
    # The fair: 100 + 50 + 10 + 20 + 5 brought, 17 handed out.
    for name, value in (("brought", 185), ("handed_out", 17), ("left", 168)):
        assert re.search(rf'data-figure="{name}">{value}<', page), name
    text = text_of(page)
    assert "就业扶贫政策明白卡 宣传单 50 12 38" in text
    assert "本咨询台合计 60 12 48" in text
    assert "社会救助政策问答 宣传册 20 5 15" in text


def test_materials_are_set_up_by_the_booths_staff_and_the_organizers(app, fair):
    staff = signed_in(app, fair.department_staff["市人社局"][0])
    new = fair_url(fair, "booths", fair.booth("市人社局"), "materials", "new")
    response = staff.post_form(new, {"name": "创业担保贷款指南", "kind": "brochure", "brought": "3 0"})
    assert response.status_code == 302
    with app.app_context():
        added = db.session.scalar(sa.select(Material).where(Material.name == "创业担保贷款指南"))
        assert (added.booth_id, added.brought, added.handed_out) == (fair.booth("市人社局"), 30, 0)
    # Another department's booth is not theirs.
    other = fair_url(fair, "booths", fair.booth("市民政局"), "materials", "new")
    assert staff.get(other).status_code == 403
    before = stored_facts(app)
    for brought in ("0", "-5", "很多"):
        response = staff.post_form(new, {"name": "折页", "kind": "leaflet", "brought": brought})
        assert response.status_code == 400
        assert "请输入数量，为不小于1的整数。" in text_of(response.get_data(as_text=True))
    taken = staff.post_form(new, {"name": "创业担保贷款指南", "kind": "leaflet", "brought": "5"})
    assert taken.status_code == 409
    assert stored_facts(app) == before


def test_stock_never_goes_below_what_was_handed_out(app, fair):
    scanner = Api(app, fair.scanner)
    assert handout(scanner, fair, "市人社局", "职业技能培训手册", 6).status_code == 201
    client = signed_in(app, fair.organizer_email)
    material = fair.materials["职业技能培训手册"]
    edit = fair_url(fair, "materials", material, "edit")
    response = client.post_form(edit, {"name": "职业技能培训手册", "kind": "brochure", "brought": "5"})
    assert response.status_code == 409
    assert "已发放的数量超过这个数。" in text_of(response.get_data(as_text=True))
    assert (
        client.post_form(edit, {"name": "职业技能培训手册", "kind": "brochure", "brought": "8"}).status_code
        == 302
    )
    assert left_of(app, material) == 2
    # Handed out from, so it stays; an untouched one may go.
    delete = fair_url(fair, "materials", material, "delete")
    assert client.post_form(delete, form_url=fair_url(fair, "materials")).status_code == 303
    assert "这种资料已有发放记录，不能删除。" in text_of(
        client.get(fair_url(fair, "materials")).get_data(as_text=True)
    )
    untouched = fair_url(fair, "materials", fair.materials["就业扶贫政策明白卡"], "delete")
    assert client.post_form(untouched, form_url=fair_url(fair, "materials")).status_code == 302
    with app.app_context():
        assert db.session.get(Material, fair.materials["就业扶贫政策明白卡"]) is None


# -- follow-ups --------------------------------------------------------------------------------------


def ask(app, fair, department, topic, phone, question):
    fields = {"follow_up": True, "contact_phone": phone, "question": question}
    response = consult(Api(app, fair.scanner), fair, department, topic, fields=fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["consultation_id"]


def later(monkeypatch, days: int):
    """The department opens its page `days` later."""
    moment = utcnow() + dt.timedelta(days=days)
    monkeypatch.setattr(follow_up_pages, "utcnow", lambda: moment)


def follow_ups_url(fair, department) -> str:
    return f"/manage/consultation/departments/{fair.departments[department]}/follow-ups"


def open_rows(html: str) -> dict[int, str]:
    rows = re.findall(r'<tr id="follow-up-(\d+)"([^>]*)>(.*?)</tr>', html, re.S)
    return {
        int(number): ("overdue" if "overdue" in attributes else "") + text_of(body)
        for number, attributes, body in rows
    }


def test_a_department_sees_its_open_questions_across_its_booths(app, fair, monkeypatch):
    # 民政 staffs this fair and another one.
    other = build_fair(app, {"市卫计局": {}, "市民政局": {}})
    with app.app_context():
        civil = db.session.get(Booth, other.booth("市民政局"))
        civil.department_id = fair.departments["市民政局"]
        db.session.commit()
    here = ask(app, fair, "市民政局", "social_security", "13912345678", "低保怎么申请？")
    there = ask(app, other, "市民政局", "social_security", "13912340000", "临时救助找谁？")
    elsewhere = ask(app, fair, "市人社局", "employment", "13700000000", "公益岗位？")
    later(monkeypatch, 3)
    staff = signed_in(app, fair.department_staff["市民政局"][0])
    page = staff.get(follow_ups_url(fair, "市民政局")).get_data(as_text=True)
    rows = open_rows(page)
    assert set(rows) == {here, there}
    assert "13912345678" in rows[here]  # the department calls back: the number in full
    assert "低保怎么申请？" in rows[here]
    assert "3天前" in rows[here]
    assert elsewhere not in rows
    # Another department's staff do not open it.
    other_staff = signed_in(app, fair.department_staff["市人社局"][0])
    assert other_staff.get(follow_ups_url(fair, "市民政局")).status_code == 403


def test_overdue_after_seven_days_or_the_fairs_own_number(app, fair, monkeypatch):
    number = ask(app, fair, "市民政局", "housing", "13912345678", "危房改造补助标准？")
    staff = signed_in(app, fair.department_staff["市民政局"][0])
    later(monkeypatch, 7)
    page = staff.get(follow_ups_url(fair, "市民政局")).get_data(as_text=True)
    assert not open_rows(page)[number].startswith("overdue")
    later(monkeypatch, 8)
    page = staff.get(follow_ups_url(fair, "市民政局")).get_data(as_text=True)
    assert open_rows(page)[number].startswith("overdue")
    assert "已逾期" in open_rows(page)[number]
    assert "1件已逾期" in text_of(page)
    # The organizer allows three days: four days on, it is overdue.
    organizer = signed_in(app, fair.organizer_email)
    response = organizer.post_form(
        fair_url(fair, "settings"), {"follow_up_days": "3"}, form_url=fair_url(fair)
    )
    assert response.status_code == 302
    for days in ("0", "366", "三天"):
        refused = organizer.post_form(
            fair_url(fair, "settings"), {"follow_up_days": days}, form_url=fair_url(fair)
        )
        assert refused.status_code == 400
        assert "请输入1至365之间的天数。" in text_of(refused.get_data(as_text=True))
    later(monkeypatch, 4)
    assert open_rows(staff.get(follow_ups_url(fair, "市民政局")).get_data(as_text=True))[number].startswith(
        "overdue"
    )
    later(monkeypatch, 3)
    assert not open_rows(staff.get(follow_ups_url(fair, "市民政局")).get_data(as_text=True))[
        number
    ].startswith("overdue")


def test_answering_closes_a_follow_up(app, fair):
    number = ask(app, fair, "市民政局", "social_security", "13912345678", "低保怎么申请？")
    staff = signed_in(app, fair.booth_staff["市民政局"])
    page_url = follow_ups_url(fair, "市民政局")
    page = staff.get(page_url).get_data(as_text=True)
    action_id = _ACTION_ID.findall(page)[0]
    url = f"/manage/consultation/follow-ups/{number}/answer"
    before = stored_facts(app)
    empty = staff.post_form(url, {"client_action_id": action_id, "note": ""}, form_url=page_url)
    assert empty.status_code == 400
    assert stored_facts(app) == before
    note = "已电话告知：向户籍所在镇街提出申请。"
    response = staff.post_form(url, {"client_action_id": action_id, "note": note}, form_url=page_url)
    assert response.status_code == 302
    page = staff.get(page_url).get_data(as_text=True)
    assert number not in open_rows(page)
    assert note in text_of(page)
    assert booth_figures(app, fair.booth("市民政局"))["follow_ups_closed"] == 1
    # The same form sent again is the same answer; another answer is refused.
    assert (
        staff.post_form(url, {"client_action_id": action_id, "note": note}, form_url=page_url).status_code
        == 302
    )
    before = stored_facts(app)
    fresh = "00000000-0000-4000-8000-000000000001"
    again = staff.post_form(url, {"client_action_id": fresh, "note": "再答"}, form_url=page_url)
    assert again.status_code == 409
    assert "该问题不在待答复状态" in text_of(again.get_data(as_text=True))
    assert stored_facts(app) == before
    # Another department may not answer it.
    outsider = signed_in(app, fair.booth_staff["市人社局"])
    assert (
        outsider.post_form(
            url, {"client_action_id": fresh, "note": "x"}, form_url=follow_ups_url(fair, "市人社局")
        ).status_code
        == 403
    )


# -- the counter API, lists --------------------------------------------------------------------------


def test_the_booth_counter_api(app, fair):
    scanner = Api(app, fair.booth_scanners["市人社局"])
    assert consult(scanner, fair, "市人社局", "employment").status_code == 201
    assert consult(scanner, fair, "市人社局", "education").status_code == 201
    assert handout(scanner, fair, "市人社局", "职业技能培训手册", 4).status_code == 201
    url = f"/activities/{fair.activity}/booths/{fair.booth('市人社局')}/consultation"
    response = scanner.get(url)
    assert response.status_code == 200
    body = response.get_json()
    assert body["consultations"] == 2
    assert body["topics"]["employment"] == 1
    assert body["topics"]["education"] == 1
    assert sum(body["topics"].values()) == 2
    assert {m["name"]: m["left"] for m in body["materials"]} == {
        "就业扶贫政策明白卡": 50,
        "职业技能培训手册": 6,
    }
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    check(document, "/activities/{activity_id}/booths/{booth_id}/consultation", "get", response)
    # A device bound to another booth, and staff who do not work there, are refused.
    other = Api(app, fair.booth_scanners["市民政局"]).get(url)
    assert other.status_code == 403
    check(document, "/activities/{activity_id}/booths/{booth_id}/consultation", "get", other)
    assert scanner.get(f"/activities/{fair.activity}/booths/999999/consultation").status_code == 404


def test_the_lists_per_department_and_follow_ups_with_phones_for_organizers(app, fair):
    scanner = Api(app, fair.scanner)
    assert consult(scanner, fair, "市民政局", "social_security").status_code == 201
    number = ask(app, fair, "市人社局", "employment", "13912345678", "技能培训补贴？")
    assert consult(scanner, fair, "市扶贫办", "industry").status_code == 201
    organizer = signed_in(app, fair.organizer_email)
    rows = csv_rows(organizer.get(f"/reports/activities/{fair.activity}/lists/consultations.csv"))
    assert rows[0][:5] == ["序号", "部门", "展位", "咨询时间", "咨询事项"]
    assert [row[:2] for row in rows[1:]] == [["1", "市扶贫办"], ["2", "市人社局"], ["3", "市民政局"]]
    follow_ups = csv_rows(organizer.get(f"/reports/activities/{fair.activity}/lists/follow_ups.csv"))
    assert len(follow_ups) == 2
    assert follow_ups[0][:3] == ["序号", "问题编号", "部门"]
    assert follow_ups[1][:3] == ["1", str(number), "市人社局"]
    assert "13912345678" in follow_ups[1]
    assert "待答复" in follow_ups[1]
    # Below organizer level the phone number is masked.
    staff = signed_in(app, fair.department_staff["市人社局"][0])
    masked = csv_rows(staff.get(f"/reports/activities/{fair.activity}/lists/follow_ups.csv"))
    assert "139****5678" in masked[1]
    assert "13912345678" not in str(masked)


def test_the_scanner_draws_the_booths_actions_with_choices_for_that_booth(app, fair):
    civil = Api(app, fair.booth_scanners["市民政局"])
    asked = ask(app, fair, "市民政局", "social_security", "13912345678", "低保怎么申请？")
    ask(app, fair, "市人社局", "employment", "13700000000", "公益岗位？")
    response = civil.get(f"/activities/{fair.activity}/actions?booth_id={fair.booth('市民政局')}")
    assert response.status_code == 200
    actions = {action["name"]: action for action in response.get_json()["actions"]}
    assert set(actions) == {"consult", "handout", "answer"}
    assert actions["consult"]["ticket"] == "optional"
    fields = {field["name"]: field for field in actions["consult"]["fields"]}
    assert [choice["value"] for choice in fields["topic"]["choices"]] == [
        "industry", "relocation", "employment", "health", "education", "finance", "housing",
        "social_security", "other",
    ]  # fmt: skip
    assert fields["contact_phone"]["required"] is False
    materials = {field["name"]: field for field in actions["handout"]["fields"]}["material_id"]["choices"]
    assert [choice["label"] for choice in materials] == ["社会救助政策问答（剩20份）", "环保购物袋（剩5份）"]
    follow_ups = {field["name"]: field for field in actions["answer"]["fields"]}["consultation_id"]["choices"]
    # Only the department's own open questions, without the full number.
    assert [choice["value"] for choice in follow_ups] == [str(asked)]
    assert "尾号5678" in follow_ups[0]["label"]
    assert "13912345678" not in response.get_data(as_text=True)


def test_a_question_written_down_before_the_fair_counts_its_age_from_that_day(app, fair):
    fields = {
        "follow_up": True,
        "contact_phone": "13912345678",
        "question": "意见箱留言：危房改造补助标准？",
        "asked_on": (fair.day - dt.timedelta(days=9)).isoformat(),
    }
    response = consult(Api(app, fair.booth_scanners["市民政局"]), fair, "市民政局", "housing", fields=fields)
    number = response.get_json()["consultation_id"]
    staff = signed_in(app, fair.department_staff["市民政局"][0])
    row = open_rows(staff.get(follow_ups_url(fair, "市民政局")).get_data(as_text=True))[number]
    assert row.startswith("overdue")
    assert "9天前" in row
    # It counts as a consultation of today, where it was taken down; nobody walked in with it.
    assert booth_figures(app, fair.booth("市民政局")) == {
        "consultations": 1,
        "consultations.housing": 1,
        "follow_ups_opened": 1,
    }


def test_an_archived_booth_leaves_the_fairs_pages_and_its_department_gets_a_new_one(app, fair):
    with app.app_context():
        booth = db.session.get(Booth, fair.booth("市民政局"))
        booth.archived_at = utcnow()
        db.session.commit()
    client = signed_in(app, fair.organizer_email)
    page = text_of(client.get(fair_url(fair)).get_data(as_text=True))
    assert "以下参与部门还没有咨询台：市民政局。" in page
    assert "社会救助政策问答" not in text_of(client.get(fair_url(fair, "materials")).get_data(as_text=True))
    assert client.post_form(fair_url(fair, "booths"), form_url=fair_url(fair)).status_code == 302
    with app.app_context():
        names = db.session.scalars(
            sa.select(Booth.name).where(
                Booth.activity_id == fair.activity, Booth.department_id == fair.departments["市民政局"]
            )
        ).all()
    assert sorted(names) == ["市民政局", "市民政局（2）"]
