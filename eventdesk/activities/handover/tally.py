"""The ceremony's figures: what it feeds to the daily tally, and how they are rebuilt from the facts.

``households_invited`` is a standing figure: it counts on the ceremony's day, whenever the
households were imported. ``households_present`` is a check-in figure: every household's ticket
adds to it when its head is checked in (the core feeds and rebuilds it with ``checked_in``).
Keys handed over and the people of those households, each by programme, count at the desk on the
day the keys were handed over (a delivery after the ceremony on its own day); undoing a handover
takes them back.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventdesk.activities.handover.models import Handover, Household
from eventdesk.activities.handover.vocabulary import PROGRAMMES
from eventdesk.core.actions import voided_ids
from eventdesk.core.kinds import Metric, TallyKey
from eventdesk.core.models import WHOLE_ACTIVITY, Action, Activity, Event
from eventdesk.extensions import db

HOUSEHOLDS_INVITED = "households_invited"
HOUSEHOLDS_PRESENT = "households_present"
KEYS_HANDED_OVER = "keys_handed_over"
PEOPLE_REHOUSED = "people_rehoused"

METRICS = (
    Metric(HOUSEHOLDS_INVITED, _l("Households invited"), public=True, standing=True),
    Metric(HOUSEHOLDS_PRESENT, _l("Households present")),
    Metric(
        KEYS_HANDED_OVER,
        _l("Keys handed over"),
        public=True,
        breakdown={choice.value: choice.label for choice in PROGRAMMES},
    ),
    Metric(
        PEOPLE_REHOUSED,
        _l("People rehoused"),
        public=True,
        breakdown={choice.value: choice.label for choice in PROGRAMMES},
    ),
)

Figures = list[tuple[TallyKey, int]]


def present_metrics(_fields) -> list[str]:
    """Every ticket of a ceremony is a household's head: checked in, the household is present."""
    return [HOUSEHOLDS_PRESENT]


def invited(activity: Activity, households: int) -> Figures:
    """Households invited (or, negative, no longer), on the ceremony's day."""
    return [((activity.day, activity.id, WHOLE_ACTIVITY, HOUSEHOLDS_INVITED), households)]


def handed_over(day: dt.date, household: Household, booth_id: int, sign: int = 1) -> Figures:
    """What handing a household's keys over adds at the desk (or takes back, with sign -1)."""
    key = (day, household.activity_id, booth_id)
    return [
        ((*key, KEYS_HANDED_OVER), sign),
        ((*key, f"{KEYS_HANDED_OVER}.{household.programme}"), sign),
        ((*key, PEOPLE_REHOUSED), sign * household.members),
        ((*key, f"{PEOPLE_REHOUSED}.{household.programme}"), sign * household.members),
    ]


# -- rebuilding ------------------------------------------------------------------------------


def rebuild_tally(day: dt.date | None) -> Iterable[tuple[TallyKey, int]]:
    """The ceremony's figures from its facts (one local day, or all); households present are the
    core's (check-ins)."""
    figures: Counter = Counter()
    _invited(figures, day)
    _handed_over(figures, day)
    return figures.items()


def _invited(figures: Counter, day: dt.date | None) -> None:
    rows = db.session.execute(
        sa.select(Household.activity_id, Activity.opens_at, Event.timezone, sa.func.count())
        .join(Activity, Activity.id == Household.activity_id)
        .join(Event, Event.id == Activity.event_id)
        .group_by(Household.activity_id, Activity.opens_at, Event.timezone)
    )
    for activity_id, opens_at, timezone, count in rows:
        activity_day = opens_at.astimezone(ZoneInfo(timezone)).date()
        if day is None or activity_day == day:
            figures[(activity_day, activity_id, WHOLE_ACTIVITY, HOUSEHOLDS_INVITED)] += count


def _handed_over(figures: Counter, day: dt.date | None) -> None:
    statement = (
        sa.select(
            Action.local_day,
            Handover.activity_id,
            Handover.booth_id,
            Household.programme,
            sa.func.count(),
            sa.func.sum(Household.members),
        )
        .join(Action, Action.id == Handover.action_id)
        .join(Household, Household.id == Handover.household_id)
        .where(Action.id.not_in(voided_ids()))
        .group_by(Action.local_day, Handover.activity_id, Handover.booth_id, Household.programme)
    )
    if day is not None:
        statement = statement.where(Action.local_day == day)
    for local_day, activity_id, booth_id, programme, count, people in db.session.execute(statement):
        key = (local_day, activity_id, booth_id)
        figures[(*key, KEYS_HANDED_OVER)] += count
        figures[(*key, f"{KEYS_HANDED_OVER}.{programme}")] += count
        figures[(*key, PEOPLE_REHOUSED)] += int(people or 0)
        figures[(*key, f"{PEOPLE_REHOUSED}.{programme}")] += int(people or 0)
