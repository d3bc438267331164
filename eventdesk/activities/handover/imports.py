"""``flask import households`` (API.md): the households invited to a ceremony, from .xlsx or .csv,
Chinese or English headers.

Every row goes through the service the demo uses too, in a savepoint of its own, and is
reported by its row number when refused. When any row is bad nothing is kept (the caller rolls
back), unless bad rows are to be skipped. A row about a household already invited (the same
head at the same home) changes nothing: importing the same list twice invites nobody twice; a
row repeating an earlier row of the file is reported as a repeat.
"""

from flask_babel import lazy_gettext as _l

from eventdesk.activities.handover import households
from eventdesk.activities.handover.vocabulary import KIND_NAME
from eventdesk.core import tabular
from eventdesk.core.kinds import ImportKind
from eventdesk.core.models import Activity, User
from eventdesk.core.services.imports import (
    ImportReport,
    RowProblem,
    RowRepeat,
    finish_import,
    require_columns,
)
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

HOUSEHOLD_COLUMNS = {
    "head_name": ("户主姓名", "户主", "姓名", "head of household"),
    "id_number": ("身份证号", "身份证号码", "户主身份证号", "公民身份号码", "id number"),
    "phone": ("手机号", "手机号码", "联系电话", "电话", "mobile"),
    "members": ("家庭人口", "人口", "家庭人数", "人数"),
    "origin_village": ("迁出村", "原住址", "村"),
    "programme": ("项目类别", "项目", "类别", "program"),
    "settlement": ("安置点", "安置小区", "小区"),
    "building": ("楼栋", "栋", "楼号"),
    "unit": ("房号", "房间号", "门牌号", "户号"),
}
REQUIRED = ("head_name", "id_number", "phone", "members", "programme", "settlement", "building", "unit")


def import_households(
    activity: Activity, data: bytes, *, skip_bad: bool = False, actor: User | None = None
) -> ImportReport:
    """Invite every household of a list, each with a ticket for its head.

    :raises ServiceError: what `tabular.read_table` raises; ``import_missing_column``;
        `ImportRejected` when a row is bad and `skip_bad` is not set.
    """
    table = tabular.read_table(data, HOUSEHOLD_COLUMNS)
    require_columns(table, REQUIRED)
    report = ImportReport("households", rows=len(table.rows))
    first_rows: dict[tuple, int] = {}
    for row in table.rows:
        given = households.HouseholdInput(**{name: row.text(name) for name in HOUSEHOLD_COLUMNS})
        same = _same_household(given)
        if same in first_rows:
            report.repeats.append(RowRepeat(row.number, first_rows[same]))
            continue
        first_rows[same] = row.number
        try:
            with db.session.begin_nested():
                _household, added = households.invite_household(activity, given, actor=actor)
        except ServiceError as error:
            report.problems.append(RowProblem(row.number, error.code, error.field))
            continue
        if added:
            report.done += 1
        else:
            report.already += 1
    finish_import(activity, report, skip_bad=skip_bad, actor=actor)
    return report


def _same_household(given: households.HouseholdInput) -> tuple:
    """What tells a row repeating an earlier one: the same head at the same home, however spaced."""
    return tuple(
        " ".join((value or "").split())
        for value in (given.head_name, given.phone, given.settlement, given.building, given.unit)
    )


IMPORTS = (
    ImportKind(
        name="households",
        label=_l("Households of a key-handover ceremony"),
        run=import_households,
        columns=HOUSEHOLD_COLUMNS,
        summary=_l(
            "Rows: %(rows)s. Households invited: %(done)s; "
            "already invited: %(already)s; skipped: %(skipped)s."
        ),
        help=_l(
            "Households invited to a key-handover ceremony, each with a ticket for its head (户主姓名 "
            "head_name, 身份证号 id_number, 手机号 phone, 家庭人口 members, 迁出村 origin_village, "
            "项目类别 programme, 安置点 settlement, 楼栋 building, 房号 unit)."
        ),
        kinds=frozenset({KIND_NAME}),
    ),
)
