"""The ceremony's lists to download: the households absent (for delivering their keys later), and
every household with where its keys stand."""

import datetime as dt

from flask_babel import lazy_gettext as _l

from eventdesk.activities.handover import queries
from eventdesk.activities.handover.vocabulary import PROGRAMMES, RECIPIENTS, label_of
from eventdesk.core.identity import mask_id_number, mask_name, mask_phone
from eventdesk.core.models import Activity
from eventdesk.reports.exports import Column
from eventdesk.reports.registry import ListExport

STATE_LABELS = {
    queries.PRESENT: _l("Present, waiting for their keys"),
    queries.HANDED_OVER: _l("Keys received"),
    queries.ABSENT: _l("Absent"),
}

HOUSEHOLD_COLUMNS = (
    Column("settlement", _l("Settlement")),
    Column("building", _l("Building")),
    Column("unit", _l("Home number")),
    Column("head_name", _l("Head of household"), mask=mask_name),
    Column("id_number", _l("ID number"), mask=mask_id_number),
    Column("phone", _l("Mobile phone"), mask=mask_phone),
    Column("members", _l("Members"), "int"),
    Column("programme", _l("Rehousing programme")),
    Column("origin_village", _l("Village moved from")),
    Column("ticket_code", _l("Ticket code")),
)


def _household(row: queries.HouseholdRow) -> dict:
    household, person = row.household, row.person
    return {
        "settlement": household.settlement,
        "building": household.building,
        "unit": household.unit,
        "head_name": person.name,
        "id_number": person.id_number_masked,
        "phone": person.phone,
        "members": household.members,
        "programme": label_of(PROGRAMMES, household.programme),
        "origin_village": household.origin_village,
        "ticket_code": row.registration.ticket_code,
    }


def absent_rows(activity: Activity, _day: dt.date | None):
    for row in queries.in_state(queries.households(activity), queries.ABSENT):
        yield _household(row)


def household_rows(activity: Activity, _day: dt.date | None):
    zone = activity.event.zone
    for row in queries.households(activity):
        handover = row.handover
        yield {
            **_household(row),
            "state": str(STATE_LABELS[row.state]),
            "recipient": label_of(RECIPIENTS, handover.recipient) if handover else None,
            "proxy_name": handover.proxy_name if handover else None,
            "proxy_relation": handover.proxy_relation if handover else None,
            "handed_over_at": row.handed_over_at.astimezone(zone) if handover else None,
        }


ABSENT = ListExport(
    name="absent_households",
    label=_l("Absent households (keys to deliver)"),
    columns=HOUSEHOLD_COLUMNS,
    rows=absent_rows,
)

HOUSEHOLDS = ListExport(
    name="households",
    label=_l("Households and their keys"),
    columns=(
        *HOUSEHOLD_COLUMNS,
        Column("state", _l("State")),
        Column("recipient", _l("Keys received by")),
        Column("proxy_name", _l("Proxy's name"), mask=mask_name),
        Column("proxy_relation", _l("Proxy's relation to the head")),
        Column("handed_over_at", _l("Handed over at"), "datetime"),
    ),
    rows=household_rows,
)

LISTS = (ABSENT, HOUSEHOLDS)
