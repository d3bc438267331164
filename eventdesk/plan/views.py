"""Plan pages: the plan's items, the units' plans and reports, sending them, and what is overdue."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eventdesk.auth.permissions import roles_required
from eventdesk.core.access import is_city_wide
from eventdesk.core.models import Role
from eventdesk.errors import ServiceError
from eventdesk.extensions import csrf, db
from eventdesk.plan import services
from eventdesk.plan.forms import CompleteForm, ConfirmForm, SubmissionForm
from eventdesk.plan.models import PlanDuty, PlanItem, PlanSubmission
from eventdesk.reports.days import requested_event_id

bp = Blueprint("plan", __name__, url_prefix="/plan")

ORGANIZERS = (Role.admin, Role.organizer)

STATUS_LABELS = {
    "done": _l("Done"),
    "done_late": _l("Done late"),
    "sent": _l("Sent"),
    "sent_late": _l("Sent late"),
    "draft": _l("Draft saved"),
    "open": _l("Open"),
    "upcoming": _l("Not started"),
    "overdue": _l("Overdue"),
}
STATUS_BADGES = {
    "done": "ok",
    "sent": "ok",
    "done_late": "warn",
    "sent_late": "warn",
    "draft": "warn",
    "open": "",
    "upcoming": "",
    "overdue": "bad",
}
DUTY_LABELS = {"plan": _l("Activity plan"), "report": _l("Written report")}
#: Room for the form's other fields and the multipart envelope around the file.
_FORM_OVERHEAD_BYTES = 1024 * 1024


def _max_upload() -> int:
    return current_app.config.get("EVENTDESK_UPLOAD_MAX_BYTES", services.UPLOAD_MAX_BYTES)


def _allow_upload_body() -> None:
    # The app refuses bodies over MAX_CONTENT_LENGTH (2 MB, for scanners); these views take
    # a file, so they raise the limit for their own request before the form is read.
    request.max_content_length = _max_upload() + _FORM_OVERHEAD_BYTES


def _event_or_none():
    return services.plan_event(requested_event_id())


def _duty_or_404(duty_id: int) -> PlanDuty:
    duty = db.get_or_404(PlanDuty, duty_id)
    if not services.may_act_for(current_user, duty):
        abort(403)
    return duty


def _submission_form(**kwargs) -> SubmissionForm:
    return SubmissionForm(max_bytes=_max_upload(), **kwargs)


def _render_duty(duty: PlanDuty, form: SubmissionForm | None = None, status: int = 200):
    draft = duty.draft
    if form is None:
        form = _submission_form(data={"text": draft.text} if draft else None)
    return (
        render_template(
            "plan/duty.html",
            duty=duty,
            draft=draft,
            form=form,
            status=services.duty_status(duty, services.local_today(duty.event)),
            status_labels=STATUS_LABELS,
            status_badges=STATUS_BADGES,
            duty_labels=DUTY_LABELS,
        ),
        status,
    )


def _form_error(form: SubmissionForm, error: ServiceError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


@bp.get("/")
@roles_required(*ORGANIZERS)
def overview():
    """The plan's items and where every unit stands with its plan and its report."""
    event = _event_or_none()
    if event is None:
        return render_template("plan/overview.html", event=None)
    today = services.local_today(event)
    items = services.plan_items(event)
    duties = services.duties_for(event, current_user)
    units: dict[tuple, dict] = {}
    for duty in duties:
        row = units.setdefault((duty.department_id, duty.district_id), {"unit": duty.unit, "duties": {}})
        status = services.duty_status(duty, today)
        row["duties"][duty.kind] = (duty, status)
        row["overdue"] = row.get("overdue", False) or status.is_overdue
    return render_template(
        "plan/overview.html",
        event=event,
        today=today,
        items=[
            (item, services.item_status(item, today), services.may_complete(current_user, item))
            for item in items
        ],
        units=list(units.values()),
        live=services.live_activities(event),
        city_wide=is_city_wide(current_user),
        complete_form=CompleteForm(),
        confirm_form=ConfirmForm(),
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
        duty_labels=DUTY_LABELS,
        list_separator=_(", "),
    )


