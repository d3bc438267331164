"""The ceremony's pages: the organizers' page with its live lists, the handover desk, invitation
letters and their wording, and receipts. Households are uploaded on the activity's import page
(the core's), by the same import as ``flask import households``."""

import base64
import datetime as dt
import functools

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from eventdesk.activities.handover import letters, queries
from eventdesk.activities.handover.forms import HandoverForm, LetterForm, UndoForm
from eventdesk.activities.handover.models import Handover
from eventdesk.activities.handover.vocabulary import KIND_NAME, PROGRAMMES, RECIPIENTS, label_of
from eventdesk.auth.permissions import activity_page
from eventdesk.core import qr
from eventdesk.core.access import Need, can_manage_activity, can_work_at
from eventdesk.core.actions import ActionRequest, new_action_id, record_action, void_action
from eventdesk.core.models import Action, ActionVoid, Activity, Booth, Registration
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.counts import activity_counts
from eventdesk.core.scans.model import Scanner
from eventdesk.core.scans.requests import looks_like_token, token_from_presented
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.tickets.display import group_code
from eventdesk.urls import ticket_url
from eventdesk.web import id_arg

bp = Blueprint("handover", __name__)
PREFIX = "/manage/activities/<int:activity_id>/handover"
RECENT_SHOWN = 10


def ceremony_page(need: Need = Need.view):
    """A page of a ceremony (`activity_page`, and 404 for an activity of another kind)."""

    def decorator(view):
        @functools.wraps(view)
        def of_a_ceremony(activity: Activity, **kwargs):
            if activity.kind != KIND_NAME:
                abort(404)
            return view(activity, **kwargs)

        return activity_page(need)(of_a_ceremony)

    return decorator


@bp.app_context_processor
def _labels() -> dict:
    return {
        "handover_labels": {
            "programme": lambda value: label_of(PROGRAMMES, value),
            "recipient": lambda value: label_of(RECIPIENTS, value),
        },
        "handover_group_code": group_code,
    }


def _qr(registration: Registration) -> Markup:
    return Markup(qr.svg_inline(ticket_url(registration.token)))  # noqa: S704  (our own SVG)


def _in_chinese(template: str, **context) -> Markup:
    """Letters and receipts are handed to households in Chinese, whatever the reader's language."""
    with force_locale(letters.LETTER_LANGUAGE):
        return Markup(render_template(template, **context))  # noqa: S704  (our own template, escaped)


# -- the organizers' page ------------------------------------------------------------------------


def _live_context(activity: Activity) -> dict:
    rows = queries.households(activity)
    counts = activity_counts(borrowed_connection(), activity.id, activity.kind)
    return {
        "activity": activity,
        "metrics": counts["metrics"],
        "groups": {state: queries.by_building(queries.in_state(rows, state)) for state in queries.STATES},
        "totals": {state: len(queries.in_state(rows, state)) for state in queries.STATES},
        "timezone": activity.event.timezone,
    }


@bp.get(PREFIX, endpoint="ceremony")
@ceremony_page()
def ceremony(activity: Activity):
    """Who is present and waiting, whose keys were handed over, who is absent: live."""
    return render_template(
        "handover/ceremony.html",
        **_live_context(activity),
        may_manage=can_manage_activity(current_user, activity),
        stream_url=url_for("api.stream_counts", event=activity.event_id),
    )


@bp.get(f"{PREFIX}/live", endpoint="live")
@ceremony_page()
def live(activity: Activity):
    """The organizers' page's live part, fetched again whenever the counts change."""
    return render_template("handover/_live.html", **_live_context(activity))


# -- the handover desk ---------------------------------------------------------------------------


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


def _presented(activity: Activity) -> queries.HouseholdRow | None:
    """The household chosen: by id (from a search), or by its head's scanned or typed ticket."""
    household_id = id_arg("household")
    if household_id is not None:
        return queries.household_row(activity, household_id)
    presented = (request.args.get("ticket") or "").strip()[:2048]
    if not presented:
        return None
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
            ticket_asked=bool(request.args.get("ticket")),
            query=query,
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
    chosen = _presented(activity)
    form = None
    if chosen is not None and chosen.handover is None:
        form = HandoverForm(formdata=None, data={"client_action_id": new_action_id()})
    return _render_desk(activity, chosen_desk, chosen, form)


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


# -- letters and receipts ------------------------------------------------------------------------


@bp.get(f"{PREFIX}/letters", endpoint="letters")
@ceremony_page()
def letter_sheets(activity: Activity):
    """Every household's invitation letter, one A4 page each, by settlement and building."""
    settlement = (request.args.get("settlement") or "").strip()[:100]
    rows = queries.households(activity)
    settlements = sorted({row.household.settlement for row in rows})
    if settlement:
        rows = [row for row in rows if row.household.settlement == settlement]
    pages = _in_chinese(
        "handover/_letters.html",
        activity=activity,
        rows=rows,
        letter=letters.letter_of(activity),
        qr_codes={row.household.id: _qr(row.registration) for row in rows},
    )
    return render_template(
        "handover/letters.html",
        activity=activity,
        rows=rows,
        pages=pages,
        settlement=settlement,
        settlements=settlements,
        may_manage=can_manage_activity(current_user, activity),
    )


@bp.route(f"{PREFIX}/letter", methods=["GET", "POST"], endpoint="letter")
@ceremony_page(Need.manage)
def edit_letter(activity: Activity):
    """The letter's wording, which every household's letter shares."""
    current = letters.letter_of(activity)
    form = LetterForm(data=vars(current) if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        given = letters.LetterText(
            form.title.data, form.body.data, form.place.data, form.meeting_time.data, form.bring.data or ""
        )
        try:
            letters.save_letter(activity, given, actor=current_user)
        except ServiceError as error:
            db.session.rollback()
            form[error.field].errors = [*form[error.field].errors, error.message]
            status = error.status
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("handover.letters", activity_id=activity.id))
    elif form.is_submitted():
        status = 400
    return render_template("handover/letter_form.html", activity=activity, form=form), status


def _receipt_pages(activity: Activity, rows) -> Markup:
    return _in_chinese(
        "handover/_receipts.html",
        activity=activity,
        rows=rows,
        # Shown as data: URLs (base64 needs no escaping), so a printed page holds its signatures.
        signatures={
            row.household.id: base64.b64encode(row.handover.signature).decode("ascii")
            for row in rows
            if row.handover is not None and row.handover.signature
        },
        timezone=activity.event.timezone,
    )


@bp.get(f"{PREFIX}/households/<int:household_id>/receipt", endpoint="receipt")
@ceremony_page()
def receipt(activity: Activity, household_id: int):
    """The household's key-handover receipt (钥匙交接确认单), with the recipient's signature."""
    row = queries.household_row(activity, household_id)
    if row is None or row.handover is None:
        abort(404)
    pages = _receipt_pages(activity, [row])
    return render_template("handover/receipts.html", activity=activity, rows=[row], pages=pages, day=None)


@bp.get(f"{PREFIX}/receipts", endpoint="receipts")
@ceremony_page()
def receipts(activity: Activity):
    """Every receipt of a day (the ceremony's, unless ``?date=``), to print or save as PDF."""
    try:
        day = dt.date.fromisoformat(request.args["date"]) if request.args.get("date") else activity.day
    except ValueError:
        abort(400)
    rows = queries.handovers_on(activity, day)
    pages = _receipt_pages(activity, rows)
    return render_template("handover/receipts.html", activity=activity, rows=rows, pages=pages, day=day)
