"""The ceremony's pages: the desk (find by letter, name or ID tail; hand over with a signature; undo),
the organizers' live lists, letters and their wording, receipts, the households' upload, the
absent list to download, the dashboard's tiles and the written report's section. ID numbers are
never shown in full."""

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eventdesk.activities.handover.models import Handover, Household, Letter
from eventdesk.core.models import Action, AuditLog
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id
from tests.support.client import Client
from tests.support.handover import (
    PROXY,
    SIGNATURE,
    build_ceremony,
    confirm_import,
    handover,
    household_row,
    preview_households,
    scan_letter,
    sheet_rows,
    stored_facts,
)
from tests.support.openapi import check
from tests.support.spreadsheets import write_xlsx

ROWS = [
    household_row(1),
    household_row(2, "renovation"),
    household_row(3),
    household_row(4, "renovation"),
    household_row(6),
]


@pytest.fixture
def ceremony(app):
    return build_ceremony(app, ROWS)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def signed_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def base(ceremony) -> str:
    return f"/manage/activities/{ceremony.activity}/handover"


def no_full_id_number(html: str) -> None:
    for row in ROWS:
        assert row["id_number"] not in html


def handed_over(app, ceremony, head) -> Handover | None:
    with app.app_context():
        return db.session.scalar(
            sa.select(Handover).where(
                Handover.household_id == ceremony.households[head][2], Handover.voided_at.is_(None)
            )
        )


# -- the desk --------------------------------------------------------------------------------------


def test_the_desk_finds_a_household_by_letter_name_or_id_tail(app, ceremony):
    client = signed_in(app, ceremony.desk_staff_email)
    desk = ceremony.desk()
    scanned = scan_letter(client, ceremony.activity, desk, f"http://x/t/{ceremony.ticket('户主3')}")
    assert scanned.status_code == 302
    by_letter = client.get(scanned.headers["Location"])
    html = by_letter.get_data(as_text=True)
    # Scanned at the desk, the household is present (checked in by a visit at the desk).
    assert 'data-present="yes"' in html
    with app.app_context():
        figures = tally_service.stored()
        assert figures == tally_service.facts()
        assert sum(v for k, v in figures.items() if k[3] == "households_present") == 1
        assert sum(v for k, v in figures.items() if k[3] == "visits" and k[2] == desk) == 1
    assert f'data-household="{ceremony.households["户主3"][2]}"' in html
    assert "户主3" in html
    assert "阳光新村" in html
    no_full_id_number(html)
    shown = ROWS[2]["id_number"]
    assert f"{shown[:4]}{'*' * 10}{shown[-4:]}" in html  # masked, its tail kept to check the card
    assert "data-signature-pad" in html
    assert "signature-pad.js" in html

    tail = ROWS[1]["id_number"][-4:]
    by_tail = text_of(client.get(f"{base(ceremony)}/desk?booth={desk}&q={tail}").get_data(as_text=True))
    assert "请选择安置户" in by_tail
    assert "户主2" in by_tail
    assert "户主4" not in by_tail
    by_name = text_of(client.get(f"{base(ceremony)}/desk?booth={desk}&q=户主4").get_data(as_text=True))
    assert "户主4" in by_name
    assert "户主2" not in by_name
    before = stored_facts(app)
    nobody = scan_letter(client, ceremony.activity, desk, "ZZZZZZZZ")
    assert nobody.status_code == 404
    assert "未找到安置户" in nobody.get_data(as_text=True)
    assert stored_facts(app) == before
    # A household found by name is shown, not yet present.
    household = ceremony.households["户主4"][2]
    chosen = client.get(f"{base(ceremony)}/desk?booth={desk}&household={household}").get_data(as_text=True)
    assert 'data-present="no"' in chosen


