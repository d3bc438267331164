"""Every bad input of the job fair gets a clear, translated error, its exact status, and changes
nothing: not the fair's facts, not the tally."""

import datetime as dt
import json
import re

import pytest

from eventdesk.core.models import utcnow
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.client import Client
from tests.support.jobfair import add_seeker, apply, build_fair, hired_of, outcome, stored_facts, void
from tests.support.spreadsheets import write_csv, write_xlsx


@pytest.fixture
def fair(app):
    return build_fair(app)


@pytest.fixture
def seekers(app, fair):
    wang = add_seeker(app, fair, "王秀英", "13800000001", education="junior_high")
    li = add_seeker(app, fair, "李建国", "13800000002")
    zhang = add_seeker(app, fair, "张志强", "13800000003")
    return {"王秀英": wang[1], "李建国": li[1], "张志强": zhang[1]}


def refused(response, status: int, code: str, message: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"] == message
    if field is not None:
        assert error["field"] == field
    return error


# -- at the stand ----------------------------------------------------------------------------------


def test_an_application_to_a_posting_of_another_stand(app, fair, seekers):
    before = stored_facts(app)
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    response = apply(scanner, fair, "市人民医院", seekers["王秀英"], "操作工")
    refused(response, 409, "wrong_booth", "展位不符：此设备或所选内容属于另一个展位。", "posting_id")
    assert stored_facts(app) == before
    body = {
        "client_action_id": new_id(),
        "booth_id": fair.stand("市人民医院"),
        "token": seekers["王秀英"],
        "fields": {"posting_id": str(fair.postings["操作工"])},
    }
    english = scanner.post(f"/activities/{fair.activity}/actions/apply", body, **{"Accept-Language": "en"})
    assert english.get_json()["error"]["message"] == (
        "Wrong booth: this device, or what was chosen, belongs to another booth."
    )
    # A posting that is not the fair's at all is not one of the field's choices.
    unknown = apply(scanner, fair, "市人民医院", seekers["王秀英"], "护工", fields={"posting_id": "999999"})
    refused(unknown, 422, "invalid_field", "缺少字段或字段类型错误。", "posting_id")
    assert stored_facts(app) == before


def test_applying_twice(app, fair, seekers):
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    assert apply(scanner, fair, "市人民医院", seekers["王秀英"], "护工").status_code == 201
    before = stored_facts(app)
    again = apply(scanner, fair, "市人民医院", seekers["王秀英"], "护工")
    refused(again, 409, "already_applied", "此人已投递过这个岗位。")
    assert stored_facts(app) == before
    # Another posting of the same stand is a new application.
    assert apply(scanner, fair, "市人民医院", seekers["王秀英"], "保洁员").status_code == 201


def test_an_outcome_for_an_application_of_another_stand(app, fair, seekers):
    factory = Api(app, fair.stand_scanners["宏达建材有限公司"])
    application = apply(factory, fair, "宏达建材有限公司", seekers["张志强"], "操作工").get_json()
    before = stored_facts(app)
    hospital = Api(app, fair.stand_scanners["市人民医院"])
    response = outcome(hospital, fair, "市人民医院", application["application_id"], "hired")
    refused(response, 409, "wrong_booth", "展位不符：此设备或所选内容属于另一个展位。", "application_id")
    assert stored_facts(app) == before
    assert hired_of(app, fair.postings["操作工"]) == 0


def test_one_hire_too_many(app, fair, seekers):
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    applications = [
        apply(scanner, fair, "市人民医院", ticket, "护工").get_json()["application_id"]
        for ticket in seekers.values()
    ]
    for application in applications[:2]:  # 护工 takes two people
        assert outcome(scanner, fair, "市人民医院", application, "hired").status_code == 201
    before = stored_facts(app)
    response = outcome(scanner, fair, "市人民医院", applications[2], "hired")
    refused(response, 409, "positions_filled", "该岗位招聘人数已满，不能再录用。")
    assert stored_facts(app) == before
    assert hired_of(app, fair.postings["护工"]) == 2
    # Hired twice is one hire: the same seeker marked hired again takes no other position.
    assert outcome(scanner, fair, "市人民医院", applications[0], "hired").status_code == 201
    assert hired_of(app, fair.postings["护工"]) == 2


def test_a_field_of_the_wrong_type(app, fair, seekers):
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    application = apply(scanner, fair, "市人民医院", seekers["王秀英"], "护工").get_json()["application_id"]
    before = stored_facts(app)
    cases = [
        ("apply", {"posting_id": True}, "posting_id"),
        ("apply", {"posting_id": ["1"]}, "posting_id"),
        ("apply", {}, "posting_id"),
        ("apply", {"posting_id": str(fair.postings["护工"]), "note": "x"}, "note"),
        ("outcome", {"application_id": str(application), "status": 3}, "status"),
        ("outcome", {"application_id": str(application), "status": "offered"}, "status"),
        ("outcome", {"application_id": {"id": application}, "status": "hired"}, "application_id"),
    ]
    for action, fields, field in cases:
        body = {"client_action_id": new_id(), "booth_id": fair.stand("市人民医院"), "fields": fields}
        if action == "apply":
            body["token"] = seekers["李建国"]
        response = scanner.post(f"/activities/{fair.activity}/actions/{action}", body)
        refused(response, 422, "invalid_field", "缺少字段或字段类型错误。", field)
    assert stored_facts(app) == before


def test_a_replayed_client_action_id_with_other_content(app, fair, seekers):
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    action_id = new_id()
    moment = (utcnow() - dt.timedelta(minutes=5)).isoformat()
    first = apply(
        scanner, fair, "市人民医院", seekers["王秀英"], "护工", client_action_id=action_id, recorded_at=moment
    )
    assert first.status_code == 201
    before = stored_facts(app)
    # The same content again (a sync retried) is answered as the first time.
    replay = apply(
        scanner, fair, "市人民医院", seekers["王秀英"], "护工", client_action_id=action_id, recorded_at=moment
    )
    assert replay.status_code == 200
    assert replay.get_json()["application_id"] == first.get_json()["application_id"]
    other = apply(
        scanner, fair, "市人民医院", seekers["李建国"], "护工", client_action_id=action_id, recorded_at=moment
    )
    refused(other, 409, "client_action_id_reused", "此操作编号已被另一项操作使用。")
    assert stored_facts(app) == before


def test_undoing_an_application_that_has_outcomes(app, fair, seekers):
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    application = apply(scanner, fair, "市人民医院", seekers["王秀英"], "护工").get_json()
    assert (
        outcome(scanner, fair, "市人民医院", application["application_id"], "interviewed").status_code == 201
    )
    before = stored_facts(app)
    refused(
        void(scanner, application["action_id"]),
        409,
        "application_has_outcomes",
        "这份求职申请已登记应聘结果，请先撤销这些结果。",
    )
    assert stored_facts(app) == before


# -- registration --------------------------------------------------------------------------------


def register_api(app, activity_id, fields, **headers):
    body = {"name": "赵德胜", "phone": "13800000009", "consent": True, "fields": fields}
    return app.test_client().post(
        f"/api/v1/activities/{activity_id}/registrations",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"education": "phd"}, "education"),  # an unknown education value
        ({"education": "博士"}, "education"),  # labels are for forms and spreadsheets, not JSON
        ({"poor_labourer": "yes"}, "poor_labourer"),  # a field of the wrong type
        ({"poor_labourer": 1}, "poor_labourer"),
        ({"available_from": "next Monday"}, "available_from"),
        ({"available_from": "2026-02-30"}, "available_from"),
        ({"skills": ["驾驶"]}, "skills"),
        ({"salary": 3000}, "salary"),  # not a field of the job fair
    ],
)
def test_registration_fields_of_the_wrong_value_or_type(app, fair, fields, field):
    before = stored_facts(app)
    response = register_api(app, fair.activity, fields)
    refused(response, 422, "invalid_field", "缺少字段或字段类型错误。", field)
    english = register_api(app, fair.activity, fields, **{"Accept-Language": "en"})
    assert english.get_json()["error"]["message"] == "A field is missing or has the wrong type."
    assert stored_facts(app) == before


