"""Printable A4 ticket sheets per village, for residents without phones: sorted by name, large type,
six to a page, one village after another (a new page for each)."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template, request
from markupsafe import Markup

from eventdesk.activities.health.queries import NO_VILLAGE
from eventdesk.activities.health.views import bp, health_page
from eventdesk.core import qr
from eventdesk.core.models import Activity, Person, Registration
from eventdesk.extensions import db
from eventdesk.tickets.display import group_code
from eventdesk.urls import ticket_url

#: Tickets on one A4 page: large enough for older eyes to read the name and code.
PER_PAGE = 6
VILLAGE_MAX_LENGTH = 100


@dataclass
class VillageSheets:
    village: str
    tickets: list[Registration]


def villages_of(activity: Activity) -> list[tuple[str, int]]:
    """The villages of the day's valid tickets, with how many each has."""
    return [
        (village or NO_VILLAGE, count)
        for village, count in db.session.execute(
            sa.select(Person.village, sa.func.count())
            .join(Registration, Registration.person_id == Person.id)
            .where(Registration.activity_id == activity.id, Registration.revoked_at.is_(None))
            .group_by(Person.village)
            .order_by(Person.village)
        )
    ]


def village_sheets(activity: Activity, village: str | None) -> list[VillageSheets]:
    """The valid tickets of one village (or of every village), each village sorted by name."""
    statement = (
        sa.select(Registration, Person)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.activity_id == activity.id, Registration.revoked_at.is_(None))
    )
    if village is not None:
        statement = statement.where(
            Person.village.is_(None) if village == NO_VILLAGE else Person.village == village
        )
    sheets: dict[str, VillageSheets] = {}
    for registration, person in db.session.execute(statement):
        name = person.village or NO_VILLAGE
        sheets.setdefault(name, VillageSheets(name, [])).tickets.append(registration)
    # By the names' characters, the same on every database whatever its collation (the person is
    # loaded with the ticket).
    for sheet in sheets.values():
        sheet.tickets.sort(key=lambda registration: (registration.person.name, registration.id))
    return sorted(sheets.values(), key=lambda sheet: sheet.village)


@bp.get("/manage/activities/<int:activity_id>/health/sheets", endpoint="sheets")
@health_page()
def sheets_page(activity: Activity):
    """Choose a village, then print its tickets."""
    asked = request.args.get("village")
    village = asked[:VILLAGE_MAX_LENGTH] if asked is not None else None
    chosen = village_sheets(activity, village) if village is not None else []
    codes = {
        registration.id: Markup(qr.svg_inline(ticket_url(registration.token)))  # noqa: S704  (our own SVG)
        for sheet in chosen
        for registration in sheet.tickets
    }
    response = render_template(
        "health/sheets.html",
        activity=activity,
        villages=villages_of(activity),
        village=village,
        sheets=chosen,
        qr_codes=codes,
        per_page=PER_PAGE,
        group_code=group_code,
    )
    return response, 200, {"Cache-Control": "private, no-store"}