def test_keys_handed_to_the_head_with_a_signature_then_a_receipt(app, ceremony):
    client = signed_in(app, ceremony.desk_staff_email)
    household_id = ceremony.households["户主1"][2]
    url = f"{base(ceremony)}/desk?booth={ceremony.desk()}&household={household_id}"
    page = client.get(url).get_data(as_text=True)
    action_id = re.search(r'name="client_action_id"[^>]*value="([^"]+)"', page).group(1)
    post = f"{base(ceremony)}/desk/{household_id}?booth={ceremony.desk()}"
    form = {"client_action_id": action_id, "recipient": "head", "signature": SIGNATURE}
    response = client.post_form(post, form, form_url=url)
    assert response.status_code == 302
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "钥匙已交付" in done
    assert "确认单" in done
    handover_row = handed_over(app, ceremony, "户主1")
    assert handover_row.recipient == "head"
    assert handover_row.signature.startswith(b"\x89PNG")
    # Pressed again (the same form): a replay, not a second handover.
    assert client.post_form(post, form, form_url=url).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Handover)) == 1
        assert tally_service.stored() == tally_service.facts()

    receipt = client.get(f"{base(ceremony)}/households/{household_id}/receipt").get_data(as_text=True)
    assert "钥匙交接确认单" in receipt
    assert "户主本人" in receipt
    assert 'src="data:image/png;base64,' in receipt
    with app.app_context():
        staff_name = db.session.scalar(sa.select(Action.device).where(Action.name == "handover"))
    assert staff_name.startswith("Staff")
    assert staff_name in receipt  # who took the signature, and when
    no_full_id_number(receipt)
    # English readers get the same Chinese receipt, and English around it.
    english = client.get(
        f"{base(ceremony)}/households/{household_id}/receipt", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "钥匙交接确认单" in english
    assert "Print" in english


def test_a_proxy_at_the_desk_and_the_refusals_shown_beside_the_fields(app, ceremony):
    client = signed_in(app, ceremony.organizer_email)
    household_id = ceremony.households["户主2"][2]
    url = f"{base(ceremony)}/desk?booth={ceremony.desk('二号桌')}&household={household_id}"
    post = f"{base(ceremony)}/desk/{household_id}?booth={ceremony.desk('二号桌')}"
    before = stored_facts(app)
    incomplete = {
        "client_action_id": new_id(),
        "recipient": "proxy",
        "proxy_name": "李四",
        "signature": SIGNATURE,
    }
    response = client.post_form(post, incomplete, form_url=url)
    assert response.status_code == 422
    assert "须填写代领人姓名、与户主关系及其身份证号后4位" in response.get_data(as_text=True)
    unsigned = {"client_action_id": new_id(), "recipient": "head", "signature": ""}
    assert client.post_form(post, unsigned, form_url=url).status_code == 422
    not_png = {
        "client_action_id": new_id(),
        "recipient": "head",
        "signature": "data:image/png;base64,aGVsbG8=",
    }
    refused = client.post_form(post, not_png, form_url=url)
    assert refused.status_code == 422
    assert "无法识别该图片" in refused.get_data(as_text=True)
    assert stored_facts(app) == before

    proxy = {
        "client_action_id": new_id(),
        "recipient": "proxy",
        **PROXY,
        "proxy_id_tail": "123x",
        "signature": SIGNATURE,
    }
    assert client.post_form(post, proxy, form_url=url).status_code == 302
    row = handed_over(app, ceremony, "户主2")
    assert (row.recipient, row.proxy_name, row.proxy_relation, row.proxy_id_tail) == (
        "proxy",
        "李四",
        "儿子",
        "123X",
    )
    again = client.post_form(post, {**proxy, "client_action_id": new_id()}, form_url=url)
    assert again.status_code == 409
    assert "该户钥匙已交付" in again.get_data(as_text=True)
    receipt = client.get(f"{base(ceremony)}/households/{household_id}/receipt").get_data(as_text=True)
    assert "代领人李四" in receipt
    assert "123X" in receipt


def test_an_undo_at_the_desk_needs_a_reason_and_is_audited(app, ceremony):
    api = Api(app, ceremony.desk_staff)
    action_id = handover(api, ceremony, "户主3").get_json()["action_id"]
    client = signed_in(app, ceremony.desk_staff_email)
    desk_url = f"{base(ceremony)}/desk?booth={ceremony.desk()}"
    undo = f"{base(ceremony)}/handovers/{action_id}/undo"
    before = stored_facts(app)
    refused = client.post_form(undo, {"reason": ""}, form_url=desk_url)
    assert refused.status_code == 422
    assert "缺少字段或字段类型错误" in refused.get_data(as_text=True)
    assert stored_facts(app) == before
    assert client.post_form(undo, {"reason": "签错名字"}, form_url=desk_url).status_code == 302
    assert handed_over(app, ceremony, "户主3") is None
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "action.voided"))
        assert entry.details["reason"] == "签错名字"
        assert tally_service.stored() == tally_service.facts()
    page = client.get(desk_url).get_data(as_text=True)
    assert "已撤销" in page or "Undone" in page


