"""Every bad input of the key-handover ceremony gets a clear, translated error, its exact status, and
changes nothing: not the ceremony's facts, not the tally."""

import base64
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from eventdesk.activities.handover.models import Household
from eventdesk.core.models import Activity, Person, Registration, utcnow
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.handover import (
    PROXY,
    build_ceremony,
    handover,
    household_row,
    sheet_rows,
    stored_facts,
    void,
)
from tests.support.images import data_url, png
from tests.support.spreadsheets import write_csv, write_xlsx

HEADS = [household_row(1), household_row(2, "renovation"), household_row(3)]


@pytest.fixture
def ceremony(app):
    return build_ceremony(app, HEADS)


def refused(response, status: int, code: str, message: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"] == message
    if field is not None:
        assert error["field"] == field
    return error


# -- at the desk ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxy", "field"),
    [
        ({"proxy_relation": "儿子", "proxy_id_tail": "1234"}, "proxy_name"),
        ({"proxy_name": "李四", "proxy_id_tail": "1234"}, "proxy_relation"),
        ({"proxy_name": "李四", "proxy_relation": "儿子"}, "proxy_id_tail"),
        ({"proxy_name": "   ", "proxy_relation": "儿子", "proxy_id_tail": "1234"}, "proxy_name"),
    ],
)
def test_a_proxy_without_a_name_relation_or_id_tail(app, ceremony, proxy, field):
    before = stored_facts(app)
    api = Api(app, ceremony.desk_scanners["一号桌"])
    response = handover(api, ceremony, "户主1", "proxy", fields=proxy)
    refused(
        response,
        422,
        "proxy_incomplete",
        "由他人代领钥匙时，须填写代领人姓名、与户主关系及其身份证号后4位。",
        field,
    )
    english = handover(api, ceremony, "户主1", "proxy", fields=proxy, headers={"Accept-Language": "en"})
    assert english.get_json()["error"]["message"].startswith("Keys handed to a proxy need the proxy's name")
    assert stored_facts(app) == before


@pytest.mark.parametrize("tail", ["12", "12345", "X123", "abcd", "12x4"])
def test_a_proxy_id_tail_that_is_not_one(app, ceremony, tail):
    before = stored_facts(app)
    api = Api(app, ceremony.desk_scanners["一号桌"])
    response = handover(api, ceremony, "户主1", "proxy", fields={**PROXY, "proxy_id_tail": tail})
    if len(tail) > 4:  # longer than the field takes
        refused(response, 422, "invalid_field", "缺少字段或字段类型错误。", "proxy_id_tail")
    else:
        refused(
            response,
            422,
            "invalid_id_tail",
            "请填写代领人身份证号的后4位（数字，最后一位可为X）。",
            "proxy_id_tail",
        )
    assert stored_facts(app) == before


def test_a_second_handover_of_the_same_keys(app, ceremony):
    first = handover(Api(app, ceremony.desk_scanners["一号桌"]), ceremony, "户主1")
    assert first.status_code == 201
    before = stored_facts(app)
    for desk, recipient in (("一号桌", "head"), ("二号桌", "proxy")):
        again = handover(
            Api(app, ceremony.desk_scanners[desk]),
            ceremony,
            "户主1",
            recipient,
            booth_id=ceremony.desk(desk),
            fields=PROXY,
        )
        refused(again, 409, "already_handed_over", "该户钥匙已交付，不能重复交付。")
    assert stored_facts(app) == before


def test_undoing_past_the_window_or_without_a_reason(app, ceremony, monkeypatch):
    api = Api(app, ceremony.desk_scanners["一号桌"])
    action_id = handover(api, ceremony, "户主1").get_json()["action_id"]
    before = stored_facts(app)
    # A number or a list is no reason either (a number once failed as a server error).
    for reason in ("", "   ", None, 3.45e16, ["签名不清"]):
        response = api.post(f"/actions/{action_id}/void", {"reason": reason})
        refused(response, 422, "invalid_field", "缺少字段或字段类型错误。", "reason")
    later = utcnow() + dt.timedelta(minutes=31)
    monkeypatch.setattr("eventdesk.core.actions.utcnow", lambda: later)
    late = void(api, action_id, "签名不清")
    refused(late, 409, "void_window_passed", "已超过30分钟，不能在此撤销；请联系组织人员。")
    assert stored_facts(app) == before
    # An organizer still may, with a reason.
    assert void(Api(app, ceremony.organizer), action_id, "签名不清").status_code == 200


