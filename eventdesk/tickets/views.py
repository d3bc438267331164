"""Public pages: the activities open to registration, the registration form, the holder's ticket.

No sign-in here. These pages show no full name, phone or ID number: a ticket page is
reached by its private link, and a screenshot of it travels in chats.
"""

import hashlib

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from eventdesk import ratelimit
from eventdesk.core import qr
from eventdesk.core.calendar import current_event
from eventdesk.core.kinds import get_kind
from eventdesk.core.models import Activity, Registration
from eventdesk.core.scans.requests import looks_like_token
from eventdesk.core.services import registrations, tickets, verification
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.tickets import display
from eventdesk.tickets.display import apply_service_error
from eventdesk.tickets.forms import RegistrationForm, registration_form
from eventdesk.urls import ticket_url
from eventdesk.vocabulary import PERSON_CATEGORIES, REGISTRATION_SOURCES, SCAN_CHANNELS
from eventdesk.web import id_arg

bp = Blueprint("tickets", __name__)

#: Texted codes a phone may ask for: a few retries, not a way to spam someone's phone.
CODES_PER_PHONE = "3/10minutes"
#: A ticket's QR image only changes if the public address does; a day is plenty.
QR_MAX_AGE = 24 * 3600


@bp.context_processor
def _display_helpers() -> dict:
    return {
        "group_code": display.group_code,
        "state_labels": display.STATE_LABELS,
        "state_badges": display.STATE_BADGES,
        "source_labels": REGISTRATION_SOURCES,
        "category_labels": PERSON_CATEGORIES,
        "result_labels": display.RESULT_LABELS,
        "result_badges": display.RESULT_BADGES,
        "channel_labels": SCAN_CHANNELS,
    }


def _form_phone() -> str | None:
    # A mistyped number is answered by the form itself; it must not use up anyone's allowance.
    return ratelimit.phone_key(request.form.get("phone"))


@bp.get("/")
def home():
    """The current event's activities that people may register for themselves."""
    event = current_event(id_arg("event"))
    activities = []
    if event is not None:
        activities = db.session.scalars(
            sa.select(Activity)
            .where(Activity.event_id == event.id, registrations.open_to_public_clause())
            .order_by(Activity.opens_at, Activity.id)
        ).all()
    return render_template("tickets/home.html", event=event, activities=activities)


@bp.route("/activities/<int:activity_id>/register", methods=["GET", "POST"])
# A whole venue shares one address; a flood of invented registrations comes from many.
@ratelimit.limit("300/minute")
@ratelimit.limit("500/hour", key=ratelimit.network_key)
@ratelimit.limit("300/10minutes", key=ratelimit.activity_key)
@ratelimit.limit("10/hour", key=_form_phone)
def register(activity_id: int):
    """Register oneself for an activity; success leads to the new ticket."""
    activity = db.get_or_404(Activity, activity_id)
    form = registration_form(RegistrationForm, activity)
    refusal = registrations.self_registration_refusal(activity)
    status = 200
    if verification.required() and request.form.get("send_code"):
        status = _send_code(form)
    elif form.validate_on_submit():
        try:
            registration, new = registrations.register_oneself(activity, form.registration_request())
        except ServiceError as error:
            db.session.rollback()
            status = apply_service_error(form, error)
            refusal = registrations.self_registration_refusal(activity)
        else:
            db.session.commit()
            if new:
                flash(_("You are registered. Keep this page: take a screenshot or save the link."), "success")
            else:
                flash(_("You had registered already: here is your ticket again. Keep this page."), "success")
            return redirect(url_for("tickets.ticket", token=registration.token))
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "tickets/register.html",
            activity=activity,
            form=form,
            refusal=refusal,
            verify_phone=verification.required(),
        ),
        status,
    )


def _send_code(form: RegistrationForm) -> int:
    """Text a code to the phone typed in the form; the form comes back to type it in."""
    if not _hit_code_limit():
        form.phone.errors = [*form.phone.errors, ServiceError("rate_limited").message]
        return 429
    try:
        verification.send_code(form.phone.data or "")
    except ServiceError as error:
        db.session.rollback()
        return apply_service_error(form, error)
    db.session.commit()
    flash(_("A code has been texted to your phone."), "success")
    return 200


def _hit_code_limit() -> bool:
    key = ratelimit.phone_key(request.form.get("phone"))
    return key is None or ratelimit.hit_once(CODES_PER_PHONE, "tickets.send_code", key)


def _registration_by_token(token: str) -> Registration | None:
    # Only what could be a token reaches the database (PostgreSQL refuses text with NUL in it).
    return registrations.find_by_token(token) if looks_like_token(token) else None


@bp.get("/t/<token>")
@ratelimit.limit("300/minute", methods=("GET",))
def ticket(token: str):
    """The holder's ticket: the QR code to show at the entrance, and what it admits to."""
    registration = _registration_by_token(token)
    if registration is None:
        response = render_template("tickets/ticket_missing.html"), 404
    else:
        activity = registration.activity
        response = render_template(
            "tickets/ticket.html",
            registration=registration,
            activity=activity,
            state=tickets.ticket_state(registration),
            kind_panel=_kind_panel(registration),
            qr_svg=Markup(qr.svg_inline(ticket_url(registration.token))),  # noqa: S704  (our own SVG)
        )
    return _private(response)


@bp.get("/t/<token>/qr.<any(svg, png):image_format>")
def ticket_qr(token: str, image_format: str):
    """The ticket's QR code as an image, to save or forward; cached by the phone."""
    registration = _registration_by_token(token)
    if registration is None:
        abort(404)
    data = ticket_url(registration.token)
    # The address is in the tag: a changed EVENTDESK_BASE_URL makes a new image.
    etag = hashlib.sha256(f"{image_format}:{data}".encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = make_response("", 304)  # the phone has it already: no need to draw it again
    elif image_format == "svg":
        response = make_response((qr.svg(data), {"Content-Type": "image/svg+xml"}))
    else:
        response = make_response((qr.png(data), {"Content-Type": "image/png"}))
    response.set_etag(etag)
    response.cache_control.private = True
    response.cache_control.max_age = QR_MAX_AGE
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _kind_panel(registration: Registration):
    """What the activity's kind shows its holder (applications and their outcomes, a queue number)."""
    kind = get_kind(registration.activity.kind)
    if kind is None or kind.ticket_panel is None:
        return None
    return kind.ticket_panel(registration)


def _private(rendered):
    """A page only its link holder should see: never stored by caches, never indexed."""
    response = make_response(rendered)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


from eventdesk.tickets import desk, personal_data, staff  # noqa: E402, F401  (the staff pages' routes)