def test_an_unknown_education_on_the_phone_form(app, fair):
    before = stored_facts(app)
    url = f"/activities/{fair.activity}/register"
    response = Client(app).post_form(
        url, {"name": "赵德胜", "phone": "13800000009", "consent": "y", "kind_education": "phd"}
    )
    assert response.status_code == 400
    assert "请从选项中选一项。" in response.get_data(as_text=True)
    assert stored_facts(app) == before


# -- employers and postings ---------------------------------------------------------------------


def posting_form(**values):
    data = {"title": "电工", "positions": "2", "pay_min": "", "pay_max": "", "education": "", "workplace": ""}
    data.update(values)
    return data


@pytest.mark.parametrize(
    ("values", "message", "status"),
    [
        ({"positions": "0"}, "请填写招聘人数：不小于1的整数。", 400),
        ({"positions": "-3"}, "请填写招聘人数：不小于1的整数。", 400),
        ({"positions": "两个"}, "请填写招聘人数：不小于1的整数。", 400),
        ({"positions": ""}, "请填写招聘人数：不小于1的整数。", 400),
        ({"pay_min": "5000", "pay_max": "3000"}, "月薪下限不能高于月薪上限。", 400),
        ({"pay_min": "三千"}, "请以整数填写月薪（元）。", 400),
        ({"education": "phd"}, "请从选项中选一项。", 400),
        ({"title": "护工"}, "该名称已被使用。", 409),  # the employer offers it already
    ],
)
def test_a_bad_posting_on_the_page(app, fair, values, message, status):
    client = Client(app)
    client.login(fair.organizer_email)
    url = f"/manage/activities/{fair.activity}/jobfair/employers/{fair.employers['市人民医院']}/postings/new"
    before = stored_facts(app)
    response = client.post_form(url, posting_form(**values))
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert stored_facts(app) == before


