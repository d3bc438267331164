"""The daily tally, read: one local day's figures by activity and booth, and their totals.

Everything comes from the stored tally (`TallyCount`, summed over shards), never from the
scans, so reading a day costs the same at 100 or 100,000 scans. The derived figures
(attendance, inside, booth visits) are computed by `build_counts`, the same function the
live counts use, so the tally and the scanner's counts can never disagree.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core import tally
from eventdesk.core.access import activity_clause
from eventdesk.core.models import WHOLE_ACTIVITY, Activity, Booth, Site, TallyCount, User
from eventdesk.core.scans.counts import build_counts
from eventdesk.extensions import db
from eventdesk.formatting import kind_label
from eventdesk.reports import metrics


@dataclass
class BoothFigures:
    """One booth's figures on the day."""

    booth: Booth
    figures: dict[str, int]

    @property
    def department(self):
        return self.booth.department


@dataclass
class ActivityFigures:
    """One activity's figures on the day, its booths', and the metric names it shows."""

    activity: Activity
    figures: dict[str, int]
    booths: list[BoothFigures]

    @property
    def district(self):
        return self.activity.site.district

    def metric_names(self) -> list[str]:
        return list(self.figures)

    def booth_metric_names(self) -> list[str]:
        names = [m.name for m in metrics.BOOTH_METRICS]
        for booth in self.booths:
            names += [name for name in booth.figures if name not in names]
        return names


@dataclass
class Group:
    """A total over several activities: a district's, a kind's, a department's, the city's."""

    key: object
    label: str
    figures: Counter = field(default_factory=Counter)
    activities: int = 0

    def add(self, entry: ActivityFigures) -> None:
        self.figures.update(entry.figures)
        self.activities += 1


@dataclass
class DailyTally:
    """A local day's tally as one reader may see it (their scope), with its totals."""

    day: dt.date
    activities: list[ActivityFigures]
    total: Group
    by_district: list[Group]
    by_kind: list[Group]
    by_department: list[Group]

    def metric_names(self, kind: str | None = None) -> list[str]:
        """Every activity-level metric present (of one kind's activities), in display order."""
        names: set[str] = set()
        for entry in self.activities:
            if kind is None or entry.activity.kind == kind:
                names.update(entry.figures)
        return metrics.ordered(names or [m.name for m in metrics.ACTIVITY_METRICS])

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(entry.activity.kind for entry in self.activities))

    def of_kind(self, kind: str) -> list[ActivityFigures]:
        return [entry for entry in self.activities if entry.activity.kind == kind]


def daily_tally(
    day: dt.date,
    *,
    user: User | None = None,
    event_id: int | None = None,
    activity_filter: sa.ColumnElement[bool] | None = None,
) -> DailyTally:
    """The tally of local day `day`: the activities held or counted that day.

    :param user: limits the activities to what the user may see (`activity_clause`).
    :param event_id: only that event's activities (default: every event with that day).
    :param activity_filter: a further WHERE clause on `Activity` (a district's, a department's).
    """
    sums = _sums(day)
    clauses = [activity_clause(user)] if user is not None else []
    if event_id is not None:
        clauses.append(Activity.event_id == event_id)
    if activity_filter is not None:
        clauses.append(activity_filter)
    activities = [
        a
        for a in _candidates(day, set(sums), clauses)
        if a.id in sums or a.day == day  # held that day, or counted that day (after midnight)
    ]
    entries = [_activity_figures(activity, sums.get(activity.id, {})) for activity in activities]
    return with_totals(day, entries)


def _sums(day: dt.date) -> dict[int, dict[tuple[int, str], int]]:
    """activity id → {(booth id or 0, metric): value}, summed over shards."""
    rows = db.session.execute(
        sa.select(
            TallyCount.activity_id, TallyCount.booth_id, TallyCount.metric, sa.func.sum(TallyCount.value)
        )
        .where(TallyCount.local_day == day)
        .group_by(TallyCount.activity_id, TallyCount.booth_id, TallyCount.metric)
    )
    sums: dict[int, dict[tuple[int, str], int]] = defaultdict(dict)
    for activity_id, booth_id, metric, value in rows:
        if value:
            sums[activity_id][(booth_id, metric)] = int(value)
    return sums


def _candidates(day: dt.date, tallied: set[int], clauses: list) -> list[Activity]:
    # Activities open within a day either side of `day` in UTC cover every time zone; the
    # exact local day is checked afterwards, in the event's own zone.
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    held = sa.and_(Activity.opens_at >= start, Activity.opens_at < end)
    which = sa.or_(held, Activity.id.in_(tallied)) if tallied else held
    statement = (
        sa.select(Activity)
        .join(Activity.site)
        .join(Site.district)
        .where(which, *clauses)
        .options(
            so.joinedload(Activity.event),
            so.joinedload(Activity.site).joinedload(Site.district),
            so.joinedload(Activity.lead_department),
            so.selectinload(Activity.cooperators),
            so.selectinload(Activity.booths).joinedload(Booth.department),
        )
        .order_by(Site.district_id, Activity.opens_at, Activity.id)
    )
    activities = db.session.scalars(statement).unique().all()
    return sorted(
        activities, key=lambda a: (a.site.district.sort_order, a.site.district_id, a.opens_at, a.id)
    )


