"""The lists every activity has: its registrations and its check-ins (accepted ticket scans).

Kinds declare their own lists in their `ActivityKind` (``lists``).
"""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from eventdesk.core.access import can_manage_activity
from eventdesk.core.identity import mask_id_number, mask_name, mask_phone
from eventdesk.core.models import Activity, Booth, Person, Registration, Scan, ScanKind, ScanResult, User
from eventdesk.extensions import db
from eventdesk.reports.exports import Column, Sheet
from eventdesk.reports.registry import CORE_LISTS, ListExport
from eventdesk.vocabulary import PERSON_CATEGORIES, REGISTRATION_SOURCES, SCAN_CHANNELS, label_of

DIRECTION_LABELS = {"in": _l("In"), "out": _l("Out")}


def _local(moment: dt.datetime | None, activity: Activity) -> dt.datetime | None:
    return moment.astimezone(activity.event.zone) if moment is not None else None


NAME = Column("name", _l("Full name"), mask=mask_name)
PHONE = Column("phone", _l("Mobile phone"), mask=mask_phone)
ID_NUMBER = Column("id_number", _l("ID number"), mask=mask_id_number)
TICKET_CODE = Column("ticket_code", _l("Ticket code"))
CATEGORY = Column("category", _l("Category"))


def registration_rows(activity: Activity, _day: dt.date | None):
    rows = db.session.execute(
        sa.select(Registration, Person)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.activity_id == activity.id)
        .order_by(Registration.created_at, Registration.id)
    )
    for registration, person in rows:
        yield {
            "ticket_code": registration.ticket_code,
            "name": person.name,
            "phone": person.phone,
            "id_number": person.id_number_masked,
            "village": person.village,
            "category": label_of(PERSON_CATEGORIES, person.category),
            "source": label_of(REGISTRATION_SOURCES, registration.source),
            "registered_at": _local(registration.created_at, activity),
            "checked_in_at": _local(registration.checked_in_at, activity),
            "status": str(_l("Cancelled") if registration.revoked_at else _l("Valid")),
        }


REGISTRATIONS = ListExport(
    name="registrations",
    label=_l("Registrations"),
    columns=(
        TICKET_CODE,
        NAME,
        PHONE,
        ID_NUMBER,
        Column("village", _l("Village or township")),
        CATEGORY,
        Column("source", _l("How registered")),
        Column("registered_at", _l("Registered at"), "datetime"),
        Column("checked_in_at", _l("Checked in at"), "datetime"),
        Column("status", _l("Ticket status")),
    ),
    rows=registration_rows,
)


def checkin_rows(activity: Activity, day: dt.date | None):
    voids = so.aliased(Scan)
    voided = sa.select(voids.voids_scan_id).where(voids.voids_scan_id.is_not(None))
    statement = (
        sa.select(Scan, Registration.ticket_code, Person, Booth)
        .join(Registration, Registration.id == Scan.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(Booth, Booth.id == Scan.booth_id)
        .where(
            Scan.activity_id == activity.id,
            Scan.kind == ScanKind.ticket,
            Scan.result == ScanResult.accepted,
            Scan.id.not_in(voided),
        )
        .order_by(Scan.counted_at, Scan.id)
    )
    if day is not None:
        statement = statement.where(Scan.local_day == day)
    entrance = str(_l("Entrance"))
    for scan, ticket_code, person, booth in db.session.execute(statement):
        yield {
            "counted_at": _local(scan.counted_at, activity),
            "local_day": scan.local_day,
            "place": booth.label if booth is not None else entrance,
            "direction": label_of(DIRECTION_LABELS, scan.direction) if booth is None else "",
            "device": scan.device,
            "channel": label_of(SCAN_CHANNELS, scan.channel),
            "ticket_code": ticket_code,
            "name": person.name,
            "phone": person.phone,
            "category": label_of(PERSON_CATEGORIES, person.category),
        }


CHECKINS = ListExport(
    name="checkins",
    label=_l("Check-ins"),
    columns=(
        Column("counted_at", _l("Time"), "datetime"),
        Column("local_day", _l("Day"), "date"),
        Column("place", _l("Place")),
        Column("direction", _l("Direction")),
        Column("device", _l("Device")),
        Column("channel", _l("Channel")),
        TICKET_CODE,
        NAME,
        PHONE,
        CATEGORY,
    ),
    rows=checkin_rows,
    by_day=True,
)

CORE_LISTS += [REGISTRATIONS, CHECKINS]


def list_sheet(export: ListExport, activity: Activity, user: User, day: dt.date | None = None) -> Sheet:
    """The list as a sheet for `user`: personal columns in full only for those who manage the activity."""
    sheet = Sheet(
        title=export.label,
        columns=list(export.columns),
        rows=export.rows(activity, day if export.by_day else None),
    )
    return sheet if can_manage_activity(user, activity) else sheet.masked()
