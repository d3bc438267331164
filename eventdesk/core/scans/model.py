"""The values the check-in service works with: who scans, where, which ticket, what came of it."""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from eventdesk.core.models import Activity, ScannerCredential, User


@dataclass(frozen=True)
class ActivityInfo:
    """What judging a scan needs to know about the activity scanned at."""

    id: int
    event_id: int
    kind: str
    name: str
    name_en: str | None
    timezone: str
    opens_at: dt.datetime
    closes_at: dt.datetime

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def of(cls, activity: Activity) -> "ActivityInfo":
        return cls(
            id=activity.id,
            event_id=activity.event_id,
            kind=activity.kind,
            name=activity.name,
            name_en=activity.name_en,
            timezone=activity.event.timezone,
            opens_at=activity.opens_at,
            closes_at=activity.closes_at,
        )


@dataclass(frozen=True)
class Scanner:
    """Who makes a scan: a scanner credential (one device) or a staff member.

    `booth_id` is the booth a booth-bound credential scans for; `expires_at` lets an
    expired credential still sync scans it made in time.
    """

    label: str
    credential_id: int | None = None
    user_id: int | None = None
    booth_id: int | None = None
    expires_at: dt.datetime | None = None
    #: Taken from memory (`recent`): judging asks whether it has been revoked since.
    revocation_unchecked: bool = False

    @classmethod
    def for_credential(cls, credential: ScannerCredential) -> "Scanner":
        return cls(
            label=credential.label,
            credential_id=credential.id,
            booth_id=credential.booth_id,
            expires_at=credential.expires_at,
        )

    @classmethod
    def for_user(cls, user: User) -> "Scanner":
        return cls(label=user.name, user_id=user.id)


@dataclass(frozen=True)
class TicketInfo:
    """A registration as the check-in sees it: whose, for which activity, cancelled or not."""

    registration_id: int
    activity_id: int
    event_id: int
    activity_name: str
    activity_name_en: str | None
    revoked: bool
    person_name: str
    category: str
    #: The kind's metrics its holder adds to when checked in (`Registration.present_metrics`).
    present_metrics: tuple[str, ...] = ()


@dataclass
class ScanOutcome:
    """The judgement of one scan, as stored and as answered."""

    result: str
    reason: str | None = None
    scan_id: int | None = None
    ticket: TicketInfo | None = None
    #: For a duplicate: when and by which device the ticket was first accepted there.
    first_seen_at: dt.datetime | None = None
    first_seen_device: str | None = None
    #: The activity a ticket of another activity belongs to (``wrong_activity``).
    expected_activity: tuple[int, str, str | None] | None = None
    #: The client scan id had been used for different content (nothing stored or changed).
    conflict: bool = False
