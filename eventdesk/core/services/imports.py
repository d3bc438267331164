"""Bulk imports from spreadsheets: people registered at an activity, and paper check-in lists.

Each import reads every row and reports each bad one by its row number and reason. When
any row is bad it imports nothing (`ImportRejected`; the caller rolls back), unless told
to skip bad rows. Rows about someone already registered or already checked in are not
errors: importing the same list twice changes nothing the second time.

The command line (``flask import``) calls these functions; an upload page can call them too.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from eventdesk.core import audit, identity, tabular
from eventdesk.core.kinds import ImportKind, all_kinds, get_kind
from eventdesk.core.models import (
    Activity,
    Person,
    PersonCategory,
    Registration,
    RegistrationSource,
    Scan,
    ScanResult,
    User,
)
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.model import ActivityInfo, Scanner
from eventdesk.core.scans.requests import ScanRequest
from eventdesk.core.scans.service import PAPER_CHANNEL, judge_scans
from eventdesk.core.services import registrations
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError, reason_message
from eventdesk.extensions import db

#: Column name → headers that mean it (besides the name itself), Chinese and English.
PEOPLE_COLUMNS = {
    "name": ("姓名", "名字", "full name"),
    "phone": ("手机号", "手机号码", "手机", "联系电话", "电话", "mobile", "phone number", "mobile number"),
    "id_number": ("身份证号", "身份证号码", "身份证", "公民身份号码", "id number", "id card number"),
    "village": ("村镇", "村", "乡镇", "村社区", "所在村", "township"),
    "category": ("人员类别", "类别", "人员身份", "身份类别", "category", "person category"),
}
#: Person category → what a list writes for it (compared width-folded and case-insensitively).
CATEGORY_WORDS = {
    PersonCategory.registered_poor: (
        "建档立卡贫困户",
        "建档立卡贫困人口",
        "建档立卡户",
        "建档立卡",
        "贫困户",
        "registered poor household",
        "member of a registered poor household",
    ),
    PersonCategory.low_income: ("低收入人口", "低收入户", "低收入家庭", "低收入", "low-income", "low income"),
    PersonCategory.employment_difficulty: (
        "就业困难人员",
        "就业困难",
        "difficulty finding work",
        "person with difficulty finding work",
    ),
    PersonCategory.disabled: ("残疾人", "残疾", "person with a disability", "disabled"),
    PersonCategory.general: ("普通群众", "一般群众", "群众", "其他", "general public", "general", "resident"),
}
CHECKIN_COLUMNS = {
    "name": PEOPLE_COLUMNS["name"],
    "phone": PEOPLE_COLUMNS["phone"],
    "ticket_code": ("票码", "票号", "ticket code", "code"),
    "checked_in_at": ("签到时间", "时间", "check-in time", "checked in at", "time"),
}

#: Stored as the "device" of back-filled check-ins; volunteers see it in "first checked in by".
PAPER_LIST_LABEL = "纸质签到表"
#: Paper check-ins get the scan id uuid5(namespace, "activity:registration"): one per
#: person and activity, so a list imported twice is recognised as a replay.
PAPER_SCAN_NAMESPACE = uuid.UUID("f24b9cc2-9200-48b3-9a8b-ed91368239c3")
_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%H:%M", "%H:%M:%S")
# 2026/10/17 and 2026年10月17日 read as 2026-10-17.
_DATE_MARKS = str.maketrans({"/": "-", "年": "-", "月": "-", "日": " "})


@dataclass(frozen=True)
class RowProblem:
    """Why one row could not be imported."""

    row: int
    code: str
    #: The column at fault, when one is.
    field: str | None = None

    @property
    def message(self) -> str:
        return reason_message(self.code)


@dataclass(frozen=True)
class RowRepeat:
    """A row that repeats an earlier row of the same file: counted once, at the earlier row."""

    row: int
    first_row: int

    @property
    def message(self) -> str:
        return gettext("Repeats row %(first)s of this file; counted once.", first=self.first_row)


@dataclass
class ImportReport:
    """What an import did, row by row."""

    kind: str
    #: Data rows read from the file.
    rows: int = 0
    #: Rows that registered someone, or checked someone in.
    done: int = 0
    #: Rows about someone already registered or already checked in (nothing changed).
    already: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    #: Rows that repeat an earlier row of the file (nothing more was done for them).
    repeats: list[RowRepeat] = field(default_factory=list)


class ImportRejected(ServiceError):
    """Some rows are bad and bad rows were not to be skipped: the caller must keep nothing."""

    def __init__(self, report: ImportReport):
        report.problems.sort(key=lambda problem: problem.row)
        rows = [{"row": p.row, "code": p.code, "field": p.field} for p in report.problems]
        super().__init__("import_rejected", status=422, rows=rows)
        self.report = report


def import_people(
    activity: Activity, data: bytes, *, skip_bad: bool = False, actor: User | None = None
) -> ImportReport:
    """Register every person of a list (姓名, 手机号, 身份证号, 村镇) at `activity`.

    Imported registrations need no consent box (the list comes from the organizers), but
    follow every other rule of `registrations.register`, capacity included.

    :raises ServiceError: what `tabular.read_table` raises; ``import_missing_column``;
        `ImportRejected` when a row is bad and `skip_bad` is not set.
    """
    kind = get_kind(activity.kind)
    kind_fields = kind.registration_fields if kind else ()
    columns = {**PEOPLE_COLUMNS, **{field.name: (str(field.label), *field.headers) for field in kind_fields}}
    table = tabular.read_table(data, columns)
    require_columns(table, ("name", "phone"))
    report = ImportReport("people", rows=len(table.rows))
    first_rows: dict[tuple[str, str], int] = {}
    for row in table.rows:
        person = _person_key(row)
        if person in first_rows:
            report.repeats.append(RowRepeat(row.number, first_rows[person]))
            continue
        if person is not None:
            first_rows[person] = row.number
        try:
            category = _category(row.text("category"))
        except ServiceError as error:
            report.problems.append(RowProblem(row.number, error.code, error.field))
            continue
        request = registrations.RegistrationRequest(
            name=row.text("name") or "",
            phone=row.text("phone") or "",
            id_number=row.text("id_number"),
            village=row.text("village"),
            category=category,
            consent=False,
            fields={field.name: row.values[field.name] for field in kind_fields if field.name in row.values},
            fields_from_text=True,
        )
        try:
            # A savepoint per row, so a refused row leaves nothing behind (not even its Person).
            with db.session.begin_nested():
                registrations.register(activity, request, source=RegistrationSource.imported, actor=actor)
        except ServiceError as error:
            if error.code == "already_registered":
                report.already += 1
            else:
                report.problems.append(RowProblem(row.number, error.code, error.field))
            continue
        report.done += 1
    finish_import(activity, report, skip_bad=skip_bad, actor=actor)
    return report


def import_checkins(
    activity: Activity,
    data: bytes,
    *,
    skip_bad: bool = False,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Back-fill check-ins from a paper list (票码, or 姓名 and 手机号; optionally 签到时间).

    Every row is judged by the check-in service (channel ``paper``) at the row's time when
    given, first without writing, so that a list with bad rows leaves no scans behind.

    :raises ServiceError: what `tabular.read_table` raises; ``import_missing_column``;
        `ImportRejected` when a row is bad and `skip_bad` is not set.
    """
    table = tabular.read_table(data, CHECKIN_COLUMNS)
    if "ticket_code" not in table.columns:
        require_columns(table, ("name", "phone"))
    report = ImportReport("checkins", rows=len(table.rows))
    connection = borrowed_connection()

    wanted: list[tuple[int, ScanRequest]] = []
    first_rows: dict[str, int] = {}
    for row in table.rows:
        try:
            registration_id = _registration_for(activity, row)
            scanned_at = _moment(row.values.get("checked_in_at"), activity)
        except ServiceError as error:
            report.problems.append(RowProblem(row.number, error.code, error.field))
            continue
        scan_id = paper_scan_id(activity.id, registration_id)
        if scan_id in first_rows:  # the same person twice in one list
            report.repeats.append(RowRepeat(row.number, first_rows[scan_id]))
            continue
        first_rows[scan_id] = row.number
        request = ScanRequest(client_scan_id=scan_id, registration_id=registration_id, scanned_at=scanned_at)
        wanted.append((row.number, request))

    # A list imported before keeps its first answers: those rows are not judged again.
    imported_before = _stored_scan_ids([request.client_scan_id for _, request in wanted])
    report.already += sum(1 for _, request in wanted if request.client_scan_id in imported_before)
    wanted = [(number, r) for number, r in wanted if r.client_scan_id not in imported_before]

    info = ActivityInfo.of(activity)
    scanner = Scanner.for_user(actor) if actor else Scanner(label=PAPER_LIST_LABEL)
    requests = [request for _, request in wanted]
    trial = judge_scans(connection, info, scanner, requests, channel=PAPER_CHANNEL, now=now, dry_run=True)
    good = []
    for (number, request), outcome in zip(wanted, trial, strict=True):
        if outcome.result == ScanResult.rejected:
            report.problems.append(RowProblem(number, outcome.reason or "malformed"))
        else:
            good.append((number, request))
    if report.problems and not skip_bad:
        raise ImportRejected(report)

    outcomes = judge_scans(connection, info, scanner, [r for _, r in good], channel=PAPER_CHANNEL, now=now)
    for (number, _request), outcome in zip(good, outcomes, strict=True):
        if outcome.result == ScanResult.accepted:
            report.done += 1
        elif outcome.result == ScanResult.duplicate:
            report.already += 1
        else:  # changed between the trial and now, e.g. the ticket was cancelled meanwhile
            report.problems.append(RowProblem(number, outcome.reason or "malformed"))
    finish_import(activity, report, skip_bad=skip_bad, actor=actor)
    return report


