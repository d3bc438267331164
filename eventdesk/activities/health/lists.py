"""The health day's lists to download, for organizers only (health data, in no form below them):
the services given, and the referrals to follow up."""

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventdesk.activities.health import queries
from eventdesk.activities.health.models import ServiceGiven
from eventdesk.core.identity import mask_name, mask_phone
from eventdesk.core.models import Activity
from eventdesk.reports.exports import Column
from eventdesk.reports.registry import ListExport


def _rows(activity: Activity, day: dt.date | None, *, referrals_only: bool):
    conditions = [ServiceGiven.activity_id == activity.id]
    if day is not None:
        conditions.append(ServiceGiven.local_day == day)
    if referrals_only:
        conditions.append(ServiceGiven.referral.is_(True))
    rows = queries.services_given(*conditions)
    rows.sort(key=lambda row: (row.station.sort_order, row.station.id, row.given_at))
    zone = activity.event.zone
    for row in rows:
        yield {
            "given_at": row.given_at.astimezone(zone),
            "station": row.station.label,
            "service": row.service.label,
            "ticket_code": row.registration.ticket_code,
            "name": row.person.name,
            "phone": row.person.phone,
            "village": row.person.village,
            "referral": _("Yes") if row.referral else _("No"),
            "note": row.note,
            "given_by": row.given_by,
        }


def service_rows(activity: Activity, day: dt.date | None):
    return _rows(activity, day, referrals_only=False)


def referral_rows(activity: Activity, day: dt.date | None):
    return _rows(activity, day, referrals_only=True)


_PERSON = (
    Column("ticket_code", _l("Ticket code")),
    Column("name", _l("Full name"), mask=mask_name),
    Column("phone", _l("Mobile phone"), mask=mask_phone),
    Column("village", _l("Village")),
)

SERVICES = ListExport(
    name="services",
    label=_l("Services given"),
    columns=(
        Column("given_at", _l("Given at"), "datetime"),
        Column("station", _l("Station")),
        Column("service", _l("Service")),
        *_PERSON,
        Column("referral", _l("Referred on (转诊)")),
        Column("note", _l("Note")),
        Column("given_by", _l("Recorded by")),
    ),
    rows=service_rows,
    by_day=True,
    organizers_only=True,
)

REFERRALS = ListExport(
    name="referrals",
    label=_l("Referrals to follow up"),
    columns=(
        Column("given_at", _l("Given at"), "datetime"),
        Column("station", _l("Station")),
        Column("service", _l("Service")),
        *_PERSON,
        Column("note", _l("Note")),
        Column("given_by", _l("Recorded by")),
    ),
    rows=referral_rows,
    by_day=True,
    organizers_only=True,
)

LISTS = (SERVICES, REFERRALS)
