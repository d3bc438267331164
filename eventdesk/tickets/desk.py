"""The booth desk: staff record a booth's actions (an application, a consultation, a service, a
handover) on a laptop or a phone, with the same service and the same fields as the scanner.

The person is chosen by a scanned or typed ticket code, or by a search; the actions and their
fields come from the activity's kind, their choices computed for the chosen booth.
"""

import uuid

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from eventdesk.auth.permissions import activity_page
from eventdesk.core import actions
from eventdesk.core.access import Need, can_manage_activity, can_work_at
from eventdesk.core.models import Action, ActionVoid, Activity, Booth, Person, Registration
from eventdesk.core.scans.model import Scanner
from eventdesk.core.scans.requests import looks_like_token, token_from_presented
from eventdesk.core.search import search_text
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.fieldforms import typed_values, with_fields
from eventdesk.tickets import queries
from eventdesk.tickets.display import apply_service_error
from eventdesk.tickets.views import bp
from eventdesk.web import id_arg

PREFIX = "/manage/activities/<int:activity_id>/desk"
MATCHES_SHOWN = 10
RECENT_SHOWN = 20


class ActionForm(FlaskForm):
    """One action's form: where, for whom, and an id that makes a second press a replay."""

    client_action_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    booth_id = HiddenField(validators=[Length(max=12)])
    registration_id = HiddenField(validators=[Length(max=12)])


class VoidForm(FlaskForm):
    reason = StringField(
        _l("Why it is undone"), validators=[DataRequired(), Length(max=actions.REASON_MAX_LENGTH)]
    )


def _booths(activity: Activity) -> list[Booth]:
    return [booth for booth in activity.booths if can_work_at(current_user, activity, booth.id)]


def _chosen_booth(activity: Activity, booth_id: int | None) -> Booth | None:
    """The booth asked for (none: the entrance), if this account works there."""
    if booth_id is None:
        return None
    for booth in _booths(activity):
        if booth.id == booth_id:
            return booth
    if any(booth.id == booth_id for booth in activity.booths):
        raise ServiceError("forbidden", status=403)
    raise ServiceError("not_found", status=404)


def _person(activity: Activity) -> Registration | None:
    """The person chosen: by registration id (from the search), or by a scanned or typed ticket."""
    registration_id = id_arg("registration")
    if registration_id is not None:
        registration = db.session.get(Registration, registration_id)
        return registration if registration and registration.activity_id == activity.id else None
    presented = (request.args.get("ticket") or "").strip()[:2048]
    if not presented:
        return None
    token = token_from_presented(presented)
    if looks_like_token(token):
        found = db.session.scalar(sa.select(Registration).where(Registration.token == token))
    else:
        code = normalise_ticket_code(presented[:32])
        found = (
            db.session.scalar(sa.select(Registration).where(Registration.ticket_code == code))
            if code
            else None
        )
    return found if found is not None and found.activity_id == activity.id else None


def _forms(
    activity: Activity, booth: Booth | None, person: Registration | None, submitted: str | None = None
):
    """A form per action offered here (the submitted one bound to the request)."""
    offered = actions.offered_actions(activity, booth, Scanner.for_user(current_user), current_user)
    forms = []
    for spec in offered:
        if spec.ticket == "required" and person is None:
            continue
        form_class = with_fields(ActionForm, spec.fields, activity, booth)
        if spec.name == submitted:
            form = form_class()
        else:
            form = form_class(
                formdata=None,
                data={
                    "client_action_id": str(uuid.uuid4()),
                    "booth_id": str(booth.id) if booth else "",
                    "registration_id": str(person.id) if person and spec.ticket != "none" else "",
                },
            )
        forms.append((spec, form))
    return forms


def _recent(activity: Activity, booth: Booth | None) -> list[tuple]:
    """The latest actions recorded here, with whom (masked) and whether they were undone."""
    statement = (
        sa.select(Action, Person.name, ActionVoid.voided_at)
        .outerjoin(Registration, Registration.id == Action.registration_id)
        .outerjoin(Person, Person.id == Registration.person_id)
        .outerjoin(ActionVoid, ActionVoid.action_id == Action.id)
        .where(Action.activity_id == activity.id)
        .order_by(Action.id.desc())
        .limit(RECENT_SHOWN)
    )
    statement = statement.where(Action.booth_id == booth.id if booth else Action.booth_id.is_(None))
    return db.session.execute(statement).all()


