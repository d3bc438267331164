"""Typed errors with stable reason codes, and their translated messages.

A service raises `ServiceError("capacity_full")`; the HTML view shows its translated
message, the JSON API answers ``{"error": {"code": "capacity_full", "message": …}}``.
Codes never change; messages are translated at the edge (``Accept-Language``).
"""

import contextlib
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

#: Every reason code EventDesk answers with, and what it tells a person.
REASONS = {
    # Scans (API.md, scan rules)
    "unknown_token": _l("Unknown ticket: this code is not an EventDesk ticket."),
    "wrong_activity": _l("This ticket is for another activity."),
    "wrong_event": _l("This ticket is for another event."),
    "wrong_booth": _l("Wrong booth: this device, or what was chosen, belongs to another booth."),
    "revoked": _l("This ticket has been cancelled."),
    "not_open": _l("The activity is not open at this time."),
    "malformed": _l("The scan could not be read."),
    "already_in": _l("Already checked in."),
    "not_inside": _l("Not checked in, so cannot leave."),
    "already_visited": _l("Already visited this booth today."),
    "client_scan_id_reused": _l("This scan id was already used for a different scan."),
    "batch_too_large": _l("Too many scans in one batch (at most 1,000)."),
    "not_voidable": _l("Only an accepted scan or walk-in can be undone."),
    "already_voided": _l("This scan has already been undone."),
    "not_latest": _l("Only the ticket's latest entry or exit can be undone."),
    "credential_expired": _l("This scanner's access has expired. Ask an organizer for a new one."),
    "credential_revoked": _l("This scanner's access has been withdrawn."),
    # Actions (API.md, activity kinds)
    "not_offered": _l("This booth does not record this."),
    "void_window_passed": _l("It is too late to undo this here (30 minutes); ask an organizer."),
    "client_action_id_reused": _l("This action id was already used for a different action."),
    # Registration
    "already_registered": _l(
        "This name and phone number are already registered for this activity. Open the link "
        "you were given, or ask the staff at the activity."
    ),
    "registration_closed": _l("Registration for this activity is not open."),
    "capacity_full": _l("This activity is full."),
    "phone_limit": _l("This phone number has reached the number of registrations allowed."),
    "consent_required": _l("Please agree to how your information will be used."),
    "invalid_phone": _l("Enter an 11-digit mainland mobile number."),
    "invalid_id_number": _l("This ID number is not valid; please check it."),
    "invalid_desk_places": _l("Places kept for the desk must be a whole number, no more than the capacity."),
    "verification_required": _l("Enter the code texted to this phone (ask for a new one if it has expired)."),
    "verification_off": _l("Phones are not checked by text message here: register without a code."),
    "invalid_retention": _l("Keep personal data between 30 and 1100 days."),
    "already_anonymised": _l("This person's data has already been removed."),
    "already_carried_out": _l("This deletion has already been carried out."),
    "invalid_name": _l("Enter a name."),
    "identity_mismatch": _l("This name and phone number are registered with another ID number."),
    # Requests
    "unauthorized": _l("Sign in or send a valid access token."),
    "forbidden": _l("You may not do this."),
    "not_found": _l("Not found."),
    "bad_request": _l("The request could not be understood."),
    "invalid_json": _l("The request body is not valid JSON."),
    "invalid_field": _l("A field is missing or has the wrong type."),
    "invalid_image": _l("The picture could not be read as a PNG image; draw or take it again."),
    "image_too_large": _l("The picture is too large; clear it and draw it again, smaller."),
    "body_too_large": _l("The request is too large."),
    "rate_limited": _l("Too many requests; wait a minute and try again."),
    "method_not_allowed": _l("This method is not allowed here."),
    "csrf_failed": _l("The form expired or was sent from elsewhere; reload the page and try again."),
    "email_taken": _l("An account with this e-mail already exists."),
    "password_too_short": _l("Passwords need at least 8 characters."),
    "enrol_code_used": _l("This enrolment code has already been used or has expired."),
    "server_error": _l("Something went wrong on the server; please try again."),
    "database_unavailable": _l(
        "The database is not answering for the moment, so nothing was done. Try again in a "
        "little while; a scanner keeps its scans and sends them by itself."
    ),
    "streams_busy": _l("Too many live views are open; this page refreshes every few seconds instead."),
    # Setting up events, places, departments, activities, booths and staff accounts
    "text_required": _l("Fill in this field."),
    "text_too_long": _l("This is longer than the field allows."),
    "invalid_text": _l(
        "Remove the invisible or control characters (such as zero-width spaces) from this text."
    ),
    "invalid_code": _l(
        "Use 1 to 20 lower-case letters, digits, hyphens or underscores, starting with a letter."
    ),
    "code_taken": _l("This code is already in use."),
    "name_taken": _l("This name is already in use here."),
    "invalid_sort_order": _l("Enter a whole number from 0 to 9999."),
    "invalid_timezone": _l("Unknown time zone; enter a name such as Asia/Shanghai."),
    "date_out_of_range": _l("Choose a date between 2000 and 2099."),
    "dates_out_of_order": _l("The last day cannot be before the first day."),
    "activities_outside_dates": _l(
        "Some activities of this event fall outside these dates; change their hours first."
    ),
    "unknown_kind": _l("Unknown kind of activity."),
    "hours_out_of_order": _l("The closing time must be after the opening time."),
    "hours_outside_event": _l("The opening hours must lie within the event's dates."),
    "hours_span_days": _l("An activity is held on one day: it must close by midnight of the day it opens."),
    "invalid_capacity": _l(
        "Leave the capacity empty for no limit, or enter a whole number from 1 to 1,000,000."
    ),
    "lead_is_cooperator": _l("The lead department cannot also be a cooperating department."),
    "department_not_taking_part": _l(
        "This department neither leads nor cooperates in the activity. Confirm adding it as a "
        "cooperating department (the box below) to let it staff a booth here."
    ),
    "department_staffs_booth": _l(
        "A department that staffs a booth of this activity must stay its lead or a cooperating department."
    ),
    "in_use": _l(
        "Other records refer to this, so it cannot be deleted. Archive it instead: it leaves the "
        "lists and forms and stays in the reports."
    ),
    "outside_scope": _l("This is outside the districts and departments you are responsible for."),
    "admin_not_scoped": _l("Administrators reach everything: remove the limits or choose another role."),
    "own_access": _l("You cannot remove your own administrator role or deactivate your own account."),
    # Imports from spreadsheets
    "import_unreadable": _l(
        "This file could not be read. Save it as an Excel workbook (.xlsx) or as a CSV file "
        "(.csv) and try again."
    ),
    "import_missing_column": _l(
        "A column this import needs is missing from the header row (for example 姓名, 手机号 or 票码)."
    ),
    "import_empty": _l("The file has no rows to import."),
    "import_too_large": _l("The file has too many rows (at most 20,000); split it into smaller files."),
    "import_rejected": _l(
        "Nothing was imported because some rows have errors. Correct those rows, or choose to "
        "skip them and import the rest."
    ),
    "import_no_ticket": _l("Give the ticket code, or the name and phone number."),
    "import_not_registered": _l("Nobody with this name and phone number is registered for this activity."),
    "import_bad_time": _l("The check-in time could not be read; write it like 2026-10-17 09:30."),
    "import_bad_category": _l(
        "Unknown person category; write 建档立卡贫困户, 低收入人口, 就业困难人员, 残疾人 or 普通群众."
    ),
    # Demo data
    "demo_in_production": _l("The demo is never loaded in production (EVENTDESK_ENV=production)."),
    "demo_needs_force": _l(
        "This database holds events that are not the demo; add --force to load the demo beside them."
    ),
}


