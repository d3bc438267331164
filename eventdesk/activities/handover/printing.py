"""The ceremony's printed pages: invitation letters (A4, one a page, by settlement and building),
their wording, and key-handover receipts (钥匙交接确认单), one household or a whole day. What is
handed to households is in Chinese, whatever the reader's language."""

import base64
import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from eventdesk.activities.handover import letters, queries
from eventdesk.activities.handover.forms import LetterForm
from eventdesk.activities.handover.views import PREFIX, bp, ceremony_page
from eventdesk.core import qr
from eventdesk.core.access import Need, can_manage_activity
from eventdesk.core.models import Activity, Registration
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.urls import ticket_url


def _qr(registration: Registration) -> Markup:
    return Markup(qr.svg_inline(ticket_url(registration.token)))  # noqa: S704  (our own SVG)


def _in_chinese(template: str, **context) -> Markup:
    """Letters and receipts are handed to households in Chinese, whatever the reader's language."""
    with force_locale(letters.LETTER_LANGUAGE):
        return Markup(render_template(template, **context))  # noqa: S704  (our own template, escaped)


@bp.get(f"{PREFIX}/letters", endpoint="letters")
@ceremony_page(Need.lists)
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
@ceremony_page(Need.lists)
def receipts(activity: Activity):
    """Every receipt of a day (the ceremony's, unless ``?date=``), to print or save as PDF."""
    try:
        day = dt.date.fromisoformat(request.args["date"]) if request.args.get("date") else activity.day
    except ValueError:
        abort(400)
    rows = queries.handovers_on(activity, day)
    pages = _receipt_pages(activity, rows)
    return render_template("handover/receipts.html", activity=activity, rows=rows, pages=pages, day=day)