def test_a_posting_people_applied_for_is_not_deleted(app, fair, seekers):
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    assert apply(scanner, fair, "市人民医院", seekers["王秀英"], "护工").status_code == 201
    client = Client(app)
    client.login(fair.organizer_email)
    before = stored_facts(app)
    employer_page = f"/manage/activities/{fair.activity}/jobfair/employers/{fair.employers['市人民医院']}"
    delete = client.post_form(
        f"/manage/activities/{fair.activity}/jobfair/postings/{fair.postings['护工']}/delete",
        form_url=employer_page,
    )
    assert delete.status_code == 409
    assert "已有人投递该岗位，不能删除。" in delete.get_data(as_text=True)
    assert stored_facts(app) == before


def test_an_employer_people_applied_at_is_not_deleted(app, fair, seekers):
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    assert apply(scanner, fair, "市人民医院", seekers["王秀英"], "护工").status_code == 201
    client = Client(app)
    client.login(fair.organizer_email)
    before = stored_facts(app)
    employer_page = f"/manage/activities/{fair.activity}/jobfair/employers/{fair.employers['市人民医院']}"
    delete = client.post_form(f"{employer_page}/delete", form_url=employer_page)
    assert delete.status_code == 409
    assert "已有求职者在该单位展位投递，不能删除。" in delete.get_data(as_text=True)
    assert stored_facts(app) == before


def test_positions_cannot_go_below_the_hires(app, fair, seekers):
    scanner = Api(app, fair.stand_scanners["市人民医院"])
    for ticket in list(seekers.values())[:2]:
        application = apply(scanner, fair, "市人民医院", ticket, "护工").get_json()["application_id"]
        assert outcome(scanner, fair, "市人民医院", application, "hired").status_code == 201
    client = Client(app)
    client.login(fair.organizer_email)
    before = stored_facts(app)
    url = f"/manage/activities/{fair.activity}/jobfair/postings/{fair.postings['护工']}/edit"
    response = client.post_form(url, posting_form(title="护工", positions="1"))
    assert response.status_code == 409
    assert "该岗位已录用的人数多于此数。" in response.get_data(as_text=True)
    assert stored_facts(app) == before
    # As many positions as people hired is fine: the posting is then full.
    assert client.post_form(url, posting_form(title="护工", positions="2")).status_code == 302


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "cooperative"}, "请从选项中选一项。"),
        ({"contact_phone": "12345"}, "请填写手机号码，或带区号的固定电话号码。"),
        ({"stand_number": "A01"}, "该展位号已分配给其他用人单位。"),
        ({"name": "宏达建材有限公司"}, "该名称已被使用。"),
        ({"name": ""}, "请填写这一项。"),
    ],
)
def test_a_bad_employer_on_the_page(app, fair, values, message):
    client = Client(app)
    client.login(fair.organizer_email)
    before = stored_facts(app)
    data = {"name": "顺达物流", "kind": "private", "contact_name": "赵顺", "contact_phone": "13991900110"}
    data.update(values)
    response = client.post_form(f"/manage/activities/{fair.activity}/jobfair/employers/new", data)
    assert response.status_code in (400, 409)
    assert message in response.get_data(as_text=True)
    assert stored_facts(app) == before