@bp.post("/load")
@roles_required(*ORGANIZERS)
def load():
    """Create the plan's items and duties for the event (the city's office)."""
    if not is_city_wide(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    event = _event_or_none()
    if event is None:
        raise ServiceError("no_event", status=404)
    result = services.load_plan(event)
    db.session.commit()
    flash(
        _("Plan created. Items: %(items)d; duties: %(duties)d.", items=result.items, duties=result.duties),
        "success",
    )
    return redirect(url_for("plan.overview", event=event.id))


@bp.post("/items/<int:item_id>/done")
@roles_required(*ORGANIZERS)
def complete(item_id: int):
    """Mark a plan item done."""
    item = db.get_or_404(PlanItem, item_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        abort(400)
    services.complete_item(item, current_user, form.note.data or "")
    db.session.commit()
    flash(_("Marked done."), "success")
    return redirect(url_for("plan.overview", event=item.event_id))


@bp.post("/items/<int:item_id>/reopen")
@roles_required(*ORGANIZERS)
def reopen(item_id: int):
    """Undo "done" on a plan item (the city's office)."""
    item = db.get_or_404(PlanItem, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.reopen_item(item, current_user)
    db.session.commit()
    return redirect(url_for("plan.overview", event=item.event_id))


@bp.get("/duties/<int:duty_id>")
@roles_required(*ORGANIZERS)
def duty(duty_id: int):
    """A unit's plan or report: what it sent, and its draft."""
    return _render_duty(_duty_or_404(duty_id))


@bp.post("/duties/<int:duty_id>/submissions")
@roles_required(*ORGANIZERS)
@csrf.exempt  # the form checks its own CSRF token, after the upload limit is raised
def new_submission(duty_id: int):
    """Start a plan or report: save it as a draft, or send it."""
    _allow_upload_body()
    duty = _duty_or_404(duty_id)
    form = _submission_form()
    if not form.validate_on_submit():
        return _render_duty(duty, form, 400)
    try:
        services.create_submission(
            duty, current_user, text=form.text.data, upload=form.file.data, send=bool(form.send.data)
        )
    except ServiceError as error:
        db.session.rollback()
        _form_error(form, error)
        return _render_duty(db.session.get(PlanDuty, duty_id), form, error.status)
    db.session.commit()
    flash(_("Sent.") if form.send.data else _("Draft saved."), "success")
    return redirect(url_for("plan.duty", duty_id=duty.id))


@bp.post("/submissions/<int:submission_id>")
@roles_required(*ORGANIZERS)
@csrf.exempt  # the form checks its own CSRF token, after the upload limit is raised
def edit_submission(submission_id: int):
    """Change a draft, or send it; a sent one is refused (409)."""
    _allow_upload_body()
    submission = db.get_or_404(PlanSubmission, submission_id)
    duty = _duty_or_404(submission.duty_id)
    form = _submission_form()
    if not form.validate_on_submit():
        return _render_duty(duty, form, 400)
    try:
        services.update_submission(
            submission,
            current_user,
            text=form.text.data,
            upload=form.file.data,
            remove_file=form.remove_file.data,
            send=bool(form.send.data),
        )
    except ServiceError as error:
        db.session.rollback()
        _form_error(form, error)
        return _render_duty(db.session.get(PlanDuty, duty.id), form, error.status)
    db.session.commit()
    flash(_("Sent.") if form.send.data else _("Draft saved."), "success")
    return redirect(url_for("plan.duty", duty_id=duty.id))


@bp.get("/submissions/<int:submission_id>/file")
@roles_required(*ORGANIZERS)
def submission_file(submission_id: int):
    """The file attached to a plan or report, as it was sent."""
    submission = db.get_or_404(PlanSubmission, submission_id)
    _duty_or_404(submission.duty_id)
    if not submission.stored_name:
        abort(404)
    path = services.upload_path(submission)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=services.FILE_TYPES[submission.file_type].mimetype,
        as_attachment=True,
        download_name=submission.file_name or f"submission-{submission.id}.{submission.file_type}",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
