"""Feeding the daily tally: the metric names and the one statement that adds to them.

Stored metrics are plain facts that add up (API.md, count definitions):

=================  ============================================================
at the activity    ``registered``, ``checked_in``, ``walk_ins`` (entrance walk-ins,
(booth 0)          people), ``entries`` and ``exits`` (accepted ``in``/``out``
                   at the entrance), ``scans``, ``duplicates``, ``rejected``
at a booth         ``visits`` (accepted booth scans), ``walk_ins`` (booth walk-ins,
                   visits), ``scans``, ``duplicates``, ``rejected``
=================  ============================================================

Figures that are not sums of facts are derived when read: ``attendance`` =
checked_in + walk_ins; ``inside`` = entries − exits; ``booth_visits`` = booth visits +
booth walk-ins. An activity kind feeds its own metrics the same way.
"""

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable

from eventdesk.core import news
from eventdesk.core.models import WHOLE_ACTIVITY
from eventdesk.core.rawdb import RawConnection, borrowed_connection

REGISTERED = "registered"
CHECKED_IN = "checked_in"
WALK_INS = "walk_ins"
ENTRIES = "entries"
EXITS = "exits"
VISITS = "visits"
SCANS = "scans"
DUPLICATES = "duplicates"
REJECTED = "rejected"
#: Every metric the core feeds; anything else in the tally came from an activity kind.
CORE_METRICS = frozenset(
    {REGISTERED, CHECKED_IN, WALK_INS, ENTRIES, EXITS, VISITS, SCANS, DUPLICATES, REJECTED}
)

#: PostgreSQL writers spread their additions over this many rows per figure, so that
#: simultaneous check-ins do not queue on one row lock. SQLite has a single writer anyway.
POSTGRES_SHARDS = 8

TallyKey = tuple[dt.date, int, int, str]  # local day, activity, booth (0 = whole activity), metric

#: Arrivals are counted in slots of this many minutes.
SLOT_MINUTES = 15

_UPSERT_ARRIVALS = (
    "INSERT INTO arrival_count (activity_id, slot_start, shard, value) VALUES {rows} "
    "ON CONFLICT (activity_id, slot_start, shard) DO UPDATE SET value = arrival_count.value + excluded.value"
)
_UPSERT = (
    "INSERT INTO tally_count (local_day, activity_id, booth_id, metric, shard, value) VALUES {rows} "
    "ON CONFLICT (local_day, activity_id, booth_id, metric, shard) "
    "DO UPDATE SET value = tally_count.value + excluded.value"
)


class TallyDelta:
    """Changes to tally figures and arrival slots, collected while judging, written at once."""

    def __init__(self):
        self.figures: Counter[TallyKey] = Counter()
        self.arrivals: Counter[tuple[int, dt.datetime]] = Counter()

    def add(self, day: dt.date, activity_id: int, booth_id: int | None, metric: str, amount: int = 1):
        self.figures[(day, activity_id, booth_id or WHOLE_ACTIVITY, metric)] += amount

    def check_in(
        self, day: dt.date, activity_id: int, moment: dt.datetime, present_metrics=(), amount: int = 1
    ) -> None:
        """A ticket's holder checked in (or, with amount -1, no longer checked in) at `moment`."""
        self.add(day, activity_id, None, CHECKED_IN, amount)
        for metric in present_metrics:
            self.add(day, activity_id, None, metric, amount)
        self.arrive(activity_id, moment, amount)

    def arrive(self, activity_id: int, moment: dt.datetime, people: int = 1):
        """People arrived (checked in, or walked in at the entrance) at `moment`."""
        self.arrivals[(activity_id, arrival_slot(moment))] += people

    @property
    def activity_ids(self) -> set[int]:
        return {key[1] for key, amount in self.figures.items() if amount} | {
            key[0] for key, amount in self.arrivals.items() if amount
        }


def arrival_slot(moment: dt.datetime) -> dt.datetime:
    """The start of the 15-minute slot `moment` falls in (UTC)."""
    moment = moment.astimezone(dt.UTC)
    return moment.replace(minute=moment.minute - moment.minute % SLOT_MINUTES, second=0, microsecond=0)


def write_delta(connection: RawConnection, delta: TallyDelta) -> None:
    """Add `delta` to the tally, in the caller's transaction."""
    for statement, params in delta_statements(connection, delta):
        connection.execute(statement, params)


def delta_statements(connection: RawConnection, delta: TallyDelta) -> list[tuple[str, list]]:
    """The statements that add `delta` to the tally (none when it adds nothing), for a caller
    that sends them together with its own writes.

    Rows go in sorted order so that two PostgreSQL writers on the same shard lock them in
    the same order and can never deadlock.
    """
    if connection.session is not None:
        news.touched(connection.session, delta.activity_ids)
    shard = secrets.randbelow(POSTGRES_SHARDS) if not connection.sqlite else 0
    statements = []
    changes = sorted((key, amount) for key, amount in delta.figures.items() if amount)
    if changes:
        params: list = []
        for (day, activity_id, booth_id, metric), amount in changes:
            params += [connection.date_param(day), activity_id, booth_id, metric, shard, amount]
        rows = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(changes))
        statements.append((_UPSERT.format(rows=rows), params))
    arrivals = sorted((key, amount) for key, amount in delta.arrivals.items() if amount)
    if arrivals:
        params = []
        for (activity_id, slot), amount in arrivals:
            params += [activity_id, connection.time_param(slot), shard, amount]
        rows = ", ".join(["(?, ?, ?, ?)"] * len(arrivals))
        statements.append((_UPSERT_ARRIVALS.format(rows=rows), params))
    return statements


def feed(changes: Iterable[tuple[TallyKey, int]], *, session=None) -> None:
    """Add changes to the tally in the ORM session's transaction, with the facts they come from.

    The one call every service outside the check-in path uses (registrations, kinds' actions
    and standing figures); dashboards hear of the change once the transaction commits.
    """
    delta = TallyDelta()
    for (day, activity_id, booth_id, metric), amount in changes:
        delta.add(day, activity_id, booth_id, metric, amount)
    write_delta(borrowed_connection(session), delta)
