"""Reports: the day's tally, files to download, the written report, and the public summary."""

import functools
import io

from flask import Blueprint, abort, make_response, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import Form
from wtforms.fields import DateField

from eventdesk.auth.permissions import activity_page, roles_required
from eventdesk.comfort import large_type
from eventdesk.core import audit
from eventdesk.core.access import Need, can_manage_activity
from eventdesk.core.models import Activity, Role
from eventdesk.reports import lists, metrics, public, registry, written
from eventdesk.reports.days import event_in_view, requested_day, requested_event_id
from eventdesk.reports.exports import CSV_MIMETYPE, FORMATS, XLSX_MIMETYPE, Sheet, csv_bytes, xlsx_bytes
from eventdesk.reports.sheets import long_sheet, tally_workbook
from eventdesk.reports.tally import daily_tally

bp = Blueprint("reports", __name__)

READERS = (Role.admin, Role.organizer)


class DayForm(Form):
    """The date picker: a GET form, so it carries no CSRF token."""

    date = DateField(format="%Y-%m-%d")


def _file(data: bytes, fmt: str, name: str):
    response = send_file(
        io.BytesIO(data),
        mimetype=XLSX_MIMETYPE if fmt == "xlsx" else CSV_MIMETYPE,
        as_attachment=True,
        download_name=f"{name}.{fmt}",
    )
    # Lists hold personal data: never kept by a browser cache or a proxy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _tally_args():
    day = requested_day()
    return day, daily_tally(day, user=current_user, event_id=requested_event_id())


# -- Organizers: the tally ----------------------------------------------------------------


def _page_columns(names: list[str]) -> list[str]:
    # Entries and exits only explain "inside"; the files carry them, the page leaves them out.
    return [name for name in names if name not in metrics.ENTRANCE_DETAIL]


@bp.get("/reports/tally")
@roles_required(*READERS)
def tally():
    """The day's tally as tables, with totals by district, kind and lead department."""
    day, daily = _tally_args()
    return render_template(
        "reports/tally.html",
        daily=daily,
        day=day,
        form=DayForm(data={"date": day}),
        headline=[*metrics.HEADLINE, *(n for n in daily.metric_names() if n not in metrics.CORE_NAMES)],
        columns={kind: _page_columns(daily.metric_names(kind)) for kind in daily.kinds()},
        file_args={
            "date": day.isoformat(),
            **({"event": request.args["event"]} if "event" in request.args else {}),
        },
        lists_of={entry.activity.id: registry.lists_for(entry.activity) for entry in daily.activities},
    )


@bp.get("/reports/tally.<fmt>")
@roles_required(*READERS)
def tally_file(fmt: str):
    """The day's tally as XLSX (activities, booths, totals, all figures) or CSV (all figures)."""
    if fmt not in FORMATS:
        abort(404)
    day, daily = _tally_args()
    data = xlsx_bytes(tally_workbook(daily)) if fmt == "xlsx" else csv_bytes(long_sheet(daily))
    return _file(data, fmt, _("tally-%(day)s", day=day.isoformat()))


# -- Lists of an activity -----------------------------------------------------------------


@bp.get("/reports/activities/<int:activity_id>/lists")
@activity_page(Need.lists)
def activity_lists(activity: Activity):
    """The lists an activity offers for download."""
    return render_template(
        "reports/lists.html",
        activity=activity,
        exports=[
            export
            for export in registry.lists_for(activity)
            if not export.organizers_only or can_manage_activity(current_user, activity)
        ],
        form=DayForm(data={"date": activity.day}),
        personal_in_full=can_manage_activity(current_user, activity),
    )


@bp.get("/reports/activities/<int:activity_id>/lists/<name>.<fmt>")
@activity_page(Need.lists)
def list_file(activity: Activity, name: str, fmt: str):
    """One list of an activity as XLSX or CSV; personal data in full only for those who manage it."""
    export = registry.get_list(activity, name)
    if export is None or fmt not in FORMATS:
        abort(404)
    if export.organizers_only and not can_manage_activity(current_user, activity):
        abort(403)
    day = requested_day() if export.by_day and request.args.get("date") else None
    sheet: Sheet = lists.list_sheet(export, activity, current_user, day)
    data = xlsx_bytes([sheet]) if fmt == "xlsx" else csv_bytes(sheet)
    if any(column.personal for column in export.columns) and can_manage_activity(current_user, activity):
        audit.record_disclosure(
            "export.personal_data",
            activity,
            user=current_user,
            list=name,
            format=fmt,
            day=day and day.isoformat(),
        )
    suffix = f"-{day.isoformat()}" if day else ""
    # Named in the reader's language, so that a Chinese and an English copy are told apart.
    return _file(data, fmt, f"{export.label}-{activity.id}{suffix}")


# -- The written report -------------------------------------------------------------------


def _writes_reports(view):
    """Those who report for a unit: organizers, and a department's staff for their department."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not written.units_for(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/reports/written")
@_writes_reports
def written_index():
    """Choose a day and who reports: the city, a district, a department."""
    day = requested_day()
    return render_template(
        "reports/written_index.html",
        day=day,
        form=DayForm(data={"date": day}),
        units=written.units_for(current_user),
        scope_labels={"district": _("District"), "department": _("Department")},
    )


@bp.get("/reports/written/city", defaults={"scope": "city", "unit_id": None})
@bp.get("/reports/written/<any(district, department):scope>/<int:unit_id>")
@_writes_reports
def written_report(scope: str, unit_id: int | None):
    """The printable written report of a day, for the city, a district or a department."""
    unit = written.report_unit(scope, unit_id)
    if unit is None:
        abort(404)
    if not written.may_report_for(current_user, unit):
        abort(403)
    day = requested_day()
    report = written.written_report(day, unit, event_id=requested_event_id())
    return render_template(
        "reports/written.html",
        report=report,
        day_text=written.day_text(day),
        form=DayForm(data={"date": day}),
        heading_number=written.heading_number,
        sentence_gap=written.sentence_gap(),
        list_separator=_(", "),
        role_labels=written.role_labels(),
        date_blank=written.date_blank(),
    )


# -- The public summary -------------------------------------------------------------------


@bp.get("/public")
def public_summary():
    """The event's activities and participation for everyone (no login, no personal data)."""
    # Today's event, else the next to come (where and when), else the last (how it went).
    event_id = requested_event_id()
    event = event_in_view(event_id)
    if event_id is not None and event is None:
        abort(404)
    language = str(get_locale() or "zh_Hans")
    html = public.page_cache().get(
        (event.id if event else None, language, large_type()),
        lambda: render_template("reports/public.html", summary=public.public_summary(event)),
    )
    response = make_response(html)
    response.headers["Cache-Control"] = f"public, max-age={public.CACHE_SECONDS}"
    # The language follows ?lang=, the language cookie and Accept-Language; large type, its cookie.
    response.vary.update(("Accept-Language", "Cookie"))
    return response


# -- Template helpers ---------------------------------------------------------------------


def _reports_nav() -> dict:
    """Which report pages the signed-in account reaches, for the navigation."""
    if not current_user.is_authenticated:
        return {}
    reader = current_user.role in READERS
    return {"tally": reader, "written": reader or bool(written.units_for(current_user)), "plan": reader}


@bp.app_context_processor
def _helpers():
    return {"metric_label": metrics.label, "booth_label": metrics.booth_label, "reports_nav": _reports_nav}
