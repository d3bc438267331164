"""The booth poster's public page: what a visitor's phone opens after scanning the poster. No
sign-in and no personal data shown: the department's policy, its PDF leaflets, and a form to
leave a question and a phone number for a call back (rate-limited, with consent).

Opening the page counts as a digital hand-out once per phone, booth and day (a cookie
remembers the day it was counted)."""

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import gettext as _

from eventdesk.activities.consultation import poster
from eventdesk.activities.consultation.forms import QuestionForm
from eventdesk.activities.consultation.models import Leaflet
from eventdesk.activities.consultation.vocabulary import KIND_NAME
from eventdesk.core.models import Booth, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.ratelimit import limit, phone_key

#: A whole square may share a few mobile-network addresses; one phone number asks a few questions.
QUESTIONS_PER_ADDRESS = "30/hour"
QUESTIONS_PER_PHONE = "3/hour"
bp = Blueprint("consultation_public", __name__)
READ_COOKIE = "cq_read_{booth_id}"
#: Leaflets do not change during a fair; phones and proxies may keep them a day.
LEAFLET_MAX_AGE = 86400


def _public_booth(booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.activity.kind != KIND_NAME:
        abort(404)
    return booth


@bp.route("/consult/<int:booth_id>", methods=["GET", "POST"], endpoint="poster")
@limit(QUESTIONS_PER_ADDRESS)
@limit(QUESTIONS_PER_PHONE, key=lambda: phone_key(request.form.get("contact_phone")))
def public_poster(booth_id: int):
    """The department's policy and leaflets, and the question form."""
    booth = _public_booth(booth_id)
    form = QuestionForm()
    status, asked = 200, None
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                asked = poster.ask(booth, form.question_input())
            except ServiceError as error:
                db.session.rollback()
                field = form[error.field] if error.field and error.field in form else None
                if field is not None:
                    field.errors = [*field.errors, error.message]
                else:
                    form.form_errors.append(error.message)
                status = error.status
            else:
                db.session.commit()
                status = 201
    counted_day = _count_read(booth)
    response = make_response(
        render_template(
            "consultation/public.html",
            booth=booth,
            activity=booth.activity,
            department=booth.department or booth.activity.lead_department,
            page=poster.page_of(booth),
            leaflets=poster.leaflets_of(booth),
            form=form,
            asked=asked,
            thanks=_("Thank you. The department will call you back."),
        ),
        status,
    )
    response.headers["Cache-Control"] = "private, no-store"
    if counted_day is not None:
        response.set_cookie(
            READ_COOKIE.format(booth_id=booth.id),
            counted_day,
            max_age=2 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def _count_read(booth: Booth) -> str | None:
    """Count the page read once per phone and day; the day counted, or None when it was already."""
    today = booth.activity.event.local_day(utcnow()).isoformat()
    if request.method != "GET" or request.cookies.get(READ_COOKIE.format(booth_id=booth.id)) == today:
        return None
    poster.record_read(booth)
    db.session.commit()
    return today


@bp.get("/consult/<int:booth_id>/leaflets/<int:leaflet_id>.pdf", endpoint="leaflet")
def leaflet(booth_id: int, leaflet_id: int):
    booth = _public_booth(booth_id)
    found = db.session.get(Leaflet, leaflet_id)
    if found is None or found.booth_id != booth.id:
        abort(404)
    response = make_response(found.data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Cache-Control"] = f"public, max-age={LEAFLET_MAX_AGE}"
    return response
