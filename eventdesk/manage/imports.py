"""Lists imported on an activity's page: a spreadsheet is uploaded, previewed row by row, then
imported whole, or only its good rows.

Every list the command line imports (``flask import``) is offered here, the activity kinds'
included: both run the same `ImportKind` through the same import service.
"""

import base64
import binascii

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventdesk.auth.permissions import activity_page
from eventdesk.core.access import Need
from eventdesk.core.kinds import ImportKind
from eventdesk.core.models import Activity
from eventdesk.core.services import imports
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.manage import forms
from eventdesk.manage.views import bp


def _spec(activity: Activity, name: str) -> ImportKind:
    spec = imports.get_import(name)
    if spec is None or not spec.applies_to(activity):
        abort(404)
    return spec


def _summary(spec: ImportKind, report: imports.ImportReport) -> str:
    values = {"rows": report.rows, "done": report.done, "already": report.already}
    summary = str(spec.summary) % {**values, "skipped": len(report.problems)}
    if report.repeats:
        summary += " " + ngettext(
            "%(num)d row repeated an earlier one and was counted once.",
            "%(num)d rows repeated earlier ones and were counted once.",
            len(report.repeats),
        )
    return summary


@bp.get("/activities/<int:activity_id>/imports")
@activity_page(Need.manage)
def imports_page(activity: Activity):
    """The lists that can be imported into this activity, each with its columns and an upload."""
    return render_template(
        "manage/imports.html",
        activity=activity,
        specs=imports.imports_for(activity),
        form=forms.ImportUploadForm(),
    )


@bp.post("/activities/<int:activity_id>/imports/<name>/preview")
@activity_page(Need.manage)
def import_preview(activity: Activity, name: str):
    """Read the uploaded file and show what importing it would do, row by row; nothing is kept."""
    spec = _spec(activity, name)
    form = forms.ImportUploadForm()
    if not form.validate_on_submit():
        return _upload_again(activity, form.file.errors or [_("Choose a file.")])
    data = form.file.data.read()
    try:
        report = imports.preview_import(spec, activity, data, actor=current_user)
    except ServiceError as error:
        return _upload_again(activity, [error.message])
    confirm = forms.ImportConfirmForm(
        formdata=None,
        data={"content": base64.b64encode(data).decode("ascii"), "filename": form.file.data.filename or ""},
    )
    return render_template(
        "manage/import_preview.html", activity=activity, spec=spec, report=report, confirm=confirm
    )


@bp.post("/activities/<int:activity_id>/imports/<name>")
@activity_page(Need.manage)
def import_run(activity: Activity, name: str):
    """Import the previewed file: every row, or (``skip_bad``) the good rows only."""
    spec = _spec(activity, name)
    form = forms.ImportConfirmForm()
    if not form.validate_on_submit():
        return _upload_again(activity, [_("Choose a file.")])
    try:
        data = base64.b64decode(form.content.data, validate=True)
    except (binascii.Error, ValueError):
        return _upload_again(activity, [_("Choose a file.")])
    try:
        report = spec.run(activity, data, skip_bad=form.skip_bad.data == "y", actor=current_user)
    except imports.ImportRejected as rejected:
        db.session.rollback()
        flash(rejected.message, "error")
        return render_template(
            "manage/import_preview.html", activity=activity, spec=spec, report=rejected.report, confirm=form
        )
    except ServiceError as error:
        db.session.rollback()
        return _upload_again(activity, [error.message])
    db.session.commit()
    flash(_("Imported. %(summary)s", summary=_summary(spec, report)), "success")
    return redirect(url_for(".activity_detail", activity_id=activity.id))


def _upload_again(activity: Activity, errors: list[str]):
    for error in errors:
        flash(error, "error")
    return redirect(url_for(".imports_page", activity_id=activity.id))
