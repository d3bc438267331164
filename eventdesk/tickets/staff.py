"""Staff pages for an activity's registrations: list and search, register someone, see one
registration, tick someone present, cancel a ticket, print tickets, test a ticket.

Staff who work at the activity (`access.can_work_at`) may do all of this except cancel
tickets and see full phone and ID numbers, which need `access.can_manage_activity`.
"""

import itertools
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from eventdesk.auth.permissions import activity_page
from eventdesk.core import qr
from eventdesk.core.access import Need, can_manage_activity
from eventdesk.core.models import Activity, Registration, RegistrationSource
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.counts import activity_counts
from eventdesk.core.search import search_text
from eventdesk.core.services import registrations, tickets
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.tickets import queries
from eventdesk.tickets.display import apply_service_error, display_name, outcome_category, outcome_message
from eventdesk.tickets.forms import (
    CheckInForm,
    RevokeForm,
    StaffRegistrationForm,
    TryTicketForm,
    registration_form,
)
from eventdesk.tickets.views import bp
from eventdesk.urls import ticket_url
from eventdesk.web import MAX_ID, id_arg

PER_PAGE = 50
#: Tickets on one printed sheet page: 25 A4 pages of 2 × 4.
SHEET_PER_PAGE = 200
PREFIX = "/manage/activities/<int:activity_id>/registrations"