def _render(activity: Activity, booth: Booth | None, person: Registration | None, forms, status: int = 200):
    query = search_text(request.args.get("q"))
    matches = []
    if query:
        matches = db.session.scalars(queries.registrations_of(activity, query).limit(MATCHES_SHOWN)).all()
    return (
        render_template(
            "tickets/desk.html",
            activity=activity,
            timezone=activity.event.timezone,
            booths=_booths(activity),
            booth=booth,
            person=person,
            query=query,
            matches=matches,
            forms=forms,
            recent=_recent(activity, booth),
            void_form=VoidForm(),
            labels={spec.name: spec.label for spec in actions.kind_of(activity).actions},
            may_void_any=can_manage_activity(current_user, activity),
        ),
        status,
    )


def _here(activity: Activity, booth: Booth | None, person: Registration | None = None) -> str:
    return url_for(
        "tickets.desk",
        activity_id=activity.id,
        booth=booth.id if booth else None,
        registration=person.id if person else None,
    )


@bp.get(PREFIX, endpoint="desk")
@activity_page(Need.view)
def show_desk(activity: Activity):
    """The booth's actions, for the person chosen (or for no one, where an action takes no ticket)."""
    booth = _chosen_booth(activity, id_arg("booth"))
    person = _person(activity)
    return _render(activity, booth, person, _forms(activity, booth, person))


@bp.post(f"{PREFIX}/<name>", endpoint="desk_record")
@activity_page(Need.view)
def record(activity: Activity, name: str):
    """Record one action from its form; a refusal is shown beside the field at fault."""
    booth = _chosen_booth(activity, id_arg("booth"))
    person = _person(activity)
    forms = _forms(activity, booth, person, submitted=name[:30])
    chosen = [(spec, form) for spec, form in forms if spec.name == name]
    if not chosen:
        flash(_("This booth does not record this."), "error")
        return redirect(_here(activity, booth, person))
    spec, form = chosen[0]
    if not form.validate_on_submit():
        return _render(activity, booth, person, forms, 400)
    registration_id = int(form.registration_id.data) if form.registration_id.data.isdigit() else None
    request_ = actions.ActionRequest(
        client_action_id=form.client_action_id.data,
        booth_id=booth.id if booth else None,
        registration_id=registration_id if spec.ticket != "none" else None,
        fields=typed_values(form),
        fields_from_text=True,
    )
    try:
        actions.record_action(
            activity, spec.name, request_, scanner=Scanner.for_user(current_user), user=current_user
        )
    except ServiceError as error:
        db.session.rollback()
        status = apply_service_error(form, error)
        return _render(activity, booth, person, forms, status)
    db.session.commit()
    flash(_("Recorded: %(action)s", action=spec.label), "success")
    return redirect(_here(activity, booth, person))


@bp.post(f"{PREFIX}/actions/<int:action_id>/void", endpoint="desk_void")
@activity_page(Need.view)
def void(activity: Activity, action_id: int):
    """Undo an action recorded here (one's own for 30 minutes; any, for those who manage the activity)."""
    booth = _chosen_booth(activity, id_arg("booth"))
    action = db.session.get(Action, action_id)
    if action is None or action.activity_id != activity.id:
        return _render(activity, booth, None, _forms(activity, booth, None), 404)
    form = VoidForm()
    if not form.validate_on_submit():
        flash(_("Say why it is undone."), "error")
        return redirect(_here(activity, booth))
    try:
        actions.void_action(
            action,
            form.reason.data,
            scanner=Scanner.for_user(current_user),
            may_void_any=can_manage_activity(current_user, activity),
        )
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render(activity, booth, None, _forms(activity, booth, None), error.status)
    db.session.commit()
    flash(_("Undone."), "success")
    return redirect(_here(activity, booth))
