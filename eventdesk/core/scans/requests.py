"""What a scanner asks: parsing and checking one scan or walk-in from JSON.

A request that cannot be read is `MalformedScan`; the single-scan endpoint answers it
with HTTP 400, a batch answers that item ``rejected``/``malformed`` and goes on.
"""

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from eventdesk.core.models import Direction, ScanKind
from eventdesk.core.tokens import normalise_ticket_code

#: What a ticket token looks like (`tokens.new_ticket_token`); anything else is unknown.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_PRESENTED_LENGTH = 2048
MAX_WALKIN_COUNT = 500


class MalformedScan(ValueError):
    """The request is not a scan EventDesk can read; `field` names the culprit."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class ScanRequest:
    """One scan or walk-in as the device sent it, checked for shape but not yet judged."""

    client_scan_id: str
    kind: str = ScanKind.ticket
    #: Exactly one of these names the ticket (tickets only).
    token: str | None = None
    ticket_code: str | None = None
    registration_id: int | None = None
    booth_id: int | None = None
    direction: str = Direction.entry
    scanned_at: dt.datetime | None = None
    #: People counted (walk-ins); 1 for a ticket.
    headcount: int = 1
    #: Activity named by a staff member's request (scanner credentials carry their own).
    activity_id: int | None = None

    @property
    def fingerprint(self) -> str:
        """What tells a replay (same content) from a reused scan id (other content)."""
        content = [
            self.kind,
            self.token,
            self.ticket_code,
            self.registration_id,
            self.booth_id,
            self.direction if self.kind == ScanKind.ticket else None,
            self.scanned_at.isoformat() if self.scanned_at else None,
            self.headcount,
        ]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()[:32]


def parse_client_scan_id(value) -> str:
    if not isinstance(value, str) or len(value) > 64:
        raise MalformedScan("client_scan_id")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise MalformedScan("client_scan_id") from None


def whole_number(value) -> int | None:
    """A JSON number without a fraction (``3`` or ``3.0``, both integers to JSON Schema), else None.

    JSON true/false are ints to Python; they are not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value if isinstance(value, int) else None


def _optional_int(item: dict, field: str) -> int | None:
    value = item.get(field)
    if value is None:
        return None
    number = whole_number(value)
    if number is None or not 0 < number < 2**63:
        raise MalformedScan(field)
    return number


def parse_scanned_at(value) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise MalformedScan("scanned_at")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise MalformedScan("scanned_at") from None
    if moment.tzinfo is None:
        # RFC 3339 times carry an offset; a bare local time is ambiguous.
        raise MalformedScan("scanned_at")
    return moment.astimezone(dt.UTC)


def token_from_presented(text: str) -> str:
    """The ticket token in what was read: a bare token or the ticket page's URL.

    Only the URL's path is read (its last segment), so the same QR code works whatever
    address the ticket was issued under. A string that cannot be a token is returned as
    it is, to be judged ``unknown_token``.
    """
    text = text.strip()
    if "/" in text:
        path = urlsplit(text).path.rstrip("/")
        text = path.rsplit("/", 1)[-1]
    return text


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN_SHAPE.fullmatch(text))


def parse_scan(item) -> ScanRequest:
    """A ticket scan from its JSON object (API.md, POST /api/v1/scans)."""
    if not isinstance(item, dict):
        raise MalformedScan("scan")
    client_scan_id = parse_client_scan_id(item.get("client_scan_id"))
    token = item.get("token")
    ticket_code = item.get("ticket_code")
    registration_id = _optional_int(item, "registration_id")
    named = [value for value in (token, ticket_code, registration_id) if value is not None]
    if len(named) != 1:
        raise MalformedScan("token")
    if token is not None:
        if not isinstance(token, str) or not token.strip() or len(token) > MAX_PRESENTED_LENGTH:
            raise MalformedScan("token")
        token = token_from_presented(token)
    if ticket_code is not None:
        if not isinstance(ticket_code, str) or len(ticket_code) > 32:
            raise MalformedScan("ticket_code")
        ticket_code = normalise_ticket_code(ticket_code)
        if not ticket_code:
            raise MalformedScan("ticket_code")
    direction = item.get("direction", Direction.entry)
    if direction not in (Direction.entry, Direction.exit):
        raise MalformedScan("direction")
    return ScanRequest(
        client_scan_id=client_scan_id,
        token=token,
        ticket_code=ticket_code,
        registration_id=registration_id,
        booth_id=_optional_int(item, "booth_id"),
        direction=Direction(direction),
        scanned_at=parse_scanned_at(item.get("scanned_at")),
        activity_id=_optional_int(item, "activity_id"),
    )


def parse_walkin(item) -> ScanRequest:
    """A walk-in count from its JSON object (API.md, POST /api/v1/walkins)."""
    if not isinstance(item, dict):
        raise MalformedScan("walkin")
    count = item.get("count")
    if count is None:
        count = 1
    count = whole_number(count)
    if count is None or not 1 <= count <= MAX_WALKIN_COUNT:
        raise MalformedScan("count")
    return ScanRequest(
        client_scan_id=parse_client_scan_id(item.get("client_scan_id")),
        kind=ScanKind.walkin,
        booth_id=_optional_int(item, "booth_id"),
        scanned_at=parse_scanned_at(item.get("scanned_at")),
        headcount=count,
        direction=Direction.entry,
        activity_id=_optional_int(item, "activity_id"),
    )
