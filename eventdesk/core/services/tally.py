"""Recomputing the daily tally from the recorded facts (``flask tally rebuild``).

The fed tally and the rebuilt one must agree; tests prove it. Nothing is judged again:
the rebuild sums the stored results.
"""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core import news, tally
from eventdesk.core.kinds import all_kinds, standing_metric_names
from eventdesk.core.models import (
    WHOLE_ACTIVITY,
    Activity,
    ArrivalCount,
    Event,
    Registration,
    Scan,
    TallyCount,
)
from eventdesk.extensions import db

Figures = Counter  # (local day, activity id, booth id or 0, metric) → value


def _voided() -> sa.Select:
    voids = so.aliased(Scan)
    return sa.select(voids.voids_scan_id).where(voids.voids_scan_id.is_not(None))


def facts(day: dt.date | None = None) -> Figures:
    """What the tally should hold, computed from registrations and scans (all days, or one)."""
    figures: Figures = Counter()
    _registered(figures, day)
    _scans(figures, day)
    _checked_in(figures, day)
    for kind in all_kinds():
        if kind.rebuild_tally is not None:
            for key, value in kind.rebuild_tally(day):
                figures[key] += value
    return Counter({key: value for key, value in figures.items() if value})


def stored(day: dt.date | None = None) -> Figures:
    """What the tally holds now, summed over shards."""
    statement = sa.select(
        TallyCount.local_day,
        TallyCount.activity_id,
        TallyCount.booth_id,
        TallyCount.metric,
        sa.func.sum(TallyCount.value),
    ).group_by(TallyCount.local_day, TallyCount.activity_id, TallyCount.booth_id, TallyCount.metric)
    if day is not None:
        statement = statement.where(TallyCount.local_day == day)
    figures: Figures = Counter()
    for local_day, activity_id, booth_id, metric, value in db.session.execute(statement):
        if value:
            figures[(local_day, activity_id, booth_id, metric)] = int(value)
    return figures


def rebuild(day: dt.date | None = None) -> int:
    """Replace the tally (of one local day, or all) with what the facts say; returns rows written.

    Arrival slots are small and always rebuilt whole.
    """
    figures = facts(day)
    delete = sa.delete(TallyCount)
    if day is not None:
        delete = delete.where(TallyCount.local_day == day)
    db.session.execute(delete)
    rows = [
        {"local_day": d, "activity_id": a, "booth_id": b, "metric": m, "shard": 0, "value": v}
        for (d, a, b, m), v in sorted(figures.items())
    ]
    if rows:
        db.session.execute(sa.insert(TallyCount), rows)
    db.session.execute(sa.delete(ArrivalCount))
    slots = [
        {"activity_id": a, "slot_start": slot, "shard": 0, "value": v}
        for (a, slot), v in sorted(arrival_facts().items())
    ]
    if slots:
        db.session.execute(sa.insert(ArrivalCount), slots)
    return len(rows) + len(slots)


def arrival_facts() -> Counter:
    """Arrivals per (activity, 15-minute slot) from the facts: first check-ins and entrance walk-ins."""
    arrivals: Counter = Counter()
    first_scans = _first_accepted_scans()
    for activity_id, counted_at in db.session.execute(
        sa.select(Scan.activity_id, Scan.counted_at).where(Scan.id.in_(first_scans))
    ):
        arrivals[(activity_id, tally.arrival_slot(counted_at))] += 1
    walk_ins = sa.select(Scan.activity_id, Scan.counted_at, Scan.headcount).where(
        Scan.kind == "walkin", Scan.result == "accepted", Scan.booth_id.is_(None), Scan.id.not_in(_voided())
    )
    for activity_id, counted_at, people in db.session.execute(walk_ins):
        arrivals[(activity_id, tally.arrival_slot(counted_at))] += people
    return Counter({key: value for key, value in arrivals.items() if value})


def stored_arrivals() -> Counter:
    statement = sa.select(
        ArrivalCount.activity_id, ArrivalCount.slot_start, sa.func.sum(ArrivalCount.value)
    ).group_by(ArrivalCount.activity_id, ArrivalCount.slot_start)
    return Counter({(a, slot): int(v) for a, slot, v in db.session.execute(statement) if v})