def _activity_figures(activity: Activity, sums: dict[tuple[int, str], int]) -> ActivityFigures:
    booths = [(b.id, b.name, b.name_en) for b in activity.booths]
    # The tally and the written report are read by organizers only.
    counts = build_counts(sums, booths, activity.kind, confidential=True)
    figures = {m.name: counts.get(m.name, 0) for m in metrics.ACTIVITY_METRICS}
    figures[tally.ENTRIES] = sums.get((WHOLE_ACTIVITY, tally.ENTRIES), 0)
    figures[tally.EXITS] = sums.get((WHOLE_ACTIVITY, tally.EXITS), 0)
    figures.update(counts["metrics"])  # the kind's own, everywhere in the activity
    booth_figures = []
    for booth in activity.booths:
        mine = {metric: value for (booth_id, metric), value in sums.items() if booth_id == booth.id}
        row = {m.name: mine.get(m.name, 0) for m in metrics.BOOTH_METRICS}
        row[metrics.BOOTH_VISITS] = row[tally.VISITS] + row[tally.WALK_INS]
        row.update({name: value for name, value in mine.items() if name not in tally.CORE_METRICS})
        booth_figures.append(BoothFigures(booth=booth, figures=row))
    ordered = {name: figures[name] for name in metrics.ordered(figures)}
    return ActivityFigures(activity=activity, figures=ordered, booths=booth_figures)


def with_totals(day: dt.date, entries: list[ActivityFigures]) -> DailyTally:
    """A tally of `entries`, with their totals by district, kind and lead department."""
    total = Group(key=None, label="")
    districts: dict[int, Group] = {}
    kinds: dict[str, Group] = {}
    departments: dict[int, Group] = {}
    for entry in entries:
        activity = entry.activity
        total.add(entry)
        district = activity.site.district
        districts.setdefault(district.id, Group(key=district, label=district.label)).add(entry)
        kinds.setdefault(activity.kind, Group(key=activity.kind, label=kind_label(activity.kind))).add(entry)
        lead = activity.lead_department
        departments.setdefault(lead.id, Group(key=lead, label=lead.label)).add(entry)
    return DailyTally(
        day=day,
        activities=entries,
        total=total,
        by_district=sorted(districts.values(), key=lambda g: (g.key.sort_order, g.key.id)),
        by_kind=list(kinds.values()),
        by_department=sorted(departments.values(), key=lambda g: (g.key.sort_order, g.key.id)),
    )


@dataclass(frozen=True)
class TallyRow:
    """One figure of the tally in long form: what ``GET /api/v1/tally`` and the CSV export hold."""

    date: dt.date
    district: str
    site_id: int
    site: str
    activity_id: int
    activity: str
    kind: str
    department: str | None
    booth_id: int | None
    booth: str | None
    metric: str
    value: int

    def as_api(self) -> dict:
        """The row as API.md describes it (no booth name: `booth_id` says which)."""
        return {
            "date": self.date.isoformat(),
            "district": self.district,
            "site_id": self.site_id,
            "site": self.site,
            "activity_id": self.activity_id,
            "activity": self.activity,
            "kind": self.kind,
            "department": self.department,
            "booth_id": self.booth_id,
            "metric": self.metric,
            "value": self.value,
        }


def tally_rows(daily: DailyTally) -> list[TallyRow]:
    """The tally in long form: each activity's figures (department = the lead department),
    then each of its booths' (department = the booth's own, or none)."""
    rows = []
    for entry in daily.activities:
        activity = entry.activity
        common = {
            "date": daily.day,
            "district": activity.site.district.label,
            "site_id": activity.site_id,
            "site": activity.site.label,
            "activity_id": activity.id,
            "activity": activity.label,
            "kind": activity.kind,
        }
        for metric, value in entry.figures.items():
            rows.append(
                TallyRow(
                    **common,
                    department=activity.lead_department.label,
                    booth_id=None,
                    booth=None,
                    metric=metric,
                    value=value,
                )
            )
        for booth in entry.booths:
            department = booth.booth.department
            for metric, value in booth.figures.items():
                rows.append(
                    TallyRow(
                        **common,
                        department=department.label if department else None,
                        booth_id=booth.booth.id,
                        booth=booth.booth.label,
                        metric=metric,
                        value=value,
                    )
                )
    return rows
