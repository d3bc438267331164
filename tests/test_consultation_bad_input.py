"""Every bad input of the consultation fair gets a clear, translated error, its exact status, and
changes nothing: not the fair's facts, not the stock, not the tally."""

import datetime as dt

import pytest

from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.consultation import (
    add_visitor,
    answer,
    build_fair,
    consult,
    handout,
    left_of,
    stored_facts,
    void,
)

INVALID_FIELD = "缺少字段或字段类型错误。"
WRONG_BOOTH = "展位不符：此设备或所选内容属于另一个展位。"
PHONE_REQUIRED = "需要后续答复的，请填写群众的联系电话。"
NOT_OPEN = "该问题不在待答复状态：已经答复过，或当时未登记需要答复。"


@pytest.fixture
def fair(app):
    return build_fair(app)


def refused(response, status: int, code: str, message: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"] == message
    if field is not None:
        assert error["field"] == field
    return error


def follow_up(api, fair, department="市民政局", phone="13912345678", topic="social_security"):
    fields = {"follow_up": True, "contact_phone": phone, "question": "临时救助怎么申请？"}
    response = consult(api, fair, department, topic, fields=fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# -- consultations ---------------------------------------------------------------------------------


def test_a_follow_up_without_a_contact_phone(app, fair):
    scanner = Api(app, fair.booth_scanners["市民政局"])
    before = stored_facts(app)
    for fields in ({"follow_up": True}, {"follow_up": True, "contact_phone": "  ", "question": "低保"}):
        response = consult(scanner, fair, "市民政局", "social_security", fields=fields)
        refused(response, 422, "contact_phone_required", PHONE_REQUIRED, "contact_phone")
    body = {
        "client_action_id": new_id(),
        "booth_id": fair.booth("市民政局"),
        "fields": {"topic": "social_security", "follow_up": True},
    }
    english = scanner.post(f"/activities/{fair.activity}/actions/consult", body, **{"Accept-Language": "en"})
    assert english.get_json()["error"]["message"] == "A follow-up needs the visitor's contact phone number."
    # A number that is no mobile number is refused as well.
    bad = consult(scanner, fair, "市民政局", "housing", fields={"follow_up": True, "contact_phone": "12345"})
    refused(bad, 422, "invalid_phone", "请输入 11 位大陆手机号码。", "contact_phone")
    assert stored_facts(app) == before


def test_an_unknown_topic(app, fair):
    scanner = Api(app, fair.booth_scanners["市人社局"])
    before = stored_facts(app)
    for topic in ("pensions", "", 3, None, ["employment"]):
        refused(consult(scanner, fair, "市人社局", topic), 422, "invalid_field", INVALID_FIELD, "topic")
    assert stored_facts(app) == before


def test_a_written_question_asked_in_the_future_or_long_ago(app, fair):
    scanner = Api(app, fair.booth_scanners["市人社局"])
    before = stored_facts(app)
    message = "提出问题的日期不能晚于今天，也不能早于一年前。"
    for asked_on in (fair.day + dt.timedelta(days=1), fair.day - dt.timedelta(days=366)):
        fields = {"follow_up": True, "contact_phone": "13912345678", "asked_on": asked_on.isoformat()}
        response = consult(scanner, fair, "市人社局", "employment", fields=fields)
        refused(response, 422, "invalid_asked_on", message, "asked_on")
    response = consult(scanner, fair, "市人社局", "employment", fields={"asked_on": "yesterday"})
    refused(response, 422, "invalid_field", INVALID_FIELD, "asked_on")
    assert stored_facts(app) == before


def test_a_consultation_at_a_booth_of_another_activity(app, fair):
    other = build_fair(app, {"市教育局": {}, "市住建局": {}})
    scanner, organizer = Api(app, fair.scanner), Api(app, fair.organizer)
    before = stored_facts(app)
    for api in (scanner, organizer):
        response = consult(api, fair, "市扶贫办", "education", booth_id=other.booth("市教育局"))
        refused(response, 409, "wrong_booth", WRONG_BOOTH)
    assert stored_facts(app) == before


def test_a_booth_bound_scanner_records_at_its_booth_only(app, fair):
    scanner = Api(app, fair.booth_scanners["市人社局"])
    before = stored_facts(app)
    response = consult(scanner, fair, "市民政局", "employment")
    refused(response, 409, "wrong_booth", WRONG_BOOTH)
    assert stored_facts(app) == before


# -- hand-outs -------------------------------------------------------------------------------------


def test_handing_out_more_than_is_left(app, fair):
    scanner = Api(app, fair.booth_scanners["市民政局"])
    assert handout(scanner, fair, "市民政局", "环保购物袋", 3).status_code == 201
    before = stored_facts(app)
    response = handout(scanner, fair, "市民政局", "环保购物袋", 3)
    refused(response, 409, "out_of_stock", "这种资料剩余数量不足，不能发放这么多。", "quantity")
    assert stored_facts(app) == before
    assert left_of(app, fair.materials["环保购物袋"]) == 2
    # What is left may still go.
    assert handout(scanner, fair, "市民政局", "环保购物袋", 2).status_code == 201
    assert left_of(app, fair.materials["环保购物袋"]) == 0


@pytest.mark.parametrize("quantity", [0, -1, -50, "0", 1.5, "三", None, True])
def test_handing_out_zero_or_a_negative_quantity(app, fair, quantity):
    scanner = Api(app, fair.booth_scanners["市民政局"])
    before = stored_facts(app)
    response = handout(scanner, fair, "市民政局", "环保购物袋", quantity)
    refused(response, 422, "invalid_field", INVALID_FIELD, "quantity")
    assert stored_facts(app) == before


def test_handing_out_another_booths_material(app, fair):
    scanner = Api(app, fair.scanner)
    before = stored_facts(app)
    response = handout(scanner, fair, "市人社局", "环保购物袋", 1)
    refused(response, 409, "wrong_booth", WRONG_BOOTH, "material_id")
    fields = {"material_id": "99999", "quantity": 1}
    unknown = handout(scanner, fair, "市人社局", "环保购物袋", 1, fields=fields)
    refused(unknown, 422, "invalid_field", INVALID_FIELD, "material_id")
    assert stored_facts(app) == before


# -- answers ---------------------------------------------------------------------------------------


def test_answering_a_closed_follow_up(app, fair):
    scanner = Api(app, fair.booth_scanners["市民政局"])
    asked = follow_up(scanner, fair)
    assert answer(scanner, fair, "市民政局", asked["consultation_id"]).status_code == 201
    before = stored_facts(app)
    response = answer(scanner, fair, "市民政局", asked["consultation_id"], note="再答一次")
    refused(response, 409, "not_open_follow_up", NOT_OPEN)
    assert stored_facts(app) == before


def test_answering_a_consultation_without_a_follow_up(app, fair):
    scanner = Api(app, fair.booth_scanners["市民政局"])
    plain = consult(scanner, fair, "市民政局", "other").get_json()
    before = stored_facts(app)
    response = answer(scanner, fair, "市民政局", plain["consultation_id"])
    refused(response, 409, "not_open_follow_up", NOT_OPEN)
    assert stored_facts(app) == before


def test_answering_an_unknown_follow_up(app, fair):
    scanner = Api(app, fair.booth_scanners["市民政局"])
    follow_up(scanner, fair)
    other = build_fair(app, {"市教育局": {}})
    elsewhere = follow_up(Api(app, other.scanner), other, department="市教育局", topic="education")
    before = stored_facts(app)
    for consultation_id in (999999, elsewhere["consultation_id"], "abc"):
        response = answer(scanner, fair, "市民政局", consultation_id)
        refused(response, 422, "invalid_field", INVALID_FIELD, "consultation_id")
    empty = answer(scanner, fair, "市民政局", 1, fields={"consultation_id": "1", "note": " "})
    refused(empty, 422, "invalid_field", INVALID_FIELD)
    assert stored_facts(app) == before


def test_answering_another_departments_follow_up(app, fair):
    asked = follow_up(Api(app, fair.booth_scanners["市民政局"]), fair)
    before = stored_facts(app)
    response = answer(Api(app, fair.booth_scanners["市人社局"]), fair, "市人社局", asked["consultation_id"])
    refused(response, 409, "wrong_booth", WRONG_BOOTH, "consultation_id")
    assert stored_facts(app) == before


def test_undoing_an_answered_consultation(app, fair):
    scanner, organizer = Api(app, fair.booth_scanners["市民政局"]), Api(app, fair.organizer)
    asked = follow_up(scanner, fair)
    answered = answer(scanner, fair, "市民政局", asked["consultation_id"]).get_json()
    before = stored_facts(app)
    refused(void(organizer, asked["action_id"]), 409, "consultation_answered", "该问题已答复，请先撤销答复。")
    assert stored_facts(app) == before
    # Undoing the answer opens the follow-up again; then the consultation may go.
    assert void(organizer, answered["action_id"]).status_code == 200
    assert void(organizer, asked["action_id"]).status_code == 200


def test_a_scanned_ticket_of_another_activity(app, fair):
    other = build_fair(app, {"市教育局": {}})
    _id, ticket = add_visitor(app, other, "王秀英", "13800000001")
    before = stored_facts(app)
    response = consult(Api(app, fair.scanner), fair, "市扶贫办", "other", token=ticket)
    refused(response, 409, "wrong_activity", "此票属于其他活动。")
    assert stored_facts(app) == before


def test_staff_of_another_department_may_not_record_at_a_booth(app, fair):
    with app.app_context():
        outsider = factories.user("staff", scopes=[{"booth_id": fair.booth("市人社局")}])
        token = factories.staff_token(outsider)
        db.session.commit()
    before = stored_facts(app)
    response = consult(Api(app, token), fair, "市民政局", "social_security")
    refused(response, 403, "forbidden", "您没有执行此操作的权限。")
    assert stored_facts(app) == before
