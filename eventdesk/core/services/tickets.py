"""Tickets as staff handle them at a registration desk: their state, ticking someone present,
and testing a ticket against the check-in rules without recording anything.

Both actions go through the check-in service (`core.scans.service.judge_scans`), so a desk
can never judge a ticket differently from a volunteer's scanner.
"""

import datetime as dt
import enum
import uuid

from eventdesk.core.models import Activity, Direction, Registration, User
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.model import ActivityInfo, Scanner, ScanOutcome
from eventdesk.core.scans.requests import ScanRequest, looks_like_token, token_from_presented
from eventdesk.core.scans.service import judge_scans
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError

#: What a pasted ticket may be at most: a ticket page's whole address.
MAX_PRESENTED_LENGTH = 2048


class TicketState(enum.StrEnum):
    """What a ticket's holder and the staff are told about it."""

    valid = "valid"
    checked_in = "checked_in"
    cancelled = "cancelled"


def ticket_state(registration: Registration) -> TicketState:
    """Cancelled wins over checked in: a cancelled ticket admits nobody, whatever happened before."""
    if registration.revoked_at is not None:
        return TicketState.cancelled
    if registration.checked_in_at is not None:
        return TicketState.checked_in
    return TicketState.valid


def check_in_at_desk(
    activity: Activity,
    registration: Registration,
    user: User,
    *,
    client_scan_id: str,
    now: dt.datetime | None = None,
) -> ScanOutcome:
    """Tick a person present: an entrance check-in by a staff member, judged like any scan.

    `client_scan_id` comes with the form the staff member pressed, so pressing twice (or a
    browser resending the form) is a replay of the same scan, never a second one.

    :raises ServiceError: ``malformed`` when the scan id is not a UUID, ``not_found`` when
        the registration is not the activity's.
    """
    client_scan_id = _scan_id(client_scan_id)
    if registration.activity_id != activity.id:
        raise ServiceError("not_found", status=404)
    request = ScanRequest(client_scan_id=client_scan_id, registration_id=registration.id)
    scanner = Scanner.for_user(user)
    [outcome] = judge_scans(
        borrowed_connection(), ActivityInfo.of(activity), scanner, [request], channel="manual", now=now
    )
    return outcome


def try_ticket(
    activity: Activity,
    user: User,
    presented: str,
    *,
    booth_id: int | None = None,
    direction: str = Direction.entry,
    now: dt.datetime | None = None,
) -> ScanOutcome:
    """What a scan of `presented` (a ticket address, token or code) would be answered now; writes nothing.

    :raises ServiceError: ``malformed`` when nothing that could be a ticket was given.
    """
    request = ScanRequest(
        client_scan_id=str(uuid.uuid4()),
        booth_id=booth_id,
        direction=Direction(direction),
        **presented_ticket(presented),
    )
    [outcome] = judge_scans(
        borrowed_connection(),
        ActivityInfo.of(activity),
        Scanner.for_user(user),
        [request],
        channel="manual",
        now=now,
        dry_run=True,
    )
    return outcome


def presented_ticket(text: str) -> dict[str, str]:
    """How pasted text names a ticket: ``{"token": …}`` for an address or token, else ``{"ticket_code": …}``.

    :raises ServiceError: ``malformed`` (field ``ticket``) for empty or absurdly long text.
    """
    text = (text or "").strip()
    if not text or len(text) > MAX_PRESENTED_LENGTH:
        raise ServiceError("malformed", field="ticket")
    if "/" in text:
        token = token_from_presented(text)
        if not token:
            raise ServiceError("malformed", field="ticket")
        return {"token": token}
    if looks_like_token(text):
        return {"token": text}
    code = normalise_ticket_code(text)
    if not code or len(code) > 32:
        raise ServiceError("malformed", field="ticket")
    return {"ticket_code": code}


def _scan_id(value: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ServiceError("malformed", field="scan_id") from None