def preview_import(
    spec: ImportKind, activity: Activity, data: bytes, *, actor: User | None = None
) -> ImportReport:
    """What importing `data` would do, row by row, with nothing kept: the import itself is run
    (so the preview judges every row exactly as the import will) and then rolled back.

    :raises ServiceError: what the import raises for the file as a whole (unreadable, a column
        missing); bad rows are in the report.
    """
    try:
        return spec.run(activity, data, skip_bad=True, actor=actor)
    finally:
        db.session.rollback()


def _person_key(row: tabular.Row) -> tuple[str, str] | None:
    """Who a row names, as registrations tell people apart; None when the row cannot say."""
    try:
        name = identity.normalise_name(row.text("name") or "")
        return name, identity.normalise_phone(row.text("phone") or "")
    except ServiceError:
        return None


_CATEGORIES = {
    tabular.header_key(word): category for category, words in CATEGORY_WORDS.items() for word in words
}


def _category(text: str | None) -> str:
    """A person category from a list's 人员类别 cell (a word or the category's code); empty: general."""
    if text is None or not text.strip():
        return PersonCategory.general
    if text.strip() in PersonCategory.__members__:
        return text.strip()
    category = _CATEGORIES.get(tabular.header_key(text))
    if category is None:
        raise ServiceError("import_bad_category", field="category")
    return category


