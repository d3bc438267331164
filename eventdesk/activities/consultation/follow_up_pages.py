"""A department's follow-ups across all its booths: the open ones with contact and age (the
overdue standing out), each answered with a note that closes it; then those answered."""

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eventdesk.activities.consultation import departments, queries
from eventdesk.activities.consultation.forms import AnswerForm
from eventdesk.activities.consultation.models import Consultation
from eventdesk.activities.consultation.pages import new_action_id, record
from eventdesk.activities.consultation.permissions import may_answer_for, may_open_department
from eventdesk.activities.consultation.vocabulary import KIND_NAME
from eventdesk.core.access import can_work_at
from eventdesk.core.models import Activity, Booth, Department, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

bp = Blueprint("consultation_follow_ups", __name__)


@bp.get("/manage/consultation/departments/<int:department_id>/follow-ups", endpoint="follow_ups")
@login_required
def follow_ups(department_id: int):
    """The department's follow-ups across all its booths: the open ones with contact and age (the
    overdue standing out), each answered with a note; then those answered."""
    return _follow_ups_page(department_id)


def _follow_ups_page(department_id: int, forms: dict | None = None, status: int = 200):
    department = db.session.get(Department, department_id)
    if department is None:
        abort(404)
    if not may_open_department(current_user, department.id):
        abort(403)
    today = utcnow().astimezone(_zone()).date()
    rows = [
        row
        for row in queries.follow_ups(Consultation.department_id == department.id, today=today)
        if row.activity.kind == KIND_NAME and may_answer_for(current_user, department.id, row.activity)
    ]
    forms = forms or {}
    response = make_response(
        render_template(
            "consultation/follow_ups.html",
            department=department,
            open_rows=[row for row in rows if row.is_open],
            answered_rows=[row for row in rows if not row.is_open],
            forms={
                row.consultation.id: forms.get(row.consultation.id)
                or AnswerForm(formdata=None, data=new_action_id())
                for row in rows
                if row.is_open
            },
            overdue=sum(row.overdue for row in rows),
        ),
        status,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["EVENTDESK_TIMEZONE"])


@bp.post("/manage/consultation/follow-ups/<int:consultation_id>/answer", endpoint="answer")
@login_required
def answer(consultation_id: int):
    """Answer a follow-up with a note, which closes it: recorded at a booth of the department
    where the one answering works (the booth it was asked at, when they work there)."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or consultation.voided_at is not None:
        abort(404)
    activity = db.session.get(Activity, consultation.activity_id)
    if not may_answer_for(current_user, consultation.department_id, activity):
        abort(403)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _follow_ups_page(consultation.department_id, {consultation.id: form}, 400)
    booth = _answering_booth(activity, consultation)
    fields = {"consultation_id": str(consultation.id), "note": form.note.data}
    try:
        if booth is None:
            raise ServiceError("forbidden", status=403)
        record(activity, booth, "answer", fields, form.client_action_id.data)
    except ServiceError as error:
        db.session.rollback()
        target = form.note if error.field == "note" else None
        if target is not None:
            target.errors = [*target.errors, error.message]
        else:
            flash(error.message, "error")
        return _follow_ups_page(consultation.department_id, {consultation.id: form}, error.status)
    db.session.commit()
    flash(_("Answered: No. %(number)s is closed.", number=consultation.id), "success")
    return redirect(url_for(".follow_ups", department_id=consultation.department_id))


def _answering_booth(activity: Activity, consultation: Consultation) -> Booth | None:
    mine = [
        booth
        for booth in activity.booths
        if departments.department_id_of(activity, booth) == consultation.department_id
        and can_work_at(current_user, activity, booth.id)
    ]
    for booth in mine:
        if booth.id == consultation.booth_id:
            return booth
    return mine[0] if mine else None