def test_a_desk_of_someone_else_is_not_theirs(app, ceremony):
    client = signed_in(app, ceremony.desk_staff_email)
    household_id = ceremony.households["户主1"][2]
    other = ceremony.desk("二号桌")
    assert client.get(f"{base(ceremony)}/desk?booth={other}").status_code == 403
    with app.app_context():
        stranger = factories.user("staff", scopes=[{"activity_id": factories.activity().id}])
        db.session.commit()
        email = stranger.email
    outsider = signed_in(app, email)
    assert outsider.get(f"{base(ceremony)}/desk").status_code == 403
    assert outsider.get(f"{base(ceremony)}/households/{household_id}/receipt").status_code == 403


# -- the organizers' page, lists and figures ----------------------------------------------------------


def test_the_organizers_see_present_handed_over_and_absent_live(app, ceremony):
    scanner = Api(app, ceremony.scanner)
    assert scanner.scan(ceremony.ticket("户主1"))["result"] == "accepted"
    assert scanner.scan(ceremony.ticket("户主2"))["result"] == "accepted"
    assert handover(Api(app, ceremony.desk_scanners["一号桌"]), ceremony, "户主2").status_code == 201
    assert (
        handover(
            Api(app, ceremony.desk_scanners["二号桌"]),
            ceremony,
            "户主3",
            "proxy",
            booth_id=ceremony.desk("二号桌"),
            fields=PROXY,
        ).status_code
        == 201
    )
    client = signed_in(app, ceremony.organizer_email)
    page = client.get(base(ceremony)).get_data(as_text=True)
    assert 'data-fragment="' in page
    assert "dashboard.js" in page

    def section(html, state):
        return text_of(html.split(f'id="households-{state}"')[1].split("</section>")[0])

    present, handed, absent = (section(page, state) for state in ("present", "handed_over", "absent"))
    assert "户主1" in present
    assert "户主2" not in present
    assert "户主2" in handed
    assert "户主3" in handed
    assert "李四 (儿子)" in handed
    assert "户主4" in absent
    assert "户主6" in absent
    assert "户主1" not in absent
    assert "幸福家园 · 1号楼" in absent  # 户主4 and 户主6, by settlement and building
    no_full_id_number(page)
    assert ROWS[0]["phone"] not in page  # phones masked

    # The live part follows the next handover.
    assert handover(Api(app, ceremony.desk_scanners["一号桌"]), ceremony, "户主1").status_code == 201
    live = client.get(f"{base(ceremony)}/live").get_data(as_text=True)
    assert "户主1" in section(live, "handed_over")
    assert 'data-count="present">0<' in live
    figures = dict(re.findall(r'data-figure="(\w+)">(\d+)', live))
    assert figures == {
        "households_invited": "5",
        "households_present": "3",
        "keys_handed_over": "3",
        "people_rehoused": str(sum(int(r["members"]) for r in ROWS[:3])),
    }


