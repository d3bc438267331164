"""Turning service answers into what a page shows: form errors, judged scans, ticket codes."""

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field

from eventdesk.core.models import ScanResult
from eventdesk.core.scans.model import ScanOutcome
from eventdesk.core.services.tickets import TicketState
from eventdesk.errors import ServiceError, reason_message
from eventdesk.fieldforms import input_name
from eventdesk.formatting import local_time

#: Flash category (and CSS class) of each result: green, amber, red.
RESULT_CATEGORY = {
    ScanResult.accepted: "success",
    ScanResult.duplicate: "warning",
    ScanResult.rejected: "error",
}


def apply_service_error(form: FlaskForm, error: ServiceError) -> int:
    """Show a refusal beside the field it is about (or above the form); returns the HTTP status."""
    field = None
    if error.field:
        field = getattr(form, error.field, None) or getattr(form, input_name(error.field), None)
    if isinstance(field, Field):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
    return error.status


def group_code(code: str) -> str:
    """A ticket code in groups of four, to read aloud: 7KM4QH9T → 7KM4 QH9T."""
    return " ".join(code[start : start + 4] for start in range(0, len(code), 4))


def outcome_category(outcome: ScanOutcome) -> str:
    return RESULT_CATEGORY.get(outcome.result, "error")


def outcome_message(outcome: ScanOutcome, name: str, timezone: str) -> str:
    """One sentence for a judged check-in: who, and what came of it."""
    if outcome.result == ScanResult.accepted:
        return _("%(name)s is checked in.", name=name)
    if outcome.result == ScanResult.duplicate:
        text = _("%(name)s: %(reason)s", name=name, reason=reason_message(outcome.reason or ""))
        if outcome.first_seen_at is not None:
            text += " " + _(
                "First checked in at %(time)s by %(device)s.",
                time=local_time(outcome.first_seen_at, timezone, "%H:%M"),
                device=outcome.first_seen_device,
            )
        return text
    return _("Not checked in: %(reason)s", reason=reason_message(outcome.reason or "malformed"))


#: What a ticket's state is called on the holder's page and on the staff pages.
STATE_LABELS = {
    TicketState.valid: _l("Valid"),
    TicketState.checked_in: _l("Checked in"),
    TicketState.cancelled: _l("Cancelled"),
}
#: The badge colour of each state.
STATE_BADGES = {TicketState.valid: "", TicketState.checked_in: "ok", TicketState.cancelled: "bad"}


#: A judged scan's result, on the staff pages.
RESULT_LABELS = {
    ScanResult.accepted: _l("Accepted"),
    ScanResult.duplicate: _l("Already done"),
    ScanResult.rejected: _l("Refused"),
}
RESULT_BADGES = {ScanResult.accepted: "ok", ScanResult.duplicate: "warn", ScanResult.rejected: "bad"}


def display_name(name: str, name_en: str | None) -> str:
    """A bilingual name in the reader's language."""
    locale = get_locale()
    return name_en if name_en and locale is not None and locale.language == "en" else name
