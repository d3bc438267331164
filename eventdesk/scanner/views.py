"""Scanner pages: organizers issue and revoke device credentials; volunteers enrol and scan."""

import json

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from eventdesk.api.common import language
from eventdesk.auth.permissions import activity_page
from eventdesk.core import qr
from eventdesk.core.access import Need
from eventdesk.core.models import Activity, Booth, PersonCategory, ScannerCredential, utcnow
from eventdesk.core.scans.requests import _TOKEN_SHAPE
from eventdesk.core.services import credentials
from eventdesk.extensions import db
from eventdesk.scanner.assets import SHELL_ASSETS, asset_url, shell_version
from eventdesk.scanner.forms import ENTRANCE, IssueForm
from eventdesk.urls import enrol_url

bp = Blueprint("scanner", __name__)


@bp.context_processor
def _asset_urls():
    return {"asset_url": asset_url}


#: Where the device keeps its credential (localStorage); the enrolment and scanner pages share it.
STORAGE_KEY = "eventdesk.scanner"
#: How long the camera runs without reading a code before it pauses to save the battery.
IDLE_SECONDS = 60
#: A scan or walk-in waits this long for the server before it is saved for later.
REQUEST_TIMEOUT_MS = 5000
#: Offline scans go up in batches of at most this many (the API takes up to 1,000).
SYNC_BATCH_SIZE = 500


# -- organizers: the activity's scanner credentials -----------------------------------------


def _issue_form(activity: Activity) -> IssueForm:
    form = IssueForm()
    booths = [(b.id, b.label) for b in activity.booths if b.archived_at is None]
    form.booth.choices = [(ENTRANCE, _("Entrance (no booth)")), *booths]
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
@activity_page(Need.scanners)
def credentials_list(activity: Activity):
    """The activity's scanner devices, and the form that issues one."""
    return _render_list(activity, _issue_form(activity))


@bp.post("/manage/activities/<int:activity_id>/scanners")
@activity_page(Need.scanners)
def issue(activity: Activity):
    """Issue a scanner credential and show its one-time enrolment code as a QR code."""
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
@activity_page(Need.scanners)
def revoke(activity: Activity, credential_id: int):
    """Withdraw a device's access at once."""
    credential = db.session.get(ScannerCredential, credential_id)
    if credential is None or credential.activity_id != activity.id:
        abort(404)
    credentials.revoke(credential, actor=current_user)
    db.session.commit()
    flash(_("Access withdrawn for %(label)s.", label=credential.label), "success")
    return redirect(url_for("scanner.credentials_list", activity_id=activity.id))


# -- volunteers: enrolment and the scanner page ----------------------------------------------


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/scanner/enrol/<code>")
def enrol(code: str):
    """The enrolment link's page; its script spends the code, so a link preview cannot."""
    config = {
        "code": code[:200],
        "enrol_api": url_for("api.enrol"),
        "scanner_page": url_for("scanner.scanner"),
        "storage_key": STORAGE_KEY,
    }
    strings = {
        "working": _("Setting up this phone as a scanner…"),
        "done": _("Done. Opening the scanner…"),
        "used": _("This code has already been used or has expired. Ask an organizer for a new one."),
        "offline": _("No connection. Check the mobile data or Wi-Fi, then try again."),
        "failed": _("Something went wrong. Try again."),
        "storage": _("This browser cannot keep the scanner's access. Open the link in another browser."),
    }
    response = make_response(render_template("scanner/enrol.html", config=config, strings=strings))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return _no_store(response)


def _category_labels() -> dict[str, str]:
    labels = {
        PersonCategory.general: _("Resident"),
        PersonCategory.registered_poor: _("Registered poor household"),
        PersonCategory.low_income: _("Low income"),
        PersonCategory.employment_difficulty: _("Hard to employ"),
        PersonCategory.disabled: _("Person with disability"),
    }
    return {str(code): label for code, label in labels.items()}


