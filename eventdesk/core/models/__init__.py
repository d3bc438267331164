"""The core domain models; importing this package registers them all with the metadata."""

from eventdesk.core.models.actions import Action, ActionVoid
from eventdesk.core.models.audit import AuditLog
from eventdesk.core.models.base import Base, utcnow
from eventdesk.core.models.events import Activity, Booth, Event, activity_cooperator
from eventdesk.core.models.limits import PhoneVerification, RateLimitCounter
from eventdesk.core.models.people import (
    DeletionRequest,
    Person,
    PersonCategory,
    Registration,
    RegistrationSource,
)
from eventdesk.core.models.places import Department, District, Site
from eventdesk.core.models.scans import BoothVisit, Direction, Scan, ScanKind, ScanResult
from eventdesk.core.models.staff import ApiToken, Role, ScannerCredential, User, UserScope
from eventdesk.core.models.tally import WHOLE_ACTIVITY, ArrivalCount, TallyCount

__all__ = [
    "WHOLE_ACTIVITY",
    "Action",
    "ActionVoid",
    "Activity",
    "ApiToken",
    "ArrivalCount",
    "AuditLog",
    "Base",
    "Booth",
    "BoothVisit",
    "DeletionRequest",
    "Department",
    "Direction",
    "District",
    "Event",
    "Person",
    "PersonCategory",
    "PhoneVerification",
    "RateLimitCounter",
    "Registration",
    "RegistrationSource",
    "Role",
    "Scan",
    "ScanKind",
    "ScanResult",
    "ScannerCredential",
    "Site",
    "TallyCount",
    "User",
    "UserScope",
    "activity_cooperator",
    "utcnow",
]