def paper_scan_id(activity_id: int, registration_id: int) -> str:
    """The scan id of a person's back-filled check-in at an activity (the same on every import)."""
    return str(uuid.uuid5(PAPER_SCAN_NAMESPACE, f"{activity_id}:{registration_id}"))


def require_columns(table: tabular.Table, names: Iterable[str]) -> None:
    """Refuse a list without one of these columns (``import_missing_column``, naming it)."""
    for name in names:
        if name not in table.columns:
            raise ServiceError("import_missing_column", field=name)


def finish_import(activity: Activity, report: ImportReport, *, skip_bad: bool, actor: User | None) -> None:
    """End an import of `activity`'s list: refuse it all (`ImportRejected`) if a row was bad and
    bad rows are not to be skipped, else record it in the audit trail under ``import.<kind>``."""
    report.problems.sort(key=lambda problem: problem.row)
    if report.problems and not skip_bad:
        raise ImportRejected(report)
    audit.record(
        f"import.{report.kind}",
        activity,
        user=actor,
        rows=report.rows,
        done=report.done,
        already=report.already,
        skipped=len(report.problems),
    )


def _registration_for(activity: Activity, row: tabular.Row) -> int:
    """The registration a paper row names: by ticket code, else by name and phone at `activity`."""
    code = normalise_ticket_code(row.text("ticket_code") or "")
    if code:
        registration_id = db.session.scalar(
            sa.select(Registration.id).where(Registration.ticket_code == code)
        )
        if registration_id is None:
            raise ServiceError("unknown_token", field="ticket_code")
        return registration_id  # a ticket of another activity is judged ``wrong_activity``
    if not row.text("name") and not row.text("phone"):
        raise ServiceError("import_no_ticket")
    name = identity.normalise_name(row.text("name") or "")
    phone = identity.normalise_phone(row.text("phone") or "")
    registration_id = db.session.scalar(
        sa.select(Registration.id)
        .join(Person)
        .where(Registration.activity_id == activity.id, Person.name == name, Person.phone == phone)
    )
    if registration_id is None:
        raise ServiceError("import_not_registered")
    return registration_id


