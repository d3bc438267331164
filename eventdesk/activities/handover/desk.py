"""The handover desk: the letter scanned (or the household found by name or ID tail), the keys
handed to the head or a proxy who signs on the screen, and an undo with a reason; recorded with
the core's action service, as the scanner records them."""

import uuid

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventdesk.activities.handover import queries
from eventdesk.activities.handover.forms import HandoverForm, LetterScanForm, UndoForm
from eventdesk.activities.handover.models import Handover
from eventdesk.activities.handover.presence import visit_desk
from eventdesk.activities.handover.views import PREFIX, bp, ceremony_page
from eventdesk.core.access import can_manage_activity, can_work_at
from eventdesk.core.actions import ActionRequest, new_action_id, record_action, void_action
from eventdesk.core.models import Action, ActionVoid, Activity, Booth, Registration, ScanResult
from eventdesk.core.scans.model import Scanner
from eventdesk.core.scans.requests import looks_like_token, token_from_presented
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError, reason_message
from eventdesk.extensions import db
from eventdesk.web import id_arg

RECENT_SHOWN = 10


def _desks(activity: Activity) -> list[Booth]:
    return [booth for booth in activity.booths if can_work_at(current_user, activity, booth.id)]


def _desk(activity: Activity) -> Booth | None:
    desks = _desks(activity)
    chosen = id_arg("booth")
    if chosen is None:
        return desks[0] if len(desks) == 1 else None
    for desk in desks:
        if desk.id == chosen:
            return desk
    abort(403 if any(booth.id == chosen for booth in activity.booths) else 404)


def _household_of_ticket(activity: Activity, presented: str) -> queries.HouseholdRow | None:
    """The household whose head holds the ticket scanned (its address or token) or typed (its code)."""
    token = token_from_presented(presented)
    if looks_like_token(token):
        condition = Registration.token == token
    else:
        condition = Registration.ticket_code == normalise_ticket_code(presented[:32])
    found = queries.households(activity, condition)
    return found[0] if found else None


def _recent(activity: Activity, desk: Booth | None) -> list:
    if desk is None:
        return []
    statement = (
        sa.select(Action, Handover, ActionVoid.voided_at)
        .join(Handover, Handover.action_id == Action.id)
        .outerjoin(ActionVoid, ActionVoid.action_id == Action.id)
        .where(Action.activity_id == activity.id, Action.booth_id == desk.id)
        .order_by(Action.id.desc())
        .limit(RECENT_SHOWN)
    )
    return db.session.execute(statement).all()


def _render_desk(
    activity: Activity, desk: Booth | None, chosen, form: HandoverForm | None, status: int = 200
):
    query = (request.args.get("q") or "").strip()[:50]
    return (
        render_template(
            "handover/desk.html",
            activity=activity,
            desks=_desks(activity),
            desk=desk,
            chosen=chosen,
            query=query,
            scan_form=LetterScanForm(formdata=None, data={"client_scan_id": str(uuid.uuid4())}),
            matches=queries.find(activity, query) if query and chosen is None else [],
            form=form,
            undo_form=UndoForm(),
            recent=_recent(activity, desk),
            may_undo_any=can_manage_activity(current_user, activity),
            timezone=activity.event.timezone,
        ),
        status,
    )


@bp.get(f"{PREFIX}/desk", endpoint="desk")
@ceremony_page()
def desk(activity: Activity):
    """Scan the letter (or find the household by name or ID tail), then hand the keys over."""
    chosen_desk = _desk(activity)
    household_id = id_arg("household")
    chosen = queries.household_row(activity, household_id) if household_id else None
    form = None
    if chosen is not None and chosen.handover is None:
        form = HandoverForm(formdata=None, data={"client_action_id": new_action_id()})
    return _render_desk(activity, chosen_desk, chosen, form)


@bp.post(f"{PREFIX}/desk/scan", endpoint="scan")
@ceremony_page()
def scan(activity: Activity):
    """The letter scanned at the desk: the household is present (checked in), then shown for its keys."""
    chosen_desk = _desk(activity)
    form = LetterScanForm()
    if not form.validate_on_submit():
        flash(_("Scan the letter, or type its code"), "error")
        return _render_desk(activity, chosen_desk, None, None, 400)
    chosen = _household_of_ticket(activity, form.ticket.data.strip())
    if chosen is None:
        flash(_("No household found: this is not a letter of this ceremony, or nobody matches."), "error")
        return _render_desk(activity, chosen_desk, None, None, 404)
    if chosen_desk is None:
        flash(_("Choose the desk first."), "error")
        return _render_desk(activity, None, chosen, None, 400)
    outcome = visit_desk(
        activity,
        chosen.registration,
        chosen_desk,
        Scanner.for_user(current_user),
        client_scan_id=form.client_scan_id.data,
    )
    db.session.commit()
    if outcome.result == ScanResult.rejected:
        # Too late or too early to be present (keys taken to the household later): say so, go on.
        flash(reason_message(outcome.reason), "error")
    url = url_for(
        "handover.desk", activity_id=activity.id, booth=chosen_desk.id, household=chosen.household.id
    )
    return redirect(url)


@bp.post(f"{PREFIX}/desk/<int:household_id>", endpoint="hand_over")
@ceremony_page()
def hand_over(activity: Activity, household_id: int):
    """Record the handover with the core's action service, as the scanner does."""
    chosen_desk = _desk(activity)
    chosen = queries.household_row(activity, household_id)
    if chosen is None:
        abort(404)
    form = HandoverForm()
    if chosen_desk is None:
        flash(_("Choose the desk first."), "error")
        return _render_desk(activity, None, chosen, form, 400)
    if not form.validate_on_submit():
        return _render_desk(activity, chosen_desk, chosen, form, 400)
    given = ActionRequest(
        client_action_id=form.client_action_id.data,
        booth_id=chosen_desk.id,
        registration_id=chosen.registration.id,
        fields=form.typed_fields(),
        fields_from_text=True,
    )
    try:
        record_action(activity, "handover", given, scanner=Scanner.for_user(current_user), user=current_user)
    except ServiceError as error:
        db.session.rollback()
        field = form[error.field] if error.field and error.field in form else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            flash(error.message, "error")
        chosen = queries.household_row(activity, household_id)
        return _render_desk(
            activity, chosen_desk, chosen, form if chosen.handover is None else None, error.status
        )
    db.session.commit()
    flash(_("Keys handed over. Print the receipt for the household to keep."), "success")
    return redirect(
        url_for("handover.desk", activity_id=activity.id, booth=chosen_desk.id, household=household_id)
    )


@bp.post(f"{PREFIX}/handovers/<int:action_id>/undo", endpoint="undo")
@ceremony_page()
def undo(activity: Activity, action_id: int):
    """Undo a handover (the desk that recorded it for 30 minutes; organizers always), with a reason."""
    action = db.session.get(Action, action_id)
    if action is None or action.activity_id != activity.id or action.name != "handover":
        abort(404)
    form = UndoForm()
    desk_of_action = db.session.get(Booth, action.booth_id)
    try:
        void_action(
            action,
            form.reason.data if form.validate_on_submit() else None,
            scanner=Scanner.for_user(current_user),
            may_void_any=can_manage_activity(current_user, activity),
        )
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_desk(activity, desk_of_action, None, None, error.status)
    db.session.commit()
    flash(_("The handover is undone: the keys are to be handed over again."), "success")
    return redirect(url_for("handover.desk", activity_id=activity.id, booth=action.booth_id))