@pytest.mark.parametrize(
    ("signature", "code", "message"),
    [
        ("我签了", "invalid_image", "无法识别该图片（须为 PNG 图像），请重新签名或拍摄。"),
        (
            "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0JFIF").decode(),
            "invalid_image",
            "无法识别该图片（须为 PNG 图像），请重新签名或拍摄。",
        ),
        (
            data_url(b"GIF89a" + bytes(40)),
            "invalid_image",
            "无法识别该图片（须为 PNG 图像），请重新签名或拍摄。",
        ),
        (
            data_url(png(300, 300) + bytes(100_000)),
            "image_too_large",
            "图片过大，请清除后重新签名（写小一些）。",
        ),
    ],
)
def test_a_signature_that_is_not_an_image_or_too_large(app, ceremony, signature, code, message):
    before = stored_facts(app)
    api = Api(app, ceremony.desk_scanners["一号桌"])
    response = handover(api, ceremony, "户主1", fields={"signature": signature})
    refused(response, 422, code, message, "signature")
    assert stored_facts(app) == before


def test_a_handover_without_a_signature(app, ceremony):
    before = stored_facts(app)
    api = Api(app, ceremony.desk_scanners["一号桌"])
    response = handover(api, ceremony, "户主1", fields={"signature": ""})
    refused(response, 422, "invalid_field", "缺少字段或字段类型错误。", "signature")
    assert stored_facts(app) == before


def test_a_handover_at_a_desk_of_another_activity(app, ceremony):
    with app.app_context():
        other = factories.activity(kind="handover", booths=1)
        other_desk = other.booths[0].id
        factories.db.session.commit()
    before = stored_facts(app)
    for token in (ceremony.scanner, ceremony.organizer):
        response = handover(Api(app, token), ceremony, "户主1", booth_id=other_desk)
        refused(response, 409, "wrong_booth", "展位不符：此设备或所选内容属于另一个展位。")
    # A desk-bound scanner at its ceremony, asked for the other desk of the same ceremony.
    bound = handover(
        Api(app, ceremony.desk_scanners["一号桌"]), ceremony, "户主1", booth_id=ceremony.desk("二号桌")
    )
    refused(bound, 409, "wrong_booth", "展位不符：此设备或所选内容属于另一个展位。")
    assert stored_facts(app) == before


def test_a_ticket_that_is_not_a_households(app, ceremony):
    with app.app_context():
        stranger = factories.registration(factories.db.session.get(Activity, ceremony.activity))
        token = stranger.token
        factories.db.session.commit()
    before = stored_facts(app)
    response = handover(Api(app, ceremony.scanner), ceremony, None, token=token)
    refused(response, 409, "not_a_household", "此票证不属于安置户：只有受邀安置户才能在此领取钥匙。")
    assert stored_facts(app) == before


def test_a_handover_at_the_entrance_or_without_a_ticket(app, ceremony):
    before = stored_facts(app)
    api = Api(app, ceremony.scanner)
    at_entrance = api.post(
        f"/activities/{ceremony.activity}/actions/handover",
        {"client_action_id": new_id(), "token": ceremony.ticket("户主1"), "fields": {"recipient": "head"}},
    )
    refused(at_entrance, 409, "not_offered", "本展位不登记此项。")
    no_ticket = handover(api, ceremony, None)
    refused(no_ticket, 422, "invalid_field", "缺少字段或字段类型错误。", "token")
    assert stored_facts(app) == before


# -- imports ------------------------------------------------------------------------------------------


def row_errors(stderr: str) -> dict[int, str]:
    """The bad rows an import reported: row number → "code [column]"."""
    return {int(row): code for row, code in re.findall(r"第 (\d+) 行：.*? \((\w+ \[\w+\])\)", stderr)}


