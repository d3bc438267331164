"""Inviting households to a ceremony: each with its new home and a ticket for its head.

One service serves the import (``flask import households``, the upload page) and the demo.
A household's head is registered at the ceremony as anyone is (name, phone, ID number checked
by the core); the household adds its people, the village it left, its programme and its new
home. The database holds one household per home at a ceremony.
"""

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from eventdesk.activities.handover import tally as ceremony_tally
from eventdesk.activities.handover.models import MAX_MEMBERS, Household
from eventdesk.activities.handover.vocabulary import RELOCATION, RENOVATION
from eventdesk.core import identity, tally
from eventdesk.core.models import Activity, Person, Registration, RegistrationSource, User
from eventdesk.core.services import registrations
from eventdesk.core.text import clean_line
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: How lists write the programmes (lower-cased), besides their codes.
PROGRAMME_NAMES = {
    RELOCATION: ("易地扶贫搬迁", "易地搬迁", "扶贫搬迁", "搬迁", "poverty-relief relocation"),
    RENOVATION: ("危房改造", "农村危房改造", "危改", "dangerous-house renovation"),
}


@dataclass(frozen=True)
class HouseholdInput:
    """A household as a list or a form gives it (text, as typed)."""

    head_name: str | None
    id_number: str | None
    phone: str | None
    members: str | int | None
    programme: str | None
    settlement: str | None
    building: str | None
    unit: str | None
    origin_village: str | None = None


def invite_household(
    activity: Activity, given: HouseholdInput, *, actor: User | None = None
) -> tuple[Household, bool]:
    """Invite a household to the ceremony and issue its head's ticket (or give the household the
    ticket its head already holds there); the same head at the same home again changes nothing
    (returns it, and False).

    :raises ServiceError: ``invalid_name``, ``invalid_phone``, ``invalid_id_number`` (the
        head's), ``invalid_members``, ``unknown_programme``, ``text_required``,
        ``text_too_long``, ``invalid_text`` (the home), ``home_taken``, ``head_has_household``
        (409), and what `registrations.register` raises.
    """
    if not (given.id_number or "").strip():
        raise ServiceError("invalid_id_number", field="id_number")
    programme = parse_programme(given.programme)
    members = parse_members(given.members)
    settlement = clean_line(given.settlement, field="settlement", max_length=100)
    building = clean_line(given.building, field="building", max_length=50)
    unit = clean_line(given.unit, field="unit", max_length=50)
    origin = clean_line(given.origin_village, field="origin_village", max_length=100, required=False)

    existing = household_at(activity, settlement, building, unit)
    if existing is not None:
        head = existing.registration.person
        if (head.name, head.phone) == (
            identity.normalise_name(given.head_name or ""),
            identity.normalise_phone(given.phone or ""),
        ):
            return existing, False
        raise ServiceError("home_taken", status=409, field="unit")
    request = registrations.RegistrationRequest(
        name=given.head_name or "",
        phone=given.phone or "",
        id_number=given.id_number,
        village=origin,
        consent=False,
    )
    try:
        registration = registrations.register(
            activity, request, source=RegistrationSource.imported, actor=actor
        )
    except ServiceError as error:
        if error.code != "already_registered":
            raise
        registration = _ticket_without_household(activity, request)
    household = Household(
        activity_id=activity.id,
        registration_id=registration.id,
        programme=programme,
        members=members,
        origin_village=origin,
        settlement=settlement,
        building=building,
        unit=unit,
    )
    db.session.add(household)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        # Another request gave the home away a moment ago.
        raise ServiceError("home_taken", status=409, field="unit") from None
    tally.feed(ceremony_tally.invited(activity, 1))
    return household, True


def _ticket_without_household(activity: Activity, request: registrations.RegistrationRequest) -> Registration:
    """The head's ticket, when the head was registered at the ceremony before the list came (at the
    desk, say) and has no household yet: the household is theirs. Otherwise ``head_has_household``."""
    person = db.session.scalar(
        sa.select(Person).where(
            Person.name == identity.normalise_name(request.name),
            Person.phone == identity.normalise_phone(request.phone),
        )
    )
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.activity_id == activity.id, Registration.person_id == person.id
        )
    )
    if registration.revoked_at is not None or household_of(registration.id) is not None:
        raise ServiceError("head_has_household", status=409, field="head_name")
    return registration


def parse_programme(value: str | None) -> str:
    """易地扶贫搬迁 / 危房改造, as a code, its name in either language or a usual short name."""
    text = unicodedata.normalize("NFKC", value or "").strip().lower()
    for programme, names in PROGRAMME_NAMES.items():
        if text == programme or text in names:
            return programme
    raise ServiceError("unknown_programme", field="programme")


def parse_members(value: str | int | None) -> int:
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().removesuffix("人").strip()
        value = int(text) if re.fullmatch(r"\d{1,3}", text) else None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MEMBERS:
        raise ServiceError("invalid_members", field="members")
    return value


def household_at(activity: Activity, settlement: str, building: str, unit: str) -> Household | None:
    return db.session.scalar(
        sa.select(Household).where(
            Household.activity_id == activity.id,
            Household.settlement == settlement,
            Household.building == building,
            Household.unit == unit,
        )
    )


def household_of(registration_id: int) -> Household | None:
    return db.session.scalar(sa.select(Household).where(Household.registration_id == registration_id))