def register_reasons(reasons: dict) -> None:
    """Add an activity kind's own reason codes (codes must not clash with other ones; the same
    kind registered again, as in every app a test builds, is no clash)."""
    clash = {code for code, message in reasons.items() if code in REASONS and REASONS[code] is not message}
    if clash:
        raise ValueError(f"reason codes already defined: {sorted(clash)}")
    REASONS.update(reasons)


def reason_message(code: str) -> str:
    """The translated message for a reason code."""
    label = REASONS.get(code)
    return str(label) if label is not None else code


class ServiceError(Exception):
    """A domain action refused, with a stable code and the HTTP status an API answers with.

    `field` names the input at fault, when one is, so a form can show the message beside it.
    """

    def __init__(self, code: str, *, status: int = 400, field: str | None = None, **detail):
        if code not in REASONS:
            raise ValueError(f"unknown reason code {code!r}")
        super().__init__(code)
        self.code = code
        self.status = status
        self.field = field
        self.detail = detail

    @property
    def message(self) -> str:
        return reason_message(self.code)

    def to_json(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        error.update(self.detail)
        return {"error": error}


class ServiceErrors(ServiceError):
    """Several refusals of one change, given together, so that a form shows every field at fault
    at once. It reads as its first refusal; the API adds them all as ``errors``."""

    def __init__(self, errors: list[ServiceError]):
        first = errors[0]
        super().__init__(first.code, status=first.status, field=first.field, **first.detail)
        self.errors = errors

    def to_json(self) -> dict:
        answer = super().to_json()
        answer["error"]["errors"] = [error.to_json()["error"] for error in self.errors]
        return answer


class Refusals:
    """Runs checks that do not depend on each other and raises all their refusals at once."""

    def __init__(self):
        self.errors: list[ServiceError] = []

    @contextlib.contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ServiceError as error:
            self.errors.append(error)

    def add(self, error: ServiceError) -> None:
        self.errors.append(error)

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ServiceErrors(self.errors)
