"""What the dashboard shows for a day: each activity's counts, arrivals and booths, and roll-ups."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from eventdesk.core.access import activity_clause, can_manage_activity
from eventdesk.core.kinds import get_kind
from eventdesk.core.models import Activity, ArrivalCount, Event, User, utcnow
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.counts import counts_of_activities
from eventdesk.core.tally import SLOT_MINUTES
from eventdesk.extensions import db

#: The figures every roll-up adds up, in the order they are shown.
HEADLINE = ("registered", "checked_in", "walk_ins", "attendance", "inside", "booth_visits")
#: The arrivals chart shows at most this much of an activity's day.
CHART_HOURS = 12


@dataclass
class ActivityFigures:
    activity: Activity
    counts: dict
    #: ("HH:MM" local slot start, people arrived) for the chart, oldest first.
    arrivals: list[tuple[str, int]]
    #: (label, value) of the activity kind's own figures.
    kind_metrics: list[tuple[str, int]]
    #: The kind's own tiles, when it draws them (given ``figures`` and ``metrics``).
    kind_template: str | None = None

    @property
    def booth_bars(self) -> list[tuple[str, int]]:
        """(booth, visits scanned and walked in) for the booths chart."""
        return [(booth["name"], booth["visits"] + booth["walk_ins"]) for booth in self.counts["booths"]]


@dataclass
class RollUp:
    label: str
    activities: int = 0
    figures: Counter = field(default_factory=Counter)


@dataclass
class DayBoard:
    event: Event
    day: dt.date
    activities: list[ActivityFigures]
    by_district: list[RollUp]
    by_site: list[RollUp]
    total: RollUp


def day_board(user: User, event: Event, day: dt.date, language: str) -> DayBoard:
    """The activities of `event` held on local `day` that `user` may see, with their figures."""
    candidates = db.session.scalars(
        sa.select(Activity)
        .where(Activity.event_id == event.id, activity_clause(user))
        .order_by(Activity.opens_at)
    ).all()
    activities = [a for a in candidates if a.day == day]
    counts = counts_of_activities(
        borrowed_connection(),
        {a.id: a.kind for a in activities},
        language=language,
        confidential_for={a.id for a in activities if can_manage_activity(user, a)},
    )
    arrivals = _arrivals([a.id for a in activities])
    rows = [
        ActivityFigures(
            activity=a,
            counts=counts[a.id],
            arrivals=_chart_series(a, arrivals.get(a.id, {})),
            kind_metrics=_kind_metrics(a.kind, counts[a.id]["metrics"]),
            kind_template=getattr(get_kind(a.kind), "dashboard_template", None),
        )
        for a in activities
    ]
    return DayBoard(
        event=event,
        day=day,
        activities=rows,
        by_district=_roll_up(rows, lambda a: a.site.district),
        by_site=_roll_up(rows, lambda a: a.site),
        total=_add_up(RollUp(label=event.label), rows),
    )


def _arrivals(activity_ids: list[int]) -> dict[int, dict[dt.datetime, int]]:
    if not activity_ids:
        return {}
    result: dict[int, dict[dt.datetime, int]] = {}
    for activity_id, slot, value in db.session.execute(
        sa.select(ArrivalCount.activity_id, ArrivalCount.slot_start, sa.func.sum(ArrivalCount.value))
        .where(ArrivalCount.activity_id.in_(activity_ids))
        .group_by(ArrivalCount.activity_id, ArrivalCount.slot_start)
    ):
        result.setdefault(activity_id, {})[slot] = int(value)
    return result


def _chart_series(activity: Activity, slots: dict[dt.datetime, int]) -> list[tuple[str, int]]:
    """Quarter hours from the first arrival (or opening) to now (or closing), at most CHART_HOURS."""
    step = dt.timedelta(minutes=SLOT_MINUTES)
    start = min(slots) if slots else activity.opens_at
    start = max(start - dt.timedelta(hours=1), activity.opens_at)
    end = min(activity.closes_at, max(utcnow(), max(slots) + step if slots else activity.opens_at))
    start = max(start, end - dt.timedelta(hours=CHART_HOURS))
    start = start.replace(minute=start.minute - start.minute % SLOT_MINUTES, second=0, microsecond=0)
    zone = activity.event.zone
    series = []
    moment = start
    while moment < end:
        series.append((moment.astimezone(zone).strftime("%H:%M"), slots.get(moment, 0)))
        moment += step
    return series


def _kind_metrics(kind_name: str, metrics: dict[str, int]) -> list[tuple[str, int]]:
    kind = get_kind(kind_name)
    if kind is None:
        return []
    # A confidential metric absent from the counts is not the reader's to see, not a zero.
    return [
        (str(metric.label), metrics.get(metric.name, 0))
        for metric in kind.metrics
        if not metric.confidential or metric.name in metrics
    ]


def _add_up(roll_up: RollUp, rows: list[ActivityFigures]) -> RollUp:
    for row in rows:
        roll_up.activities += 1
        for name in HEADLINE:
            roll_up.figures[name] += row.counts[name]
    return roll_up


def _roll_up(rows: list[ActivityFigures], group) -> list[RollUp]:
    groups: dict[int, tuple[object, list[ActivityFigures]]] = {}
    for row in rows:
        place = group(row.activity)
        groups.setdefault(place.id, (place, []))[1].append(row)
    return [_add_up(RollUp(label=place.label), members) for place, members in groups.values()]
