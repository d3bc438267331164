"""Scanner pages: organizers issue and revoke the credentials of volunteers' devices."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from eventdesk.core import qr
from eventdesk.core.access import can_manage_activity
from eventdesk.core.models import Activity, Booth, ScannerCredential, utcnow
from eventdesk.core.services import credentials
from eventdesk.core.urls import enrol_url
from eventdesk.extensions import db
from eventdesk.scanner.forms import ENTRANCE, IssueForm

bp = Blueprint("scanner", __name__)


# -- organizers: the activity's scanner credentials -----------------------------------------


def _managed_activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    if not can_manage_activity(current_user, activity):
        abort(403)
    return activity


def _issue_form(activity: Activity) -> IssueForm:
    form = IssueForm()
    form.booth.choices = [(ENTRANCE, _("Entrance (no booth)"))] + [(b.id, b.label) for b in activity.booths]
    return form


def credential_status(credential: ScannerCredential, now=None) -> str:
    """revoked, expired, enrolled or waiting (issued, its code not used yet)."""
    if credential.revoked_at is not None:
        return "revoked"
    if credential.is_expired(now):
        return "expired"
    return "enrolled" if credential.enrolled_at is not None else "waiting"


def _render_list(activity: Activity, form: IssueForm, status: int = 200):
    rows = db.session.scalars(
        sa.select(ScannerCredential)
        .where(ScannerCredential.activity_id == activity.id)
        .order_by(ScannerCredential.created_at.desc(), ScannerCredential.id.desc())
    ).all()
    now = utcnow()
    listed = [(credential, credential_status(credential, now)) for credential in rows]
    page = render_template("scanner/credentials.html", activity=activity, credentials=listed, form=form)
    return page, status


@bp.get("/manage/activities/<int:activity_id>/scanners")
@login_required
def credentials_list(activity_id: int):
    """The activity's scanner devices, and the form that issues one."""
    activity = _managed_activity(activity_id)
    return _render_list(activity, _issue_form(activity))


@bp.post("/manage/activities/<int:activity_id>/scanners")
@login_required
def issue(activity_id: int):
    """Issue a scanner credential and show its one-time enrolment code as a QR code."""
    activity = _managed_activity(activity_id)
    form = _issue_form(activity)
    if not form.validate_on_submit():
        return _render_list(activity, form, 400)
    booth = db.session.get(Booth, form.booth.data) if form.booth.data != ENTRANCE else None
    credential, _token, code = credentials.issue(
        activity, label=form.label.data, booth=booth, hours=form.hours.data, actor=current_user
    )
    db.session.commit()
    link = enrol_url(code)
    page = render_template(
        "scanner/issued.html",
        activity=activity,
        credential=credential,
        link=link,
        # The SVG is made here from EventDesk's own link, never from what a user typed.
        qr_svg=Markup(qr.svg_inline(link)),  # noqa: S704
    )
    response = make_response(page)
    # The code is shown once; no cache may keep a copy of it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/manage/activities/<int:activity_id>/scanners/<int:credential_id>/revoke")
@login_required
def revoke(activity_id: int, credential_id: int):
    """Withdraw a device's access at once."""
    activity = _managed_activity(activity_id)
    credential = db.session.get(ScannerCredential, credential_id)
    if credential is None or credential.activity_id != activity.id:
        abort(404)
    credentials.revoke(credential, actor=current_user)
    db.session.commit()
    flash(_("Access withdrawn for %(label)s.", label=credential.label), "success")
    return redirect(url_for("scanner.credentials_list", activity_id=activity.id))
