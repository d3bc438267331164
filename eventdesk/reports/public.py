"""The public summary (对外公告, 接受公众监督): what the event offers and how many took part.

Only aggregates, and none small enough to point at a person: a count under 5 is shown as
"<5". A total is shown exactly only when that cannot reveal such a count by subtraction;
otherwise it is shown as "at least" the sum of the figures that are published.
"""

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from eventdesk.core.models import Activity, Event, Site, TallyCount
from eventdesk.core.scans.counts import build_counts
from eventdesk.extensions import db
from eventdesk.reports import metrics

#: Counts below this are never published as such.
SMALL_COUNT = 5
#: How long a rendered page is reused, per event and language.
CACHE_SECONDS = 60


def shown(value: int) -> str:
    """A published count: the number, or "<5" when it is small enough to point at someone."""
    return f"<{SMALL_COUNT}" if value < SMALL_COUNT else str(value)


def shown_total(values: list[int]) -> str:
    """A published total of counts that are published with `shown`.

    An exact total next to exact parts would give away a small part by subtraction, so
    when any part is between 1 and 4 the total becomes "≥" the sum of the exact parts.
    """
    total = sum(values)
    if total < SMALL_COUNT:
        return shown(total)
    if not any(0 < value < SMALL_COUNT for value in values):
        return str(total)
    published = sum(value for value in values if value >= SMALL_COUNT)
    return f"≥{max(published, SMALL_COUNT)}"


@dataclass
class PublicFigure:
    name: str
    label: str
    shown: str


@dataclass
class PublicActivity:
    activity: Activity
    figures: list[PublicFigure]

    @property
    def hours(self) -> str:
        """When it is held, in the event's time zone: the closing day is repeated only if it differs."""
        zone = self.activity.event.zone
        opens, closes = self.activity.opens_at.astimezone(zone), self.activity.closes_at.astimezone(zone)
        end = closes.strftime("%H:%M" if closes.date() == opens.date() else "%Y-%m-%d %H:%M")
        return f"{opens:%Y-%m-%d %H:%M} – {end}"


@dataclass
class PublicSummary:
    event: Event | None
    activities: list[PublicActivity] = field(default_factory=list)
    totals: list[PublicFigure] = field(default_factory=list)


def public_summary(event: Event | None) -> PublicSummary:
    """The event's activities, places and times, and participation in aggregate, over all its days."""
    if event is None:
        return PublicSummary(event=None)
    activities = db.session.scalars(
        sa.select(Activity)
        .where(Activity.event_id == event.id)
        .options(
            so.joinedload(Activity.site).joinedload(Site.district),
            so.selectinload(Activity.booths),
            so.joinedload(Activity.event),
        )
        .order_by(Activity.opens_at, Activity.id)
    ).all()
    sums: dict[int, dict[tuple[int, str], int]] = defaultdict(dict)
    rows = db.session.execute(
        sa.select(
            TallyCount.activity_id, TallyCount.booth_id, TallyCount.metric, sa.func.sum(TallyCount.value)
        )
        .join(Activity, Activity.id == TallyCount.activity_id)
        .where(Activity.event_id == event.id)
        .group_by(TallyCount.activity_id, TallyCount.booth_id, TallyCount.metric)
    )
    for activity_id, booth_id, metric, value in rows:
        sums[activity_id][(booth_id, metric)] = int(value or 0)

    public = metrics.public_metrics()
    attendance_label = metrics.label(metrics.ATTENDANCE)
    columns: dict[str, list[int]] = {metrics.ATTENDANCE: []}
    summary = PublicSummary(event=event)
    for activity in activities:
        booths = [(b.id, b.name, b.name_en) for b in activity.booths]
        counts = build_counts(sums.get(activity.id, {}), booths, activity.kind)
        figures = [PublicFigure(metrics.ATTENDANCE, attendance_label, shown(counts[metrics.ATTENDANCE]))]
        columns[metrics.ATTENDANCE].append(counts[metrics.ATTENDANCE])
        declared = {m.name for m in metrics.kind_metrics(activity.kind)}
        for metric in public:
            if metric.name in declared:
                value = counts["metrics"].get(metric.name, 0)
                figures.append(PublicFigure(metric.name, str(metric.label), shown(value)))
                columns.setdefault(metric.name, []).append(value)
        summary.activities.append(PublicActivity(activity=activity, figures=figures))
    summary.totals = [
        PublicFigure(metrics.ATTENDANCE, attendance_label, shown_total(columns[metrics.ATTENDANCE]))
    ]
    summary.totals += [
        PublicFigure(metric.name, str(metric.label), shown_total(columns[metric.name]))
        for metric in public
        if metric.name in columns
    ]
    return summary


class PageCache:
    """Rendered pages kept for `CACHE_SECONDS` in this process, so a crowd reloading the page
    on their phones costs one rendering a minute per language."""

    def __init__(self, seconds: float = CACHE_SECONDS):
        self.seconds = seconds
        self._pages: dict[tuple, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, render: Callable[[], str]) -> str:
        now = time.monotonic()
        with self._lock:
            cached = self._pages.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        page = render()
        with self._lock:
            self._pages[key] = (now + self.seconds, page)
        return page

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def page_cache() -> PageCache:
    """This app's cache of public pages."""
    return current_app.extensions.setdefault("eventdesk_public_pages", PageCache())