# -- imports ------------------------------------------------------------------------------------------


def row_errors(stderr: str) -> dict[int, str]:
    """The bad rows an import reported: row number → "code [column]"."""
    return {int(row): code for row, code in re.findall(r"第 (\d+) 行：.*? \((\w+ \[\w+\])\)", stderr)}


def run_import(app, run_cli, tmp_path, kind, activity_id, data, *extra, name="list.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return run_cli("import", kind, str(path), "--activity", str(activity_id), *extra)


EMPLOYER_ROWS = [
    ("单位名称", "单位性质", "联系人", "联系电话", "展位号"),
    ("顺达物流有限公司", "民营企业", "赵顺", "13991900110", "C04"),
    ("阳光社会工作服务中心", "社会团体", "吴静", "0919-3152112", "D02"),  # not one of the five kinds
    ("市慈善协会", "社会组织", "孙慧芳", "3152111", "D01"),  # a landline without its area code
    ("", "国有企业", "何涛", "0919-3152106", "B02"),  # no name
    ("市公共交通集团有限公司", "国有企业", "何涛", "0919-3152106", "A01"),  # another employer's stand
]


def test_an_employer_import_with_bad_rows(app, run_cli, tmp_path, fair):
    before = stored_facts(app)
    result = run_import(app, run_cli, tmp_path, "employers", fair.activity, write_csv(EMPLOYER_ROWS))
    assert result.exit_code == 1
    assert row_errors(result.stderr) == {
        3: "unknown_employer_kind [kind]",
        4: "invalid_contact_phone [contact_phone]",
        5: "text_required [name]",
        6: "stand_taken [stand_number]",
    }
    assert "第 3 行：请选择单位性质：党政机关、事业单位、国有企业、民营企业或社会组织。" in result.stderr
    assert "第 4 行：请填写手机号码，或带区号的固定电话号码。" in result.stderr
    assert "第 6 行：该展位号已分配给其他用人单位。" in result.stderr
    assert "import_rejected" in result.stderr
    assert stored_facts(app) == before
    # Told to skip bad rows, the good one is imported with its stand.
    result = run_import(
        app, run_cli, tmp_path, "employers", fair.activity, write_csv(EMPLOYER_ROWS), "--skip-bad"
    )
    assert result.exit_code == 0, result.output
    assert "新增用人单位1家" in result.stdout
    assert "跳过4行" in result.stdout
    assert stored_facts(app)["jobfair_employer"] == before["jobfair_employer"] + 1


def test_a_postings_import_with_bad_rows(app, run_cli, tmp_path, fair):
    rows = [
        ("单位名称", "岗位名称", "招聘人数", "公益性岗位", "月薪下限", "月薪上限", "学历要求"),
        ("市人民医院", "电工", 2, "否", 3000, 4000, "中专"),
        ("市人民医院", "药房助理", 0, "否", "", "", ""),
        ("市人民医院", "收费员", -1, "否", "", "", ""),
        ("市人民医院", "司机", 1, "否", 5000, 4000, ""),
        ("市人民医院", "厨师", 1, "也许", "", "", ""),
        ("市人民医院", "文员", 1, "否", "", "", "博士后"),
        ("不存在的公司", "门卫", 1, "否", "", "", ""),
    ]
    before = stored_facts(app)
    result = run_import(app, run_cli, tmp_path, "postings", fair.activity, write_xlsx(rows), name="p.xlsx")
    assert result.exit_code == 1
    assert row_errors(result.stderr) == {
        3: "invalid_positions [positions]",
        4: "invalid_positions [positions]",
        5: "pay_out_of_order [pay_max]",
        6: "invalid_yes_no [public_welfare]",
        7: "unknown_education [education]",
        8: "unknown_employer [employer]",
    }
    assert "第 5 行：月薪下限不能高于月薪上限。" in result.stderr
    assert stored_facts(app) == before


def test_an_import_into_another_kind_of_activity(app, run_cli, tmp_path):
    with app.app_context():
        consultation = factories.activity()
        factories.db.session.commit()
        activity_id = consultation.id
    result = run_import(app, run_cli, tmp_path, "employers", activity_id, write_csv(EMPLOYER_ROWS[:2]))
    assert result.exit_code == 1
    assert "此类名单不能导入这类活动。" in result.output