def _moment(value: tabular.Cell, activity: Activity) -> dt.datetime | None:
    """A check-in time from a cell: a date and time, or a time on the activity's day, in the event's zone."""
    if value is None:
        return None
    zone = activity.event.zone
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, dt.time):
        return dt.datetime.combine(activity.day, value.replace(tzinfo=None), tzinfo=zone)
    if isinstance(value, dt.date):
        raise ServiceError("import_bad_time", field="checked_in_at")  # a day without a time
    text = " ".join(str(value).translate(_DATE_MARKS).split())
    if ":" not in text:
        raise ServiceError("import_bad_time", field="checked_in_at")  # no time of day
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    for pattern in _TIME_FORMATS:
        if moment is not None:
            break
        try:
            parsed = dt.datetime.strptime(text, pattern)  # noqa: DTZ007  (the zone is added below)
        except ValueError:
            continue
        moment = parsed if "%Y" in pattern else dt.datetime.combine(activity.day, parsed.time())
    if moment is None:
        raise ServiceError("import_bad_time", field="checked_in_at")
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _stored_scan_ids(scan_ids: list[str]) -> set[str]:
    stored: set[str] = set()
    for start in range(0, len(scan_ids), 500):
        part = scan_ids[start : start + 500]
        stored.update(db.session.scalars(sa.select(Scan.client_scan_id).where(Scan.client_scan_id.in_(part))))
    return stored


CORE_IMPORTS = (
    ImportKind(
        name="people",
        label=_l("People registered at the activity"),
        run=import_people,
        columns=PEOPLE_COLUMNS,
        summary=_l(
            "Rows: %(rows)s. Registered: %(done)s; already registered: %(already)s; skipped: %(skipped)s."
        ),
        help=_l(
            "Register the people of a list (姓名 name, 手机号 phone, 身份证号 id_number, 村镇 village, "
            "人员类别 category: 建档立卡贫困户, 低收入人口, 就业困难人员, 残疾人 or 普通群众)."
        ),
    ),
    ImportKind(
        name="checkins",
        label=_l("Check-ins from a paper list"),
        run=import_checkins,
        columns=CHECKIN_COLUMNS,
        summary=_l(
            "Rows: %(rows)s. Checked in: %(done)s; already checked in: %(already)s; skipped: %(skipped)s."
        ),
        help=_l(
            "Back-fill check-ins from a paper list (票码 ticket_code, or 姓名 and 手机号; 签到时间 time)."
        ),
    ),
)


def import_kinds() -> list[ImportKind]:
    """Every list that can be imported: the core's, then each activity kind's."""
    return [*CORE_IMPORTS, *(spec for kind in all_kinds() for spec in kind.imports)]


def imports_for(activity: Activity) -> list[ImportKind]:
    return [spec for spec in import_kinds() if spec.applies_to(activity)]


def get_import(name: str) -> ImportKind | None:
    for spec in import_kinds():
        if spec.name == name:
            return spec
    return None