def test_the_absent_list_downloads_as_xlsx_and_csv(app, ceremony):
    scanner = Api(app, ceremony.scanner)
    assert scanner.scan(ceremony.ticket("户主1"))["result"] == "accepted"
    assert handover(Api(app, ceremony.desk_scanners["一号桌"]), ceremony, "户主2").status_code == 201
    organizer = signed_in(app, ceremony.organizer_email)
    url = f"/reports/activities/{ceremony.activity}/lists/absent_households"
    workbook = load_workbook(io.BytesIO(organizer.get(f"{url}.xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    head, id_number = rows[0].index("户主"), rows[0].index("身份证号码")
    heads = sorted(row[head] for row in rows[1:])
    assert heads == ["户主3", "户主4", "户主6"]
    shown = {row[id_number] for row in rows}
    assert ROWS[2]["id_number"] not in shown  # kept masked only, even for those who manage it
    assert ROWS[2]["id_number"][:4] + "*" * 10 + ROWS[2]["id_number"][-4:] in shown
    csv_text = organizer.get(f"{url}.csv").data.decode("utf-8-sig")
    assert "户主4" in csv_text
    assert "户主1" not in csv_text
    assert "户主2" not in csv_text
    # Every household with where its keys stand.
    every = organizer.get(f"/reports/activities/{ceremony.activity}/lists/households.csv").data.decode(
        "utf-8-sig"
    )
    lines = {line.split(",")[4]: line for line in every.splitlines()[1:]}
    assert "已到场，待领钥匙" in lines["户主1"]
    assert "已领钥匙" in lines["户主2"]
    assert "户主本人" in lines["户主2"]
    assert "未到场" in lines["户主3"]
    # Desk staff read it masked.
    staff = signed_in(app, ceremony.desk_staff_email)
    masked = staff.get(f"{url}.csv").data.decode("utf-8-sig")
    assert ROWS[2]["id_number"] not in masked
    assert ROWS[2]["phone"] not in masked


def test_the_dashboard_tiles_and_the_written_report(app, ceremony):
    assert handover(Api(app, ceremony.desk_scanners["一号桌"]), ceremony, "户主1").status_code == 201
    assert handover(Api(app, ceremony.desk_scanners["一号桌"]), ceremony, "户主2").status_code == 201
    client = signed_in(app, ceremony.organizer_email)
    board = client.get("/dashboard/")
    assert board.status_code == 200
    html = board.get_data(as_text=True)
    card = html.split(f'id="activity-{ceremony.activity}"')[1].split("</article>")[0]
    figures = dict(re.findall(r'data-figure="(\w+)">(\d+)', card))
    assert (figures["households_invited"], figures["households_present"], figures["keys_handed_over"]) == (
        "5",
        "2",
        "2",
    )
    assert figures["households_absent"] == "3"
    assert "易地搬迁1户，危房改造1户" in text_of(card)
    report = text_of(client.get("/reports/written/city").get_data(as_text=True))
    people = int(ROWS[0]["members"]) + int(ROWS[1]["members"])
    assert "安全住房集中交钥匙" in report
    assert (
        f"交付新居钥匙2户、安置{people}人，其中易地扶贫搬迁1户（{ROWS[0]['members']}人），危房改造1户（{ROWS[1]['members']}人）"
        in report
    )


# -- letters, receipts, upload ------------------------------------------------------------------------


def test_letters_one_a_page_sorted_with_qr_code_and_the_wording_an_organizer_edits(app, ceremony):
    client = signed_in(app, ceremony.organizer_email)
    html = client.get(f"{base(ceremony)}/letters", headers={"Accept-Language": "en"}).get_data(as_text=True)
    letters = html.split('<article class="a4-page letter"')[1:]
    assert len(letters) == len(ROWS)
    order = [re.search(r"(户主\d+)", letter).group(1) for letter in letters]
    homes = sorted((row["settlement"], row["building"], row["unit"], row["head_name"]) for row in ROWS)
    assert order == [home[3] for home in homes]
    first = letters[0]
    assert "<svg" in first
    assert "安全住房集中交钥匙仪式邀请函" in first
    assert "请携带" in first
    assert "户口簿" in first
    assert "新居地址" in first
    assert "票码" in first
    no_full_id_number(html)
    only = client.get(f"{base(ceremony)}/letters?settlement=阳光新村").get_data(as_text=True)
    assert only.count('<article class="a4-page letter"') == sum(
        1 for row in ROWS if row["settlement"] == "阳光新村"
    )

    form = {
        "title": "交钥匙仪式通知",
        "body": "{head}同志：\n请到场领取{settlement}{building}{unit}的钥匙。",
        "place": "幸福家园广场",
        "meeting_time": "10月17日上午9点",
        "bring": "身份证\n户口簿",
    }
    saved = client.post_form(f"{base(ceremony)}/letter", form)
    assert saved.status_code == 302
    letters = client.get(f"{base(ceremony)}/letters").get_data(as_text=True)
    assert "交钥匙仪式通知" in letters
    assert "户主1同志：" in letters
    assert "幸福家园广场" in letters
    assert f"请到场领取{ROWS[0]['settlement']}{ROWS[0]['building']}{ROWS[0]['unit']}的钥匙。" in letters
    with app.app_context():
        assert db.session.get(Letter, ceremony.activity).place == "幸福家园广场"
    before = stored_facts(app)
    bad = client.post_form(f"{base(ceremony)}/letter", {**form, "title": ""})
    assert bad.status_code == 400
    # Only those who manage the ceremony change the wording.
    staff = signed_in(app, ceremony.desk_staff_email)
    assert staff.get(f"{base(ceremony)}/letter").status_code == 403
    assert stored_facts(app) == before


def test_the_receipts_of_the_day_print_together(app, ceremony):
    api = Api(app, ceremony.desk_scanners["一号桌"])
    for head in ("户主1", "户主4"):
        assert handover(api, ceremony, head).status_code == 201
    client = signed_in(app, ceremony.organizer_email)
    html = client.get(f"{base(ceremony)}/receipts?date={ceremony.day.isoformat()}").get_data(as_text=True)
    assert html.count('<article class="a4-page receipt"') == 2
    assert html.count('src="data:image/png;base64,') == 2
    other_day = client.get(f"{base(ceremony)}/receipts?date=2020-01-01").get_data(as_text=True)
    assert "当天没有交付钥匙" in other_day
    assert client.get(f"{base(ceremony)}/receipts?date=yesterday").status_code == 400


def test_an_organizer_uploads_households_on_the_activity_s_import_page(app, ceremony):
    client = signed_in(app, ceremony.organizer_email)
    page = client.get(f"/manage/activities/{ceremony.activity}/imports").get_data(as_text=True)
    assert "集中交钥匙仪式的安置户" in page
    ceremony_page = client.get(base(ceremony)).get_data(as_text=True)
    assert f'href="/manage/activities/{ceremony.activity}/imports"' in ceremony_page
    rows = [
        household_row(20),
        household_row(21, members="0"),
        household_row(20),
        household_row(22, "renovation"),
    ]
    before = stored_facts(app)
    preview = preview_households(client, ceremony.activity, write_xlsx(sheet_rows(rows)), "安置户.xlsx")
    html = text_of(preview)
    assert "请填写家庭人口：1到30之间的整数。" in html  # row 3
    assert "第 4 行：与本文件第 2 行重复，只计一次。" in html
    assert stored_facts(app) == before  # a preview keeps nothing

    response = confirm_import(client, ceremony.activity, preview, skip_bad=True)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Household)) == len(ROWS) + 2
    staff = signed_in(app, ceremony.desk_staff_email)
    assert staff.get(f"/manage/activities/{ceremony.activity}/imports").status_code == 403


def test_the_desk_s_actions_and_answers_as_the_api_describes_them(app, ceremony):
    api = Api(app, ceremony.desk_scanners["一号桌"])
    document = api.get("/openapi.json").get_json()
    described = api.get(f"/activities/{ceremony.activity}/actions?booth_id={ceremony.desk()}")
    check(document, "/activities/{activity_id}/actions", "get", described)
    [action] = described.get_json()["actions"]
    fields = {field["name"]: field for field in action["fields"]}
    assert fields["signature"] == {
        "name": "signature",
        "label": "领取人签名",
        "type": "image",
        "required": True,
        "max_bytes": 100_000,
    }
    assert [choice["value"] for choice in fields["recipient"]["choices"]] == ["head", "proxy"]
    check(document, "/activities/{activity_id}/actions/{name}", "post", handover(api, ceremony, "户主1"))


def test_letters_go_building_by_building_as_numbered(app):
    rows = [
        household_row(1, settlement="幸福家园", building="10号楼", unit="101"),
        household_row(2, settlement="幸福家园", building="2号楼", unit="1201"),
        household_row(3, settlement="幸福家园", building="2号楼", unit="301"),
        household_row(4, settlement="阳光新村", building="1号楼", unit="101"),
    ]
    ceremony = build_ceremony(app, rows)
    client = signed_in(app, ceremony.organizer_email)
    html = client.get(f"{base(ceremony)}/letters").get_data(as_text=True)
    order = [
        re.search(r"(户主\d+)", page).group(1) for page in html.split('<article class="a4-page letter"')[1:]
    ]
    assert order == ["户主3", "户主2", "户主1", "户主4"]


def test_the_head_s_ticket_shows_the_new_home_and_the_keys(app, ceremony):
    ticket = f"/t/{ceremony.ticket('户主1')}"
    page = text_of(Client(app).get(ticket).get_data(as_text=True))
    assert "您的新居" in page
    assert f"{ROWS[0]['settlement']} {ROWS[0]['building']} {ROWS[0]['unit']}" in page
    assert "请在交钥匙台出示此票证领取钥匙" in page
    assert ROWS[0]["id_number"] not in page
    assert handover(Api(app, ceremony.desk_scanners["一号桌"]), ceremony, "户主1").status_code == 201
    assert "钥匙已领取" in text_of(Client(app).get(ticket).get_data(as_text=True))


def test_the_activity_s_page_links_to_the_ceremony_and_its_desk(app, ceremony):
    client = signed_in(app, ceremony.organizer_email)
    html = client.get(f"/manage/activities/{ceremony.activity}").get_data(as_text=True)
    assert f'href="{base(ceremony)}"' in html
    assert f'href="{base(ceremony)}/desk"' in html
