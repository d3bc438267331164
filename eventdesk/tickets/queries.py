"""The lists the staff pages show, as SELECT statements (the views paginate and render them)."""

import contextlib
import re
import unicodedata

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core import identity
from eventdesk.core.models import Activity, Person, Registration, Scan
from eventdesk.core.tokens import TICKET_CODE_LENGTH, normalise_ticket_code
from eventdesk.errors import ServiceError

SEARCH_MAX_LENGTH = 50
_PHONE_TAIL = re.compile(r"\d{4}")


def search_text(raw: str | None) -> str:
    """What was typed into the search box, whitespace-collapsed and cut to a sane length."""
    printable = "".join(ch for ch in (raw or "") if unicodedata.category(ch) != "Cc")
    return " ".join(printable.split())[:SEARCH_MAX_LENGTH]


def registrations_of(activity: Activity, query: str = "") -> sa.Select:
    """An activity's registrations, newest first, optionally matching a name, phone tail,
    whole phone number or ticket code."""
    statement = (
        sa.select(Registration)
        .join(Person)
        .where(Registration.activity_id == activity.id)
        .options(so.contains_eager(Registration.person))
        .order_by(Registration.id.desc())
    )
    if query:
        statement = statement.where(sa.or_(*_matches(query)))
    return statement


def _matches(query: str) -> list[sa.ColumnElement[bool]]:
    conditions = [Person.name.contains(query, autoescape=True)]
    if _PHONE_TAIL.fullmatch(query):
        conditions.append(Person.phone.endswith(query, autoescape=True))
    with contextlib.suppress(ServiceError):  # not a whole phone number
        conditions.append(Person.phone == identity.normalise_phone(query))
    code = normalise_ticket_code(query)
    if len(code) == TICKET_CODE_LENGTH:
        conditions.append(Registration.ticket_code == code)
    return conditions


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