def _scanner_strings() -> dict:
    """Every text the scanner's script shows, in the page's language."""
    return {
        "entrance": _("Entrance"),
        "checked_in": _("Checked in"),
        "inside": _("Inside now"),
        "walk_ins": _("Walk-ins"),
        "visits_here": _("Visits here"),
        "walk_ins_here": _("Walk-ins here"),
        "online": _("Online"),
        "offline": _("Offline"),
        "waiting": _("Waiting to send: {n}"),
        "send_now": _("Send now"),
        "walkin_counted": _("Walk-in counted"),
        "walkin_saved": _("Walk-in saved, not sent yet"),
        "accepted_in": _("Checked in"),
        "accepted_out": _("Checked out"),
        "accepted_booth": _("Visit recorded"),
        "duplicate": _("Already scanned"),
        "rejected": _("Not valid"),
        "queued": _("Saved, not yet checked"),
        "queued_detail": _("No connection. This scan will be checked when the phone is back online."),
        "not_a_ticket": _("This is not an EventDesk ticket. Nothing was saved."),
        "not_saved": _("This phone could not save the scan. Try again."),
        "first_seen": _("First scanned at {time} by {device}"),
        "expected_activity": _("This ticket is for: {name}"),
        "error": _("Could not check this scan"),
        "no_match": _("No one found."),
        "search_offline": _("Search needs a connection. You can still save a ticket code to check later."),
        "save_code": _("Save ticket code {code} to check later"),
        "already_in": _("checked in"),
        "cancelled": _("cancelled"),
        "camera_paused": _("Camera paused to save battery. Tap here to scan again."),
        "camera_error": _(
            "The camera cannot be used ({error}). Allow the camera, or use a hardware scanner or the search."
        ),
        "sync_done": _("{n} saved scans checked."),
        "sync_problems": _("Saved scans that need attention"),
        "sync_stuck": _("{n} saved scans cannot be sent with this phone's access. Ask an organizer."),
        "keep_queue": _("Saved scans stay on this phone."),
        "confirm_sign_out": _("Stop using this phone as a scanner?"),
        "confirm_sign_out_queue": _("{n} saved scans have not been sent and will be lost. Sign out anyway?"),
        "valid_until": _("Valid until {time}"),
        "walkin": _("Walk-in"),
        "undo": _("Undo last: {name}"),
        "undo_confirm": _("Undo the last scan ({name})? It will no longer count."),
        "undone": _("Last scan undone"),
        "undo_offline": _("Undoing needs a connection. Try again when the phone is online."),
        "photo_no_code": _(
            "No ticket code could be read in this photo. Hold the phone closer and take it again."
        ),
        "actions_for": _("For {name}:"),
        "this_person": _("this person"),
        "record_without_ticket": _("Record without a ticket"),
        "optional": _("(optional)"),
        "choose": _("Choose…"),
        "fill_in": _("Fill in: {label}"),
        "action_recorded": _("Recorded: {label}"),
        "action_saved": _("Saved on this phone; it will be sent when the connection is back."),
        "action_needs_connection": _("This needs a connection. Try again when the phone is online."),
        "undo_reason": _("Why undo {name}? (the organizers read this)"),
        "categories": _category_labels(),
    }


@bp.get("/scanner")
def scanner():
    """The volunteer's scanner: camera, hardware scanner, search, walk-ins, offline queue."""
    config = {
        "storage_key": STORAGE_KEY,
        "service_worker": url_for("scanner.service_worker"),
        "scope": url_for("scanner.scanner"),
        "api": {
            "scan": url_for("api.post_scan"),
            "batch": url_for("api.post_batch"),
            "walkin": url_for("api.post_walkin"),
            # The scan and action ids 0 are replaced by the script.
            "void": url_for("api.void", scan_id=0),
            "action_void": url_for("api.void_recorded_action", action_id=0),
            "activities": url_for("api.list_activities"),
        },
        # What a ticket token looks like, from the check-in service itself: offline, only
        # codes of that shape are kept, so no foreign QR content is stored on the phone.
        "token_pattern": _TOKEN_SHAPE.pattern,
        "idle_seconds": IDLE_SECONDS,
        "request_timeout_ms": REQUEST_TIMEOUT_MS,
        "batch_size": SYNC_BATCH_SIZE,
    }
    page = render_template(
        "scanner/scanner.html",
        config=config,
        strings=_scanner_strings(),
    )
    response = make_response(page)
    # Always asked again when online; offline, the service worker answers from its cache.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    return response


@bp.get("/scanner/manifest.webmanifest")
def manifest():
    """What a phone needs to put the scanner on its home screen and open it like an app."""
    scanner_page = url_for("scanner.scanner")
    document = {
        "name": _("EventDesk scanner"),
        "short_name": _("Scanner"),
        "start_url": scanner_page,
        "scope": scanner_page,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#eef1f4",
        "theme_color": "#14181d",
        "lang": "en" if language() == "en" else "zh-CN",
        "icons": [
            {
                "src": asset_url(f"icons/scanner-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = make_response(json.dumps(document, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/scanner/sw.js")
def service_worker():
    """The scanner's service worker: keeps the page and its files for use without a network."""
    script = render_template(
        "scanner/sw.js",
        version=shell_version(),
        shell=url_for("scanner.scanner"),
        assets=[asset_url(name) for name in SHELL_ASSETS],
    )
    response = make_response(script)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    # The worker lives under /scanner/ but looks after the page at /scanner itself.
    response.headers["Service-Worker-Allowed"] = url_for("scanner.scanner")
    return response
