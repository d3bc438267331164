"""``flask import people|checkins``: spreadsheet files in, registrations and check-ins out,
all or nothing unless --skip-bad."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from eventdesk.core.models import Registration, Scan
from eventdesk.core.services import registrations
from eventdesk.extensions import db
from tests.support import factories
from tests.support.tickets import count, counts, registration_of, tally

VALID_ID = "11010519491231002X"
BAD_ID = "110105194912310021"


@pytest.fixture
def activity_id(app):
    with app.app_context():
        activity = factories.activity()
        db.session.commit()
        return activity.id


def write_csv(path, rows, encoding="utf-8-sig"):
    path.write_bytes("\r\n".join(",".join(str(cell) for cell in row) for row in rows).encode(encoding))
    return path


def write_xlsx(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def run_import(run_cli, kind, path, activity_id, *extra):
    return run_cli("import", kind, str(path), "--activity", str(activity_id), *extra)


PEOPLE = [
    ("姓名", "手机号", "身份证号", "村镇"),
    ("张三", "13800000001", VALID_ID, "阳光村"),
    ("李四", "138 0000 0002", "", "青山镇"),
    ("王五", "13800000003", "", ""),
]


# -- people ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_people_from_csv(app, run_cli, tmp_path, activity_id, encoding):
    path = write_csv(tmp_path / "people.csv", PEOPLE, encoding)
    result = run_import(run_cli, "people", path, activity_id)
    assert result.exit_code == 0, result.output
    assert "3" in result.stdout
    zhang = registration_of(app, activity_id, "张三")
    assert zhang.source == "import"
    assert zhang.consent_at is None
    assert registration_of(app, activity_id, "李四") is not None
    assert counts(app) == {"people": 3, "registrations": 3, "scans": 0}
    assert tally(app, activity_id, "registered") == 3


def test_people_from_excel_unicode_text(app, run_cli, tmp_path, activity_id):
    path = tmp_path / "people.txt"
    path.write_bytes("姓名\t手机号\r\n张三\t13800000001\r\n".encode("utf-16"))
    result = run_import(run_cli, "people", path, activity_id)
    assert result.exit_code == 0, result.output
    assert registration_of(app, activity_id, "张三") is not None


def test_people_from_xlsx_with_english_headers_and_numeric_phones(app, run_cli, tmp_path, activity_id):
    rows = [
        ("EventDesk list, 17 October",),  # a title row above the header
        ("Name", "Phone", "ID number", "Village", "Notes"),
        ("Zhang San", 13800000001, VALID_ID, "Sunshine", "first"),
        ("Li Si", 13800000002.0, None, None, None),
        (None, None, None, None, None),  # an empty row is skipped
    ]
    result = run_import(run_cli, "people", write_xlsx(tmp_path / "people.xlsx", rows), activity_id)
    assert result.exit_code == 0, result.output
    assert counts(app)["registrations"] == 2
    with app.app_context():
        from eventdesk.core.models import Person

        assert sorted(db.session.scalars(sa.select(Person.phone))) == ["13800000001", "13800000002"]


def test_bad_rows_are_listed_and_nothing_is_imported(app, run_cli, tmp_path, activity_id):
    rows = [
        *PEOPLE,
        ("赵六", "12345", "", ""),
        ("孙七", "13800000007", BAD_ID, ""),
        ("", "13800000008", "", ""),
    ]
    result = run_import(run_cli, "people", write_csv(tmp_path / "people.csv", rows), activity_id)
    assert result.exit_code == 1
    assert "第 5 行" in result.stderr
    assert "invalid_phone" in result.stderr
    assert "第 6 行" in result.stderr
    assert "invalid_id_number" in result.stderr
    assert "第 7 行" in result.stderr
    assert "invalid_name" in result.stderr
    assert "import_rejected" in result.stderr
    assert counts(app) == {"people": 0, "registrations": 0, "scans": 0}
    assert tally(app, activity_id, "registered") == 0


def test_skip_bad_imports_the_good_rows(app, run_cli, tmp_path, activity_id):
    rows = [*PEOPLE, ("赵六", "12345", "", "")]
    result = run_import(
        run_cli, "people", write_csv(tmp_path / "people.csv", rows), activity_id, "--skip-bad"
    )
    assert result.exit_code == 0, result.output
    assert "第 5 行" in result.stderr
    assert "跳过 1 行" in result.stdout
    assert counts(app) == {"people": 3, "registrations": 3, "scans": 0}


def test_importing_the_same_people_twice_registers_them_once(app, run_cli, tmp_path, activity_id):
    path = write_csv(tmp_path / "people.csv", PEOPLE)
    assert run_import(run_cli, "people", path, activity_id).exit_code == 0
    result = run_import(run_cli, "people", path, activity_id)
    assert result.exit_code == 0, result.output
    assert "之前已报名 3 人" in result.stdout
    assert counts(app)["registrations"] == 3
    assert tally(app, activity_id, "registered") == 3


def test_capacity_is_respected(app, run_cli, tmp_path):
    with app.app_context():
        activity_id = factories.activity(capacity=2).id
        db.session.commit()
    result = run_import(run_cli, "people", write_csv(tmp_path / "people.csv", PEOPLE), activity_id)
    assert result.exit_code == 1
    assert "第 4 行" in result.stderr
    assert "capacity_full" in result.stderr
    assert counts(app)["registrations"] == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "import_missing_column"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "import_unreadable"),
        (b"PK\x03\x04not really a workbook", "import_unreadable"),
        ("序号,备注\r\n1,无\r\n".encode(), "import_missing_column"),
        ("姓名,村镇\r\n张三,阳光村\r\n".encode(), "import_missing_column"),
        ("姓名,手机号\r\n".encode(), "import_empty"),
        (b"\xff\xfe\x00\x00\x00garbage\x00", "import_unreadable"),
    ],
)
def test_unusable_files_are_refused(app, run_cli, tmp_path, activity_id, content, code):
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    result = run_import(run_cli, "people", path, activity_id)
    assert result.exit_code == 1
    assert code in result.output
    assert counts(app)["registrations"] == 0


def test_unknown_activity_is_refused(run_cli, tmp_path):
    result = run_import(run_cli, "people", write_csv(tmp_path / "people.csv", PEOPLE), 999999)
    assert result.exit_code == 1
    assert "999999" in result.output


# -- check-ins from paper lists -------------------------------------------------------------------


@pytest.fixture
def registered(app, activity_id):
    """Three people registered at the activity, and one at another activity of the event."""
    with app.app_context():
        from eventdesk.core.models import Activity

        activity = db.session.get(Activity, activity_id)
        tickets = {}
        for name, phone in [("张三", "13800000001"), ("李四", "13800000002"), ("王五", "13800000003")]:
            registration = registrations.register(
                activity, registrations.RegistrationRequest(name=name, phone=phone, consent=True)
            )
            tickets[name] = registration.ticket_code
        other = factories.activity(activity.event)
        tickets["elsewhere"] = registrations.register(
            other, registrations.RegistrationRequest(name="赵六", phone="13800000006", consent=True)
        ).ticket_code
        day = activity.day
        db.session.commit()
    return {"codes": tickets, "day": day}


def local(day: dt.date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()} {hour:02d}:{minute:02d}"


def checked_in(app, activity_id) -> set[str]:
    with app.app_context():
        from eventdesk.core.models import Person

        return set(
            db.session.scalars(
                sa.select(Person.name)
                .join(Registration)
                .where(Registration.activity_id == activity_id, Registration.checked_in_at.is_not(None))
            )
        )


def test_checkins_by_code_or_name_and_phone(app, run_cli, tmp_path, activity_id, registered):
    codes, day = registered["codes"], registered["day"]
    rows = [
        ("票码", "姓名", "手机号", "签到时间"),
        (codes["张三"].lower(), "", "", local(day, 0, 1)),
        ("", "李四", "13800000002", ""),
    ]
    result = run_import(run_cli, "checkins", write_csv(tmp_path / "paper.csv", rows), activity_id)
    assert result.exit_code == 0, result.output
    assert "新签到 2 人" in result.stdout
    assert checked_in(app, activity_id) == {"张三", "李四"}
    with app.app_context():
        scans = db.session.scalars(sa.select(Scan).order_by(Scan.id)).all()
        assert {(s.channel, s.result) for s in scans} == {("paper", "accepted")}
        zhang = next(s for s in scans if s.scanned_at is not None)
        assert zhang.scanned_at.astimezone(factories.SHANGHAI).strftime("%H:%M") == "00:01"
    assert tally(app, activity_id, "checked_in") == 2


def test_importing_the_same_checkin_list_twice_counts_once(app, run_cli, tmp_path, activity_id, registered):
    codes = registered["codes"]
    rows = [("票码",), (codes["张三"],), (codes["李四"],), (codes["张三"],)]  # 张三 twice on the list
    path = write_xlsx(tmp_path / "paper.xlsx", rows)
    first = run_import(run_cli, "checkins", path, activity_id)
    assert first.exit_code == 0, first.output
    assert "新签到 2 人" in first.stdout
    second = run_import(run_cli, "checkins", path, activity_id)
    assert second.exit_code == 0, second.output
    assert "新签到 0 人" in second.stdout
    assert count(app, Scan) == 2
    assert tally(app, activity_id, "checked_in") == 2
    assert tally(app, activity_id, "scans") == 2


def test_someone_already_scanned_in_is_not_counted_again(app, run_cli, tmp_path, activity_id, registered):
    with app.app_context():
        from eventdesk.core.models import Activity, User
        from eventdesk.core.services import tickets

        activity = db.session.get(Activity, activity_id)
        registration = db.session.scalar(
            sa.select(Registration).where(Registration.ticket_code == registered["codes"]["张三"])
        )
        user = factories.user("staff", scopes=[{"activity_id": activity_id}])
        tickets.check_in_at_desk(
            activity, registration, db.session.get(User, user.id), client_scan_id=str(uuid.uuid4())
        )
        db.session.commit()
    rows = [("票码",), (registered["codes"]["张三"],)]
    result = run_import(run_cli, "checkins", write_csv(tmp_path / "paper.csv", rows), activity_id)
    assert result.exit_code == 0, result.output
    assert "之前已签到 1 人" in result.stdout
    assert tally(app, activity_id, "checked_in") == 1


def test_bad_checkin_rows_leave_no_scans(app, run_cli, tmp_path, activity_id, registered):
    codes, day = registered["codes"], registered["day"]
    rows = [
        ("姓名", "手机号", "票码", "签到时间"),
        ("张三", "13800000001", "", local(day, 0, 5)),
        ("", "", "ZZZZZZZZ", ""),  # row 3: no such ticket
        ("", "", codes["elsewhere"], ""),  # row 4: another activity's ticket
        ("钱八", "13800000008", "", ""),  # row 5: not registered here
        ("", "", "", ""),  # an empty row is skipped
        ("李四", "13800000002", "", "昨天下午"),  # row 7: a time nobody can read
        ("王五", "", "", ""),  # row 8: no phone
        ("王五", "13800000003", "", f"{day.isoformat()}"),  # row 9: a day without a time
    ]
    result = run_import(run_cli, "checkins", write_csv(tmp_path / "paper.csv", rows), activity_id)
    assert result.exit_code == 1
    for row, code in [
        (3, "unknown_token"),
        (4, "wrong_activity"),
        (5, "import_not_registered"),
        (7, "import_bad_time"),
        (8, "invalid_phone"),
        (9, "import_bad_time"),
    ]:
        assert f"第 {row} 行" in result.stderr, (row, code, result.stderr)
        assert code in result.stderr, (row, code, result.stderr)
    assert count(app, Scan) == 0
    assert checked_in(app, activity_id) == set()

    result = run_import(
        run_cli, "checkins", write_csv(tmp_path / "paper.csv", rows), activity_id, "--skip-bad"
    )
    assert result.exit_code == 0, result.output
    assert checked_in(app, activity_id) == {"张三"}
    # Rejected rows are not stored as scans, so a corrected list can be imported later.
    assert count(app, Scan) == 1


def test_a_checkin_time_outside_opening_hours_is_a_bad_row(app, run_cli, tmp_path):
    with app.app_context():
        event = factories.event()
        day, zone = event.starts_on, event.zone
        activity = factories.activity(
            event,
            opens_at=dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone),
            closes_at=dt.datetime.combine(day, dt.time(0, 30), tzinfo=zone),
        )
        code = registrations.register(
            activity,
            registrations.RegistrationRequest(name="张三", phone="13800000001", consent=True),
            source="staff",
        ).ticket_code
        activity_id = activity.id
        db.session.commit()
    rows = [("票码", "签到时间"), (code, f"{day.isoformat()} 00:45")]
    result = run_import(run_cli, "checkins", write_csv(tmp_path / "paper.csv", rows, "gb18030"), activity_id)
    assert result.exit_code == 1
    assert "第 2 行" in result.stderr
    assert "not_open" in result.stderr
    assert count(app, Scan) == 0


def test_checkins_need_a_ticket_code_or_name_and_phone_column(
    app, run_cli, tmp_path, activity_id, registered
):
    rows = [("姓名", "签到时间"), ("张三", "09:00")]
    result = run_import(run_cli, "checkins", write_csv(tmp_path / "paper.csv", rows), activity_id)
    assert result.exit_code == 1
    assert "import_missing_column" in result.output


def test_english_messages_in_an_english_terminal(run_cli, tmp_path, activity_id, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    rows = [*PEOPLE, ("赵六", "12345", "", "")]
    result = run_import(run_cli, "people", write_csv(tmp_path / "people.csv", rows), activity_id)
    assert "Row 5: Enter an 11-digit mainland mobile number. (invalid_phone [phone])" in result.stderr


def test_a_paper_list_typed_in_days_later_counts_on_its_day(app, run_cli, tmp_path):
    """Lists are written on the day and typed in later: their times are trusted however old,
    and a list without times counts at the closing of an activity that has closed."""
    from eventdesk.core.models import utcnow
    from eventdesk.core.services import tally as tally_service

    with app.app_context():
        closed = utcnow() - dt.timedelta(days=5)
        activity = factories.activity(
            factories.event(starts_on=(closed - dt.timedelta(hours=8)).date(), ends_on=closed.date()),
            opens_at=closed - dt.timedelta(hours=8),
            closes_at=closed,
        )
        timed = factories.registration(activity, factories.person(name="甲某", phone="13811110001"))
        untimed = factories.registration(activity, factories.person(name="乙某", phone="13811110002"))
        written = (closed - dt.timedelta(hours=2)).astimezone(factories.SHANGHAI)
        db.session.commit()
        activity_id, codes = activity.id, (timed.ticket_code, untimed.ticket_code)
    sheet = tmp_path / "paper.csv"
    sheet.write_text(
        f"票码,签到时间\n{codes[0]},{written.strftime('%Y-%m-%d %H:%M')}\n{codes[1]},\n", encoding="utf-8"
    )
    result = run_cli("import", "checkins", str(sheet), "--activity", str(activity_id))
    assert result.exit_code == 0, result.output
    with app.app_context():
        scans = db.session.scalars(sa.select(Scan).order_by(Scan.id)).all()
        assert [s.result for s in scans] == ["accepted", "accepted"]
        assert scans[0].counted_at == written.replace(second=0, microsecond=0)
        assert scans[1].counted_at == closed - dt.timedelta(seconds=1)
        assert tally_service.stored() == tally_service.facts()
