"""The lists the staff pages show, as SELECT statements (the views paginate and render them)."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models import Activity, Person, Registration, Scan
from eventdesk.core.search import registration_matches


def registrations_of(activity: Activity, query: str = "", *, whole_phone: bool = False) -> sa.Select:
    """An activity's registrations, newest first, optionally matching a name, phone tail,
    ticket code, or (`whole_phone`, for those who see phones in full) a whole phone number."""
    statement = (
        sa.select(Registration)
        .join(Person)
        .where(Registration.activity_id == activity.id)
        .options(so.contains_eager(Registration.person))
        .order_by(Registration.id.desc())
    )
    if query:
        statement = statement.where(registration_matches(query, whole_phone=whole_phone))
    return statement


def printable_tickets(activity: Activity, registration_ids: list[int]) -> sa.Select:
    """The valid tickets to print: those chosen, or all of the activity's when none are."""
    statement = (
        sa.select(Registration)
        .join(Person)
        .where(Registration.activity_id == activity.id, Registration.revoked_at.is_(None))
        .options(so.contains_eager(Registration.person))
        .order_by(sa.func.coalesce(Person.village, ""), Person.name, Registration.id)
    )
    if registration_ids:
        statement = statement.where(Registration.id.in_(registration_ids))
    return statement


def scans_of(registration: Registration) -> sa.Select:
    """Every scan of a ticket, in the order they were stored."""
    return sa.select(Scan).where(Scan.registration_id == registration.id).order_by(Scan.id)