def run_import(run_cli, tmp_path, activity_id, data, *extra, name="households.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return run_cli("import", "households", str(path), "--activity", str(activity_id), *extra)


def test_a_households_import_with_bad_rows(app, run_cli, tmp_path, ceremony):
    good = household_row(10)
    valid = household_row(11)["id_number"]
    bad_check_digit = household_row(11, id_number=valid[:17] + ("0" if valid[-1] != "0" else "1"))
    rows = [
        good,
        bad_check_digit,
        household_row(12, members="0"),
        household_row(13, programme="棚户区改造"),
        household_row(14, settlement=good["settlement"], building=good["building"], unit=good["unit"]),
        household_row(
            15, settlement=HEADS[0]["settlement"], building=HEADS[0]["building"], unit=HEADS[0]["unit"]
        ),
        household_row(16, members="三"),
        household_row(17, id_number=""),
        household_row(1, unit="901"),  # a head who already has a home here
    ]
    before = stored_facts(app)
    result = run_import(run_cli, tmp_path, ceremony.activity, write_xlsx(sheet_rows(rows)), name="h.xlsx")
    assert result.exit_code == 1
    assert row_errors(result.stderr) == {
        3: "invalid_id_number [id_number]",
        4: "invalid_members [members]",
        5: "unknown_programme [programme]",
        6: "home_taken [unit]",
        7: "home_taken [unit]",
        8: "invalid_members [members]",
        9: "invalid_id_number [id_number]",
        10: "head_has_household [head_name]",
    }
    assert "第 3 行：身份证号码无效，请核对。" in result.stderr
    assert "第 4 行：请填写家庭人口：1到30之间的整数。" in result.stderr
    assert "第 5 行：请填写项目类别：易地扶贫搬迁或危房改造。" in result.stderr
    assert "第 6 行：该房屋（安置点、楼栋、房号）已分配给另一户。" in result.stderr
    assert stored_facts(app) == before

    # Told to skip bad rows, the good one is invited with a ticket for its head.
    result = run_import(run_cli, tmp_path, ceremony.activity, write_csv(sheet_rows(rows)), "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "邀请1户" in result.stdout
    assert "跳过8行" in result.stdout
    after = stored_facts(app)
    assert after["handover_household"] == before["handover_household"] + 1
    assert after["registration"] == before["registration"] + 1


def test_a_households_import_without_a_column(app, run_cli, tmp_path, ceremony):
    table = [row[:-1] for row in sheet_rows([household_row(10)])]  # no 房号
    before = stored_facts(app)
    result = run_import(run_cli, tmp_path, ceremony.activity, write_csv(table))
    assert result.exit_code == 1
    assert "import_missing_column (unit): 表头缺少导入需要的列" in result.output
    assert stored_facts(app) == before


def test_a_households_import_into_another_kind_of_activity(app, run_cli, tmp_path):
    with app.app_context():
        consultation = factories.activity()
        factories.db.session.commit()
        activity_id = consultation.id
    result = run_import(run_cli, tmp_path, activity_id, write_csv(sheet_rows([household_row(10)])))
    assert result.exit_code == 1
    assert "此类名单不能导入这类活动。" in result.output


def test_a_households_import_with_english_headers_twice(app, run_cli, tmp_path, ceremony):
    """Not a bad input: the same list with English headers and codes, imported twice, invites once."""
    names = ("head_name", "id_number", "phone", "members", "origin_village", "programme", "settlement",
             "building", "unit")  # fmt: skip
    rows = [household_row(30), household_row(31, programme="Dangerous-house renovation")]
    table = [list(names), *([row[name] for name in names] for row in rows)]
    before = stored_facts(app)
    first = run_import(run_cli, tmp_path, ceremony.activity, write_csv(table))
    assert first.exit_code == 0, first.output
    assert "邀请2户" in first.stdout
    again = run_import(run_cli, tmp_path, ceremony.activity, write_csv(table))
    assert "已邀请过2户" in again.stdout
    after = stored_facts(app)
    assert after["handover_household"] == before["handover_household"] + 2
    assert after["registration"] == before["registration"] + 2
    with app.app_context():
        programmes = dict(
            db.session.execute(
                sa.select(Person.name, Household.programme)
                .join(Registration, Registration.id == Household.registration_id)
                .join(Person, Person.id == Registration.person_id)
            ).all()
        )
    assert (programmes["户主30"], programmes["户主31"]) == ("relocation", "renovation")