def _registration_of(activity: Activity, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity.id:
        abort(404)
    return registration


def _back(activity: Activity, registration: Registration | None = None) -> str:
    """Where a form returns to: the page it was on (only this activity's pages), else a sensible one."""
    target = request.form.get("next") or ""
    own_pages = url_for("tickets.registrations", activity_id=activity.id)
    if target.startswith(own_pages):
        return target
    if registration is not None:
        return url_for("tickets.registration", activity_id=activity.id, registration_id=registration.id)
    return own_pages


def _page_head(activity: Activity) -> dict:
    return {"activity": activity, "timezone": activity.event.timezone}


@bp.get(PREFIX, endpoint="registrations")
@activity_page(Need.work)
def list_registrations(activity: Activity):
    """The activity's registrations: search by name, phone tail or ticket code; tick people present."""
    query = search_text(request.args.get("q"))
    can_manage = can_manage_activity(current_user, activity)
    page = db.paginate(
        queries.registrations_of(activity, query, whole_phone=can_manage),
        page=id_arg("page") or 1,
        per_page=PER_PAGE,
        error_out=False,
    )
    counts = activity_counts(borrowed_connection(), activity.id, activity.kind)
    return render_template(
        "tickets/registrations.html",
        **_page_head(activity),
        page=page,
        query=query,
        counts=counts,
        scan_ids={registration.id: str(uuid.uuid4()) for registration in page.items},
        states={registration.id: tickets.ticket_state(registration) for registration in page.items},
        can_manage=can_manage,
    )


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
@activity_page(Need.work)
def new_registration(activity: Activity):
    """Register someone on their behalf (at the desk, or from a phone call)."""
    form = registration_form(StaffRegistrationForm, activity)
    status = 200
    if form.validate_on_submit():
        try:
            registration = registrations.register(
                activity, form.registration_request(), source=RegistrationSource.staff, actor=current_user
            )
        except ServiceError as error:
            db.session.rollback()
            status = apply_service_error(form, error)
        else:
            db.session.commit()
            flash(_("Registered. Give the person their ticket: print it or open its page."), "success")
            return redirect(
                url_for("tickets.registration", activity_id=activity.id, registration_id=registration.id)
            )
    elif form.is_submitted():
        status = 400
    return render_template("tickets/new_registration.html", **_page_head(activity), form=form), status


@bp.get(f"{PREFIX}/<int:registration_id>", endpoint="registration")
@activity_page(Need.work)
def show_registration(activity: Activity, registration_id: int):
    """One registration: the person, the ticket, and every scan of it."""
    registration = _registration_of(activity, registration_id)
    can_manage = can_manage_activity(current_user, activity)
    return render_template(
        "tickets/registration.html",
        **_page_head(activity),
        registration=registration,
        person=registration.person,
        state=tickets.ticket_state(registration),
        scans=db.session.scalars(queries.scans_of(registration)).all(),
        booths={booth.id: booth for booth in activity.booths},
        scan_id=str(uuid.uuid4()),
        # The full phone only for those who manage the activity (PIPL: least access).
        show_full_identity=can_manage,
        can_manage=can_manage,
        ticket_link=ticket_url(registration.token),
    )


@bp.post(f"{PREFIX}/<int:registration_id>/check-in")
@activity_page(Need.work)
def check_in(activity: Activity, registration_id: int):
    """Tick a person present: a manual check-in at the entrance, judged like a scan."""
    registration = _registration_of(activity, registration_id)
    form = CheckInForm()
    if not form.validate():
        abort(400)
    outcome = tickets.check_in_at_desk(activity, registration, current_user, client_scan_id=form.scan_id.data)
    name = registration.person.name
    db.session.commit()
    flash(outcome_message(outcome, name, activity.event.timezone), outcome_category(outcome))
    return redirect(_back(activity, registration))


@bp.post(f"{PREFIX}/<int:registration_id>/revoke")
@activity_page(Need.manage)
def revoke(activity: Activity, registration_id: int):
    """Cancel a ticket: it admits nobody from now on and no longer counts as registered."""
    registration = _registration_of(activity, registration_id)
    if not RevokeForm().validate():
        abort(400)
    registrations.revoke(registration, actor=current_user)
    name = registration.person.name
    db.session.commit()
    flash(_("The ticket of %(name)s is cancelled.", name=name), "success")
    return redirect(_back(activity, registration))


@bp.get(f"{PREFIX}/sheet")
@activity_page(Need.work)
def ticket_sheet(activity: Activity):
    """Printable A4 sheets of tickets (2 × 4 a page) for people without a phone: the ticked ones, or
    all, by village."""
    chosen = [number for number in request.args.getlist("ids", type=int) if 0 < number <= MAX_ID]
    page = db.paginate(
        queries.printable_tickets(activity, chosen),
        page=id_arg("page") or 1,
        per_page=SHEET_PER_PAGE,
        error_out=False,
    )
    codes = {
        registration.id: Markup(qr.svg_inline(ticket_url(registration.token)))  # noqa: S704  (our own SVG)
        for registration in page.items
    }
    # Staff hand the tickets out: each shows its holder's full name and village, so that two
    # people whose masked names read alike (李*英) get their own; the sheets go village by village.
    villages = [
        (village, list(tickets))
        for village, tickets in itertools.groupby(page.items, key=lambda r: r.person.village or "")
    ]
    return render_template(
        "tickets/sheet.html",
        **_page_head(activity),
        page=page,
        chosen=chosen,
        qr_codes=codes,
        villages=villages,
    )


@bp.route(f"{PREFIX}/test", methods=["GET", "POST"])
@activity_page(Need.work)
def try_ticket(activity: Activity):
    """Test a ticket: how the scanner would answer it here and now. Nothing is recorded."""
    form = TryTicketForm()
    form.booth.choices = [SelectChoice("", _("Entrance"))] + [
        SelectChoice(str(booth.id), booth.label) for booth in activity.booths
    ]
    outcome = None
    status = 200
    if form.validate_on_submit():
        try:
            outcome = tickets.try_ticket(
                activity,
                current_user,
                form.ticket.data,
                booth_id=int(form.booth.data) if form.booth.data else None,
                direction=form.direction.data,
            )
        except ServiceError as error:
            status = apply_service_error(form, error)
    elif form.is_submitted():
        status = 400
    expected = outcome.expected_activity if outcome else None
    return (
        render_template(
            "tickets/try.html",
            **_page_head(activity),
            form=form,
            outcome=outcome,
            expected_activity_name=display_name(expected[1], expected[2]) if expected else None,
        ),
        status,
    )
