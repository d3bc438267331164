"""``flask import employers`` and ``flask import postings`` (API.md): the fair's employers and their
postings from .xlsx or .csv, Chinese or English headers.

Every row goes through the same service as the pages, in a savepoint of its own, and is
reported by its row number when refused. When any row is bad nothing is kept (the caller
rolls back), unless bad rows are to be skipped. A row about an employer or a posting that is
already there updates it: importing the same list twice changes nothing the second time.
"""

from flask_babel import lazy_gettext as _l

from eventdesk.activities.jobfair import employers
from eventdesk.activities.jobfair.vocabulary import KIND_NAME
from eventdesk.core import tabular
from eventdesk.core.kinds import ImportKind
from eventdesk.core.models import Activity, User
from eventdesk.core.services.imports import ImportReport, RowProblem, finish_import, require_columns
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

EMPLOYER_COLUMNS = {
    "name": ("单位名称", "用人单位", "企业名称"),
    "kind": ("单位性质", "单位类型"),
    "contact_name": ("联系人",),
    "contact_phone": ("联系电话", "联系方式"),
    "booth": ("展位号", "展位", "stand"),
}
POSTING_COLUMNS = {
    "employer": ("单位名称", "用人单位", "企业名称"),
    "title": ("岗位名称", "岗位", "job title"),
    "positions": ("招聘人数", "人数"),
    "public_welfare": ("公益性岗位",),
    "pay_min": ("月薪下限", "工资下限"),
    "pay_max": ("月薪上限", "工资上限"),
    "education": ("学历要求", "学历"),
    "workplace": ("工作地点",),
    "requirements": ("岗位要求", "任职要求"),
}
_JOBFAIR = frozenset({KIND_NAME})


def import_employers(
    activity: Activity, data: bytes, *, skip_bad: bool = False, actor: User | None = None
) -> ImportReport:
    """The fair's employers, each with its stand (made when the employer is new).

    :raises ServiceError: what `tabular.read_table` raises; ``import_missing_column``;
        `ImportRejected` when a row is bad and `skip_bad` is not set.
    """
    table = _table(data, EMPLOYER_COLUMNS, ("name", "kind", "contact_name", "contact_phone"))
    report = ImportReport("employers", rows=len(table.rows))
    for row in table.rows:
        given = employers.EmployerInput(
            name=row.text("name"),
            kind=row.text("kind"),
            contact_name=row.text("contact_name"),
            contact_phone=row.text("contact_phone"),
            stand_number=row.text("booth"),
        )

        def save(given=given):
            name = " ".join((given.name or "").split())
            existing = employers.employer_named(activity, name) if name else None
            if existing is None:
                employers.create_employer(activity, given, actor=actor)
                return True
            employers.update_employer(existing, given, actor=actor)
            return False

        _row(report, row, save)
    finish_import(activity, report, skip_bad=skip_bad, actor=actor)
    return report


def import_postings(
    activity: Activity, data: bytes, *, skip_bad: bool = False, actor: User | None = None
) -> ImportReport:
    """Postings of the fair's employers (imported before them, by name).

    :raises ServiceError: as `import_employers`.
    """
    table = _table(data, POSTING_COLUMNS, ("employer", "title", "positions"))
    report = ImportReport("postings", rows=len(table.rows))
    for row in table.rows:
        given = employers.PostingInput(
            title=row.text("title"),
            positions=row.text("positions"),
            public_welfare=row.text("public_welfare"),
            pay_min=row.text("pay_min"),
            pay_max=row.text("pay_max"),
            education=row.text("education"),
            workplace=row.text("workplace"),
            requirements=row.text("requirements"),
        )

        def save(row=row, given=given):
            employer = employers.employer_named(activity, " ".join((row.text("employer") or "").split()))
            if employer is None:
                raise ServiceError("unknown_employer", field="employer")
            existing = employers.posting_titled(employer, " ".join((given.title or "").split()))
            if existing is None:
                employers.create_posting(employer, given, actor=actor)
                return True
            employers.update_posting(existing, given, actor=actor)
            return False

        _row(report, row, save)
    finish_import(activity, report, skip_bad=skip_bad, actor=actor)
    return report


def _table(data: bytes, columns: dict, required: tuple[str, ...]) -> tabular.Table:
    table = tabular.read_table(data, columns)
    require_columns(table, required)
    return table


def _row(report: ImportReport, row: tabular.Row, save) -> None:
    """One row through its service, in a savepoint: a refused row leaves nothing behind."""
    try:
        with db.session.begin_nested():
            added = save()
    except ServiceError as error:
        report.problems.append(RowProblem(row.number, error.code, error.field))
        return
    if added:
        report.done += 1
    else:
        report.already += 1


IMPORTS = (
    ImportKind(
        name="employers",
        label=_l("Employers of a job fair"),
        run=import_employers,
        columns=EMPLOYER_COLUMNS,
        summary=_l(
            "Rows: %(rows)s. Employers added: %(done)s; "
            "already there (details updated): %(already)s; skipped: %(skipped)s."
        ),
        help=_l(
            "Employers of a job fair, each with its stand (单位名称 name, 单位性质 kind, "
            "联系人 contact_name, 联系电话 contact_phone, 展位号 booth)."
        ),
        kinds=_JOBFAIR,
    ),
    ImportKind(
        name="postings",
        label=_l("Postings of a job fair"),
        run=import_postings,
        columns=POSTING_COLUMNS,
        summary=_l(
            "Rows: %(rows)s. Postings added: %(done)s; "
            "already there (details updated): %(already)s; skipped: %(skipped)s."
        ),
        help=_l(
            "Postings of the job fair's employers (单位名称 employer, 岗位名称 title, 招聘人数 positions, "
            "公益性岗位 public_welfare, 月薪下限 pay_min, 月薪上限 pay_max, 学历要求 education, "
            "工作地点 workplace, 岗位要求 requirements)."
        ),
        kinds=_JOBFAIR,
    ),
)
