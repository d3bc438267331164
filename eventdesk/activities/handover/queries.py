"""What the ceremony's pages and lists read: its households with where each stands (handed over,
present and waiting, absent), found by name, ID tail or ticket."""

import datetime as dt
import re
from dataclasses import dataclass
from itertools import groupby

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.activities.handover.models import Handover, Household
from eventdesk.core.models import Action, Activity, Person, Registration
from eventdesk.core.search import registration_matches, search_text
from eventdesk.extensions import db

HANDED_OVER = "handed_over"
PRESENT = "present"
ABSENT = "absent"
#: The order the lists show the households' states in.
STATES = (PRESENT, HANDED_OVER, ABSENT)
_ID_TAIL = re.compile(r"\d{3}[\dX]")
_NUMBERS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class HouseholdRow:
    """A household, its head, and its keys' handover if they were handed over (not undone)."""

    household: Household
    registration: Registration
    person: Person
    handover: Handover | None
    #: The handover's time and who recorded it (a staff member's name, a device's label): the action's.
    handed_over_at: dt.datetime | None
    handed_over_by: str | None

    @property
    def state(self) -> str:
        if self.handover is not None:
            return HANDED_OVER
        return PRESENT if self.registration.checked_in_at is not None else ABSENT


def _rows(statement: sa.Select) -> list[HouseholdRow]:
    rows = [HouseholdRow(*row) for row in db.session.execute(statement)]
    return sorted(rows, key=lambda row: home_order(row.household))


def _natural(text: str) -> tuple:
    """ "2号楼" before "10号楼": numbers in names compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in _NUMBERS.split(text))


def home_order(household: Household) -> tuple:
    """Letters and lists go by settlement, building and unit, as cadres walk them."""
    return (_natural(household.settlement), _natural(household.building), _natural(household.unit))


def households(activity: Activity, *conditions) -> list[HouseholdRow]:
    """The ceremony's households, by settlement, building and unit (`home_order`)."""
    live = so.aliased(Handover)
    statement = (
        sa.select(Household, Registration, Person, live, Action.counted_at, Action.device)
        .join(Registration, Registration.id == Household.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(live, sa.and_(live.household_id == Household.id, live.voided_at.is_(None)))
        .outerjoin(Action, Action.id == live.action_id)
        .where(Household.activity_id == activity.id, *conditions)
    )
    return _rows(statement)


def household_row(activity: Activity, household_id: int) -> HouseholdRow | None:
    found = households(activity, Household.id == household_id)
    return found[0] if found else None


def in_state(rows: list[HouseholdRow], state: str) -> list[HouseholdRow]:
    return [row for row in rows if row.state == state]


@dataclass(frozen=True)
class BuildingGroup:
    settlement: str
    building: str
    rows: list[HouseholdRow]


def by_building(rows: list[HouseholdRow]) -> list[BuildingGroup]:
    """Rows (in settlement, building order) grouped by settlement and building."""
    return [
        BuildingGroup(settlement, building, list(group))
        for (settlement, building), group in groupby(
            rows, key=lambda row: (row.household.settlement, row.household.building)
        )
    ]


def find(activity: Activity, query: str | None, limit: int = 10) -> list[HouseholdRow]:
    """Households whose head is found by `query` as the scanner finds anyone (name, phone tail,
    ticket code), or whose ID number ends with it (its last four characters)."""
    text = search_text(query)
    if not text:
        return []
    matches = [registration_matches(text)]
    if _ID_TAIL.fullmatch(text.upper()):
        matches.append(Person.id_number_masked.endswith(text.upper(), autoescape=True))
    return households(activity, sa.or_(*matches))[:limit]


def handovers_on(activity: Activity, day: dt.date | None) -> list[HouseholdRow]:
    """The households whose keys were handed over (on `day`), by settlement and building."""
    rows = in_state(households(activity), HANDED_OVER)
    if day is None:
        return rows
    zone = activity.event.zone
    return [row for row in rows if row.handed_over_at.astimezone(zone).date() == day]