def follow_activity_day(activity: Activity, old_day: dt.date) -> None:
    """Registrations and a kind's standing figures (employers, households invited …) count on
    the activity's day: when the activity moves, they move too."""
    new_day = activity.day
    if new_day == old_day:
        return
    standing = standing_metric_names(activity.kind)
    on_activity_day = sa.or_(
        TallyCount.metric == tally.REGISTERED,
        TallyCount.metric.in_(standing),
        *(TallyCount.metric.startswith(f"{name}.") for name in standing),
    )
    # The new day's rows join the old day's shards (the rows have no figure there yet: the
    # activity was not held on that day), so an update of the key is enough.
    db.session.execute(
        sa.update(TallyCount)
        .where(TallyCount.local_day == old_day, TallyCount.activity_id == activity.id, on_activity_day)
        .values(local_day=new_day)
    )
    news.touched(db.session, {activity.id})


def _registered(figures: Figures, day: dt.date | None) -> None:
    rows = db.session.execute(
        sa.select(Activity.id, Activity.opens_at, Event.timezone, sa.func.count(Registration.id))
        .join(Event, Event.id == Activity.event_id)
        .join(Registration, Registration.activity_id == Activity.id)
        .where(Registration.revoked_at.is_(None))
        .group_by(Activity.id, Activity.opens_at, Event.timezone)
    )
    for activity_id, opens_at, timezone, count in rows:
        activity_day = _local_day(opens_at, timezone)
        if day is None or activity_day == day:
            figures[(activity_day, activity_id, WHOLE_ACTIVITY, tally.REGISTERED)] += count


def _local_day(moment: dt.datetime, timezone: str) -> dt.date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def _scans(figures: Figures, day: dt.date | None) -> None:
    booth = sa.func.coalesce(Scan.booth_id, WHOLE_ACTIVITY)
    voided = Scan.id.in_(_voided())
    statement = (
        sa.select(
            Scan.local_day,
            Scan.activity_id,
            booth,
            Scan.kind,
            Scan.result,
            Scan.direction,
            voided,
            sa.func.count(),
            sa.func.sum(Scan.headcount),
        )
        .where(Scan.kind != "void")
        .group_by(Scan.local_day, Scan.activity_id, booth, Scan.kind, Scan.result, Scan.direction, voided)
    )
    if day is not None:
        statement = statement.where(Scan.local_day == day)
    for (
        local_day,
        activity_id,
        booth_id,
        kind,
        result,
        direction,
        is_voided,
        count,
        people,
    ) in db.session.execute(statement):
        key = (local_day, activity_id, booth_id)
        if kind == "ticket":
            figures[(*key, tally.SCANS)] += count
            if result == "duplicate":
                figures[(*key, tally.DUPLICATES)] += count
            elif result == "rejected":
                figures[(*key, tally.REJECTED)] += count
        if result != "accepted" or is_voided:
            continue
        if kind == "walkin":
            figures[(*key, tally.WALK_INS)] += int(people)
        elif booth_id != WHOLE_ACTIVITY:
            figures[(*key, tally.VISITS)] += count
        else:
            figures[(*key, tally.ENTRIES if direction == "in" else tally.EXITS)] += count


def _first_accepted_scans() -> sa.Select:
    # A ticket is checked in by its first accepted scan, in the order the server judged them.
    return (
        sa.select(sa.func.min(Scan.id))
        .where(Scan.kind == "ticket", Scan.result == "accepted", Scan.id.not_in(_voided()))
        .group_by(Scan.registration_id)
    )


def _checked_in(figures: Figures, day: dt.date | None) -> None:
    """Checked in, and the kinds' metrics their holders add to when checked in."""
    statement = (
        sa.select(Scan.local_day, Scan.activity_id, Registration.present_metrics, sa.func.count())
        .join(Registration, Registration.id == Scan.registration_id)
        .where(Scan.id.in_(_first_accepted_scans()))
        .group_by(Scan.local_day, Scan.activity_id, Registration.present_metrics)
    )
    if day is not None:
        statement = statement.where(Scan.local_day == day)
    for local_day, activity_id, present_metrics, count in db.session.execute(statement):
        for metric in (tally.CHECKED_IN, *(present_metrics or "").split()):
            figures[(local_day, activity_id, WHOLE_ACTIVITY, metric)] += count
