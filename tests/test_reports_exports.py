"""Files: the tally and an activity's lists as XLSX and CSV, over HTTP and from the command line."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from eventdesk.core.models import Activity
from eventdesk.core.services import registrations
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api
from tests.support.scripted import scripted_day

FULL_PHONE = "13987654321"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def day(app):
    return scripted_day(app)


def signed_in(app, client, role="organizer", scopes=()):
    with app.app_context():
        user = factories.user(role, scopes=scopes)
        db.session.commit()
        email = user.email
    client.login(email)
    return client


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_tally_xlsx_has_chinese_headers_frozen_and_typed_cells(app, client, day):
    signed_in(app, client)
    book = workbook(client.get(f"/reports/tally.xlsx?date={day['day'].isoformat()}"))
    assert book.sheetnames == ["各活动", "各展位", "汇总", "全部数据"]
    activities = book["各活动"]
    headers = [cell.value for cell in activities[1]]
    assert headers[:6] == ["序号", "日期", "区县", "地点", "活动", "类型"]
    assert "到场人数" in headers
    assert "报名人数" in headers
    assert activities.freeze_panes == "A2"
    assert activities.column_dimensions["E"].width >= 8
    first = {h: c.value for h, c in zip(headers, activities[2], strict=True)}
    assert isinstance(first["日期"], dt.datetime)
    assert first["日期"].date() == day["day"]
    assert first["序号"] == 1
    assert first["到场人数"] == 7
    assert isinstance(first["到场人数"], int)

    booths = book["各展位"]
    booth_headers = [cell.value for cell in booths[1]]
    desk = next(row for row in booths.iter_rows(min_row=2, values_only=True) if row[4] == "金融咨询台")
    assert dict(zip(booth_headers, desk, strict=True))["部门"] == "市金融办"
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)


def test_tally_xlsx_in_english(app, client, day):
    with app.app_context():
        fair = db.session.get(Activity, day["fair"])
        fair.cooperators.append(factories.department(name="市民政局"))
        db.session.commit()
    signed_in(app, client)
    response = client.get(f"/reports/tally.xlsx?date={day['day'].isoformat()}&lang=en")
    book = workbook(response)
    assert book.sheetnames == ["By activity", "By booth", "Totals", "All figures"]
    headers = [c.value for c in book["By activity"][1]]
    assert headers[:4] == ["No.", "Date", "District", "Site"]
    sheet = book["By activity"]
    rows = [dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    [cooperators] = [row["Cooperating departments"] for row in rows if row["Cooperating departments"]]
    assert len(cooperators.split(", ")) == 2
    assert "、" not in cooperators
    # The English file is not named as the Chinese one.
    chinese = client.get(f"/reports/tally.xlsx?date={day['day'].isoformat()}&lang=zh_Hans")
    english_name = response.headers["Content-Disposition"]
    assert f"tally-{day['day'].isoformat()}.xlsx" in english_name
    assert chinese.headers["Content-Disposition"] != english_name
    assert "%E5%BD%93%E6%97%A5%E7%BB%9F%E8%AE%A1" in chinese.headers["Content-Disposition"]  # 当日统计


def test_every_figure_of_the_long_tally_is_named_in_the_readers_language(app, client, day):
    signed_in(app, client)
    rows = csv_rows(client.get(f"/reports/tally.csv?date={day['day'].isoformat()}"))
    header, body = rows[0], rows[1:]
    named = {(row[header.index("展位")] != "", row[header.index("指标代码")]): row[header.index("指标")]
             for row in body}  # fmt: skip
    assert named[(True, "visits")] == "凭票接待人次"
    assert named[(True, "walk_ins")] == "无票接待人次"  # at a booth, walk-ins are visits
    assert named[(False, "walk_ins")] == "未登记到场人数"
    assert all(label != code for (_, code), label in named.items())


def test_tally_csv_starts_with_bom_and_round_trips(app, client, day):
    signed_in(app, client)
    rows = csv_rows(client.get(f"/reports/tally.csv?date={day['day'].isoformat()}"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["序号", "日期", "区县", "地点"]
    api = app.test_client().get(
        f"/api/v1/tally?date={day['day'].isoformat()}",
        headers={"Authorization": f"Bearer {factories_token(app)}"},
    )
    expected = [
        [str(number), r["date"], r["district"], r["site"], r["activity"], r["metric"], str(r["value"]),
         r["department"] or ""]
        for number, r in enumerate(api.get_json()["rows"], start=1)
    ]  # fmt: skip
    index = {name: header.index(name) for name in header}
    found = [
        [row[index[n]] for n in ("序号", "日期", "区县", "地点", "活动", "指标代码", "数值", "部门")]
        for row in body
    ]  # fmt: skip
    assert found == expected


def factories_token(app):
    with app.app_context():
        token = factories.staff_token(factories.user("admin"))
        db.session.commit()
    return token


@pytest.fixture
def people(app):
    """An activity with a booth, two registered people (one with an ID number), one checked in."""
    with app.app_context():
        activity = factories.activity(booths=1)
        ticket = registrations.register(
            activity,
            registrations.RegistrationRequest(
                name="王秀兰", phone=FULL_PHONE, consent=True, id_number=ID_NUMBER
            ),
            source="staff",
        )
        factories.registration(activity, factories.person(name="=HYPERLINK(1)"))
        scanner = factories.scanner_token(activity)
        db.session.commit()
        data = {
            "activity": activity.id,
            "day": activity.day,
            "token": ticket.token,
            "booth": activity.booths[0].id,
        }
    api = Api(app, scanner)
    assert api.scan(data["token"])["result"] == "accepted"
    assert api.scan(data["token"], booth_id=data["booth"])["result"] == "accepted"
    return data


def test_lists_in_full_for_an_organizer_of_the_activity(app, client, people):
    signed_in(app, client)
    book = workbook(client.get(f"/reports/activities/{people['activity']}/lists/registrations.xlsx"))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["序号", "票码", "姓名", "手机号码", "身份证号码"]
    assert sheet.freeze_panes == "A2"
    values = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    wang = next(v for v in values if v["姓名"] == "王秀兰")
    assert wang["手机号码"] == FULL_PHONE
    assert wang["身份证号码"] == "1101**********002X"  # ID numbers are not kept in full at all
    assert isinstance(wang["序号"], int)
    assert isinstance(wang["报名时间"], dt.datetime)
    # A name that looks like a formula stays text.
    cell = next(c for c in sheet["C"] if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"

    rows = csv_rows(client.get(f"/reports/activities/{people['activity']}/lists/checkins.csv"))
    assert rows[0][:4] == ["序号", "时间", "日期", "地点"]
    assert len(rows) == 3  # header, the entrance check-in, the booth visit
    assert {row[3] for row in rows[1:]} == {"入口", "展位" + rows[2][3].removeprefix("展位")}
    assert all(FULL_PHONE in row for row in rows[1:])


def test_lists_are_masked_for_staff_without_the_right(app, client, people):
    signed_in(app, client, "staff", scopes=[{"activity_id": people["activity"]}])
    response = client.get(f"/reports/activities/{people['activity']}/lists/registrations.csv")
    text = response.data.decode("utf-8-sig")
    assert FULL_PHONE not in text
    assert ID_NUMBER not in text
    assert "139****4321" in text
    assert "1101**********002X" in text
    assert "王秀兰" not in text
    assert "王*兰" in text
    book = workbook(client.get(f"/reports/activities/{people['activity']}/lists/checkins.xlsx"))
    cells = [str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row if v is not None]
    assert not any(FULL_PHONE in value for value in cells)
    # The lists page says so.
    page = client.get(f"/reports/activities/{people['activity']}/lists").get_data(as_text=True)
    assert "已隐去" in page


def test_lists_refuse_those_who_cannot_see_the_activity(app, client, people):
    with app.app_context():
        elsewhere = factories.activity()
        db.session.commit()
        other = elsewhere.id
    signed_in(app, client, "staff", scopes=[{"activity_id": other}])
    assert client.get(f"/reports/activities/{people['activity']}/lists/registrations.csv").status_code == 403
    assert client.get(f"/reports/activities/{other}/lists/nothing.csv").status_code == 404


def test_checkins_of_one_day(app, client, people):
    signed_in(app, client)
    other_day = (people["day"] - dt.timedelta(days=1)).isoformat()
    rows = csv_rows(
        client.get(f"/reports/activities/{people['activity']}/lists/checkins.csv?date={other_day}")
    )
    assert len(rows) == 1  # the header only
    rows = csv_rows(
        client.get(
            f"/reports/activities/{people['activity']}/lists/checkins.csv?date={people['day'].isoformat()}"
        )
    )
    assert len(rows) == 3


def test_export_command_writes_valid_files(app, run_cli, day, tmp_path):
    target = tmp_path / "tally.xlsx"
    result = run_cli(
        "export", "tally", "--date", day["day"].isoformat(), "--format", "xlsx", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "各活动"
    assert book["各活动"].freeze_panes == "A2"

    target = tmp_path / "tally.csv"
    result = run_cli(
        "export",
        "tally",
        "--date",
        day["day"].isoformat(),
        "--format",
        "csv",
        "-o",
        str(target),
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["No.", "Date"]
    with app.app_context():
        fair = db.session.get(Activity, day["fair"])
        assert any(row[4] == fair.name and row[9] == "attendance" and row[10] == "7" for row in rows[1:])
