"""The check-in service: the one place that decides what a scan is worth.

Every path calls `judge_scans`: the scanner API (single scans and offline batches),
walk-in counters, the staff's manual check-in, the paper back-fill and the "test a
ticket" page (``dry_run``). The checks, in order (``docs/scan-rules.md``):

1. Replay: a `client_scan_id` stored before gets its first answer again when the content
   is the same, and is refused (``client_scan_id_reused``) when it is not.
2. Booth: it must belong to the activity; a booth-bound credential scans only its own
   (``wrong_booth``).
3. Ticket: ``unknown_token``, ``wrong_event``, ``wrong_activity``, ``revoked``.
4. Time: a scan counts at the device's `scanned_at` when that is plausible (not more than
   5 minutes ahead of the server nor older than 48 hours), else when it arrived; outside
   the opening hours it is ``not_open``; an expired credential's scan made after it
   expired is ``credential_expired``.
5. The rule: at the entrance ``in``/``out`` flips the ticket's `inside` state, at a booth
   the first visit of the day counts; anything else is a ``duplicate``.

Step 5 is decided by conditional writes (``UPDATE … WHERE inside = false``, an insert
into `booth_visit` that does nothing on conflict), never by reading first: two workers
scanning one ticket at the same moment get exactly one acceptance, on SQLite and
PostgreSQL alike. The scan row and the tally change go in the same transaction.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from eventdesk.core import tally
from eventdesk.core.models import Direction, ScanKind, ScanResult, utcnow
from eventdesk.core.rawdb import RawConnection, RetryableErrors
from eventdesk.core.scans import recent
from eventdesk.core.scans.counts import activity_counts, counts_from_rows, counts_query
from eventdesk.core.scans.model import ActivityInfo, Scanner, ScanOutcome, TicketInfo
from eventdesk.core.scans.requests import ScanRequest, looks_like_token
from eventdesk.errors import ServiceError

#: The channel of check-ins typed in from paper lists (see `paper_time`).
PAPER_CHANNEL = "paper"
SCANNED_AT_FUTURE_TOLERANCE = dt.timedelta(minutes=5)
SCANNED_AT_MAX_AGE = dt.timedelta(hours=48)
#: Scans judged per write transaction: long batches release the SQLite write lock now
#: and then, so that live scanners are not held up by a phone syncing a day's queue.
CHUNK_SIZE = 200
#: A chunk whose scan ids another request stored meanwhile (a retried upload running
#: alongside the first) is judged again; those scans are then replays.
MAX_ATTEMPTS = 3

_TICKET_COLUMNS = (
    "SELECT r.id, r.activity_id, a.event_id, a.name, a.name_en, r.revoked_at, p.name, p.category, "
    "r.present_metrics, {key}{credential} "
    "FROM registration r JOIN person p ON p.id = r.person_id JOIN activity a ON a.id = r.activity_id "
)
_CREDENTIAL_REVOKED = "SELECT revoked_at FROM scanner_credential WHERE id = ?"
_INSERT_SCANS = (
    "INSERT INTO scan (client_scan_id, fingerprint, kind, activity_id, booth_id, registration_id, "
    "direction, headcount, result, reason, credential_id, user_id, device, channel, scanned_at, "
    "received_at, counted_at, local_day) VALUES {rows} RETURNING client_scan_id, id"
)
_SCAN_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_ALREADY_VISITED = (ScanResult.duplicate, "already_visited")
_FIRST_ACCEPTED = (
    "SELECT s.registration_id, s.booth_id, s.local_day, s.counted_at, s.device FROM scan s WHERE s.id IN ("
    "SELECT MIN(s.id) FROM scan s WHERE s.registration_id IN ({ids}) AND s.activity_id = ? "
    "AND s.kind = 'ticket' AND s.result = 'accepted' AND {where} "
    "AND NOT EXISTS (SELECT 1 FROM scan v WHERE v.voids_scan_id = s.id) GROUP BY {group})"
)


def _reused() -> ScanOutcome:
    """The answer to a client scan id used before for a different scan: nothing is stored."""
    return ScanOutcome(ScanResult.rejected, "client_scan_id_reused", conflict=True)


def counted_time(scanned_at: dt.datetime | None, received_at: dt.datetime) -> dt.datetime:
    """The time a scan counts at: the device's, when plausible; otherwise the server's."""
    if scanned_at is None:
        return received_at
    if received_at - SCANNED_AT_MAX_AGE <= scanned_at <= received_at + SCANNED_AT_FUTURE_TOLERANCE:
        return scanned_at
    return received_at


def paper_time(
    written_at: dt.datetime | None, received_at: dt.datetime, activity: ActivityInfo
) -> dt.datetime:
    """The time a ticked name on a paper list counts at.

    Staff write these lists on the day and type them in later, so the written time is
    trusted however old it is (only not in the future). A list without times counts at
    the activity's closing once it has closed: its people were there that day.
    """
    if written_at is not None and written_at <= received_at + SCANNED_AT_FUTURE_TOLERANCE:
        return written_at
    if received_at >= activity.closes_at:
        return activity.closes_at - dt.timedelta(seconds=1)
    return received_at


def judge_scans(
    connection: RawConnection,
    activity: ActivityInfo,
    scanner: Scanner,
    requests: Sequence[ScanRequest],
    *,
    channel: str,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> list[ScanOutcome]:
    """Judge scans in the order given, store each as a `Scan` and feed the tally.

    With `dry_run`, every rule runs against the current state and nothing is written.
    """
    if not requests:
        return []
    now = now or utcnow()
    judge = _Judge(connection, activity, scanner, channel, now, dry_run)
    judge.load(requests)
    outcomes: list[ScanOutcome] = []
    for start in range(0, len(requests), CHUNK_SIZE):
        outcomes += judge.chunk(requests[start : start + CHUNK_SIZE])
    return outcomes


def judge_scan_and_count(
    connection: RawConnection,
    activity: ActivityInfo,
    scanner: Scanner,
    request: ScanRequest,
    *,
    channel: str,
    language: str,
) -> tuple[ScanOutcome, dict]:
    """Judge one scan as `judge_scans` does, and the activity's counts after it: on PostgreSQL
    they are read in the round trip that commits the scan (one saved on every scan a scanner
    answers)."""
    judge = _Judge(connection, activity, scanner, channel, utcnow(), dry_run=False)
    judge.count_along = connection.pipelines
    judge.load([request])
    [outcome] = judge.chunk([request])
    if judge.counts_rows is None:  # nothing was written for the counts to ride along with
        return outcome, activity_counts(connection, activity.id, activity.kind, language=language)
    return outcome, counts_from_rows(judge.counts_rows, activity.kind, language=language)


@dataclass(eq=False)
class LiveScan:
    """One scan from a scanner, judged along with others that arrived at the same moment
    (`judge_live_scans`): its outcome and the activity's counts after it, or its error."""

    activity: ActivityInfo
    scanner: Scanner
    request: ScanRequest
    language: str
    outcome: ScanOutcome | None = None
    counts: dict | None = None
    error: ServiceError | None = None


def judge_live_scans(connection: RawConnection, scans: Sequence[LiveScan], *, channel: str) -> None:
    """Judge single scans from any scanners of any activities in one write transaction.

    Each is judged as `judge_scan_and_count` would judge it alone, in the order given. Under
    many scanners, what a scan costs is mostly its transaction's (taking the SQLite write lock,
    committing, reading the counts): scans that arrive together share one.
    """
    if len(scans) == 1:
        [scan] = scans
        try:
            scan.outcome, scan.counts = judge_scan_and_count(
                connection, scan.activity, scan.scanner, scan.request, channel=channel, language=scan.language
            )
        except ServiceError as error:
            scan.error = error
        return
    now = utcnow()
    by_scanner: dict[tuple[int, Scanner], list[LiveScan]] = {}
    for scan in scans:
        by_scanner.setdefault((scan.activity.id, scan.scanner), []).append(scan)
    judges: list[tuple[_Judge, list[LiveScan]]] = []
    for members in by_scanner.values():
        judge = _Judge(connection, members[0].activity, members[0].scanner, channel, now, dry_run=False)
        try:
            judge.load([scan.request for scan in members])
        except ServiceError as error:
            for scan in members:
                scan.error = error
            continue
        judges.append((judge, members))
    last_judge = judges[-1][0] if judges else None
    if last_judge and connection.pipelines and len({judge.activity.id for judge, _members in judges}) == 1:
        # The last write, COMMIT and the counts after it in one round trip, as for a scan alone.
        last_judge.count_along = True
    try:
        with connection.write_transaction():
            judged = [
                judge.judge_and_store([scan.request for scan in members], look_up_stored=True)
                for judge, members in judges
            ]
    except RetryableErrors:
        # A scan id stored meanwhile by another request: each scanner's scans again, on their own.
        judged = [judge.chunk([scan.request for scan in members]) for judge, members in judges]
    else:
        # One look-up per activity explains the whole group's duplicates, not one per scanner.
        unexplained: dict[int, list[Judged]] = {}
        for judge, _members in judges:
            unexplained.setdefault(judge.activity.id, []).extend(judge.unexplained)
        for activity_id, judged_scans in unexplained.items():
            explain(connection, activity_id, judged_scans)
    counts_rows: dict[int, list] = {}
    counts: dict[tuple[int, str], dict] = {}
    if last_judge and last_judge.counts_rows is not None:
        counts_rows[last_judge.activity.id] = last_judge.counts_rows
    for (judge, members), outcomes in zip(judges, judged, strict=True):
        activity = judge.activity
        rows = counts_rows.get(activity.id)
        if rows is None:
            rows = counts_rows[activity.id] = connection.all(*counts_query(activity.id))
        for scan, outcome in zip(members, outcomes, strict=True):
            scan.outcome = outcome
            key = (activity.id, scan.language)
            if key not in counts:
                counts[key] = counts_from_rows(rows, activity.kind, language=scan.language)
            scan.counts = counts[key]


#: Where and when a ticket's duplicate was first accepted: at the entrance (booth and day
#: None), or at a booth on a day.
FirstSeenKey = tuple[int, int | None, dt.date | None]


def first_accepted(
    connection: RawConnection, activity_id: int, wanted: Sequence[FirstSeenKey]
) -> dict[FirstSeenKey, tuple[dt.datetime, str]]:
    """When and by which device each ticket was first accepted at the entrance, or at a booth
    that day: one query for the entrance and one for booths, however many are wanted."""
    found: dict[FirstSeenKey, tuple[dt.datetime, str]] = {}
    at_entrance = sorted({key[0] for key in wanted if key[1] is None})
    at_booths = {key for key in wanted if key[1] is not None}
    if at_entrance:
        statement = _FIRST_ACCEPTED.format(
            ids=connection.placeholders(len(at_entrance)),
            where="s.booth_id IS NULL",
            group="s.registration_id",
        )
        for row in connection.all(statement, [*at_entrance, activity_id]):
            found[(row[0], None, None)] = (connection.time_value(row[3]), row[4])
    if at_booths:
        ids = sorted({key[0] for key in at_booths})
        booths = sorted({key[1] for key in at_booths})
        days = sorted({key[2] for key in at_booths})
        where = (
            f"s.booth_id IN ({connection.placeholders(len(booths))}) "
            f"AND s.local_day IN ({connection.placeholders(len(days))})"
        )
        statement = _FIRST_ACCEPTED.format(
            ids=connection.placeholders(len(ids)),
            where=where,
            group="s.registration_id, s.booth_id, s.local_day",
        )
        params = [*ids, activity_id, *booths, *(connection.date_param(day) for day in days)]
        for row in connection.all(statement, params):
            key = (row[0], row[1], connection.date_value(row[2]))
            if key in at_booths:
                found[key] = (connection.time_value(row[3]), row[4])
    return found


#: An answer with the booth (None at the entrance) and the day it was judged for.
Judged = tuple[ScanOutcome, int | None, dt.date]


def explain(connection: RawConnection, activity_id: int, judged: Sequence[Judged]) -> None:
    """Add what a volunteer needs to see to duplicate and wrong-activity answers."""
    duplicates: list[tuple[ScanOutcome, FirstSeenKey]] = []
    for outcome, booth_id, day in judged:
        ticket = outcome.ticket
        if ticket is None:
            continue
        if outcome.reason == "wrong_activity":
            expected = (ticket.activity_id, ticket.activity_name, ticket.activity_name_en)
            outcome.expected_activity = expected
        if outcome.result == ScanResult.duplicate:
            where = (booth_id, day) if booth_id is not None else (None, None)
            duplicates.append((outcome, (ticket.registration_id, *where)))
    if not duplicates:
        return
    seen = first_accepted(connection, activity_id, [key for _outcome, key in duplicates])
    for outcome, key in duplicates:
        if key in seen:
            outcome.first_seen_at, outcome.first_seen_device = seen[key]


@dataclass(eq=False)
class _Fresh:
    """A scan of this chunk not stored before, while it is judged."""

    request: ScanRequest
    booth_id: int | None
    counted_at: dt.datetime
    day: dt.date
    ticket: TicketInfo | None
    verdict: tuple[str, str | None] | None = None
    outcome: ScanOutcome | None = None

    @property
    def registration_id(self) -> int:
        return self.ticket.registration_id

    @property
    def entering(self) -> bool:
        return self.request.direction == Direction.entry

    @property
    def checks_in(self) -> bool:
        """Whether accepting it checks its holder in: entering, or a visit to a booth."""
        return self.booth_id is not None or self.entering


class _Judge:
    """The state of one call of `judge_scans`: what was looked up, what is being written."""

    def __init__(self, connection, activity, scanner, channel, now, dry_run):
        self.db: RawConnection = connection
        self.activity: ActivityInfo = activity
        self.scanner: Scanner = scanner
        self.channel: str = channel
        self.now: dt.datetime = now
        self.dry_run: bool = dry_run
        self.booth_ids: set[int] = set()
        self.tickets: dict[tuple[str, object], TicketInfo] = {}
        #: For a credential taken from memory: whether it has been revoked (None: not asked yet).
        self.credential_revoked: bool | None = None
        #: Scan rows judged but not yet written: a chunk's rows go in one statement (on
        #: PostgreSQL a round trip per scan saved), in the order they were judged.
        self.unwritten: list[tuple[ScanOutcome, tuple]] = []
        #: Answers judged, each with its booth and day, to be explained once the chunk is written.
        self.unexplained: list[Judged] = []
        #: Whether the activity's counts are read in the round trip that commits the chunk,
        #: and the rows of `counts_query` read then.
        self.count_along = False
        self.counts_rows: list | None = None

    # -- looking up, before any lock is taken -------------------------------------------

    def load(self, requests: Sequence[ScanRequest]) -> None:
        # Entrance scans, the common case, need no booth: look booths up only when one is named.
        if self.scanner.booth_id is not None or any(r.booth_id is not None for r in requests):
            rows = self.db.all("SELECT id FROM booth WHERE activity_id = ?", (self.activity.id,))
            self.booth_ids = {row[0] for row in rows}
        tokens = {r.token for r in requests if r.token and looks_like_token(r.token)}
        codes = {r.ticket_code for r in requests if r.ticket_code}
        ids = {r.registration_id for r in requests if r.registration_id}
        self._load_tickets("token", "r.token", tokens)
        self._load_tickets("code", "r.ticket_code", codes)
        # Ids are counted, not secret: from a device, one names a ticket of this activity only, so
        # that trying ids answers with nobody of another activity. The organizers' own paper lists
        # (their codes read into ids) are told when a ticket is another activity's.
        self._load_tickets("id", "r.id", ids, this_activity_only=self.channel != PAPER_CHANNEL)
        if self.scanner.revocation_unchecked:
            if self.credential_revoked is None:  # no ticket look-up asked it
                row = self.db.one(_CREDENTIAL_REVOKED, (self.scanner.credential_id,))
                self.credential_revoked = row is None or row[0] is not None
            if self.credential_revoked:
                recent.forget(self.scanner.credential_id)
                raise ServiceError("credential_revoked", status=401)

    def _load_tickets(self, key: str, column: str, values: set, *, this_activity_only: bool = False) -> None:
        values_list = sorted(values)
        for start in range(0, len(values_list), 500):
            part = values_list[start : start + 500]
            # A credential taken from memory is asked about along with the first look-up.
            ask = self.scanner.revocation_unchecked and self.credential_revoked is None
            statement = _TICKET_COLUMNS.format(
                key=column, credential=f", ({_CREDENTIAL_REVOKED})" if ask else ""
            ) + (f"WHERE {column} IN ({self.db.placeholders(len(part))})")
            params = [self.scanner.credential_id] if ask else []
            params += part
            if this_activity_only:
                statement += " AND r.activity_id = ?"
                params.append(self.activity.id)
            rows = self.db.all(statement, params)
            if ask and rows:
                self.credential_revoked = rows[0][10] is not None
            for row in rows:
                ticket = TicketInfo(
                    registration_id=row[0],
                    activity_id=row[1],
                    event_id=row[2],
                    activity_name=row[3],
                    activity_name_en=row[4],
                    revoked=row[5] is not None,
                    person_name=row[6],
                    category=row[7],
                    present_metrics=tuple((row[8] or "").split()),
                )
                self.tickets[(key, row[9])] = ticket

    def ticket_for(self, request: ScanRequest) -> TicketInfo | None:
        if request.token is not None:
            return self.tickets.get(("token", request.token))
        if request.ticket_code is not None:
            return self.tickets.get(("code", request.ticket_code))
        return self.tickets.get(("id", request.registration_id))

    # -- judging -------------------------------------------------------------------------

    def chunk(self, requests: Sequence[ScanRequest]) -> list[ScanOutcome]:
        if self.dry_run:
            return [self.judge(request) for request in requests]
        for attempt in range(MAX_ATTEMPTS):
            # A single live scan is almost never a replay: it skips the look-up, and the
            # unique scan id sends the rare replay round again, to be found the second time.
            look_up = attempt > 0 or len(requests) > 1 or not self.db.owned
            try:
                with self.db.write_transaction():
                    outcomes = self.judge_and_store(requests, look_up_stored=look_up)
            except RetryableErrors:
                if not self.db.owned or attempt == MAX_ATTEMPTS - 1:
                    raise
                continue
            self.explain_judged()
            return outcomes
        raise AssertionError("unreachable")

    def explain_judged(self) -> None:
        """Once the judged scans are committed: what a volunteer is told about a duplicate is
        read without holding the (SQLite) write lock that every other scanner waits for."""
        explain(self.db, self.activity.id, self.unexplained)

    def judge_and_store(self, requests: Sequence[ScanRequest], *, look_up_stored: bool) -> list[ScanOutcome]:
        # A chunk judged again after a conflict starts afresh.
        self.unwritten, self.unexplained = [], []
        self.counts_rows = None
        stored = self._stored_scans([r.client_scan_id for r in requests]) if look_up_stored else {}
        delta = tally.TallyDelta()
        # Each request is a fresh scan (judged here), a replay of a stored one, or a repeat of
        # an earlier request of this chunk (answered as that one once it is judged).
        fresh: list[_Fresh] = []
        answers: list[_Fresh | ScanOutcome] = []
        first_by_id: dict[str, tuple[ScanRequest, _Fresh | ScanOutcome]] = {}
        for request in requests:
            earlier = first_by_id.get(request.client_scan_id)
            if earlier is not None:
                same = earlier[0].fingerprint == request.fingerprint
                if isinstance(earlier[1], ScanOutcome):
                    same = same and not earlier[1].conflict
                answer = earlier[1] if same else _reused()
            elif request.client_scan_id in stored:
                answer = self._replay(request, stored[request.client_scan_id])
            else:
                answer = self._prepare(request, delta)
                fresh.append(answer)
            first_by_id.setdefault(request.client_scan_id, (request, answer))
            answers.append(answer)
        self._write_conditionally([item for item in fresh if item.verdict is None], delta)
        for item in fresh:
            item.outcome = ScanOutcome(*item.verdict, ticket=item.ticket)
            self._store(item.request, item.outcome, item.booth_id, item.counted_at, item.day, delta)
            self.unexplained.append((item.outcome, item.booth_id, item.day))
        self._write_scans(delta)
        return [answer.outcome if isinstance(answer, _Fresh) else answer for answer in answers]

    def _write_scans(self, delta: tally.TallyDelta) -> None:
        """Write the chunk's judged scan rows, give each outcome its scan id and add `delta` to
        the tally in the same statement (and, when the counts are read along, commit and read
        them in the same round trip)."""
        along = tally.delta_statements(self.db, delta)
        if not self.unwritten:
            for statement, params in along:
                self.db.execute(statement, params)
            return
        by_client_id = {params[0]: outcome for outcome, params in self.unwritten}
        rows = ", ".join([_SCAN_ROW] * len(self.unwritten))
        params = [value for _outcome, row in self.unwritten for value in row]
        self.unwritten = []
        write = (_INSERT_SCANS.format(rows=rows), params)
        if self.count_along:
            inserted, self.counts_rows = self.db.write_commit_and_read(
                write, along, counts_query(self.activity.id)
            )
        else:
            inserted = self.db.write_together(write, along)
        for client_scan_id, scan_id in inserted:
            by_client_id[client_scan_id].scan_id = scan_id

    def _stored_scans(self, client_scan_ids: list[str]) -> dict[str, tuple]:
        rows = self.db.all(
            "SELECT client_scan_id, id, fingerprint, activity_id, result, reason, booth_id, local_day "
            f"FROM scan WHERE client_scan_id IN ({self.db.placeholders(len(client_scan_ids))})",
            client_scan_ids,
        )
        return {row[0]: row[1:] for row in rows}

    def _replay(self, request: ScanRequest, stored: tuple) -> ScanOutcome:
        scan_id, fingerprint, activity_id, result, reason, booth_id, local_day = stored
        if fingerprint != request.fingerprint or activity_id != self.activity.id:
            return _reused()
        outcome = ScanOutcome(result, reason, scan_id=scan_id, ticket=self.ticket_for(request))
        self.unexplained.append((outcome, booth_id, self.db.date_value(local_day)))
        return outcome

    def judge(self, request: ScanRequest) -> ScanOutcome:
        """Judge one scan against the current state, writing nothing (``dry_run``)."""
        item = self._prepare(request, tally.TallyDelta())
        if item.verdict is None:
            if item.booth_id is None:
                inside = self._is_inside(item.ticket.registration_id)
                changed = inside != (request.direction == Direction.entry)
                item.verdict = self._entrance_verdict(item, changed, revoked=False)
            else:
                changed = not self.db.one(
                    "SELECT 1 FROM booth_visit WHERE registration_id = ? AND booth_id = ? AND local_day = ?",
                    (item.ticket.registration_id, item.booth_id, self.db.date_param(item.day)),
                )
                item.verdict = (ScanResult.accepted, None) if changed else _ALREADY_VISITED
        outcome = ScanOutcome(*item.verdict, ticket=item.ticket)
        explain(self.db, self.activity.id, [(outcome, item.booth_id, item.day)])
        return outcome

    def _prepare(self, request: ScanRequest, delta: tally.TallyDelta) -> "_Fresh":
        """Everything about a fresh scan that needs no write: where and when it counts, its
        ticket, and its verdict unless that rests on a conditional write (`verdict` None)."""
        booth_id = request.booth_id
        if self.scanner.booth_id is not None and booth_id is None:
            booth_id = self.scanner.booth_id
        if self.channel == PAPER_CHANNEL:
            counted_at = paper_time(request.scanned_at, self.now, self.activity)
        else:
            counted_at = counted_time(request.scanned_at, self.now)
        day = counted_at.astimezone(self.activity.zone).date()
        ticket = self.ticket_for(request) if request.kind == ScanKind.ticket else None
        item = _Fresh(request, booth_id, counted_at, day, ticket)
        item.verdict = self._plain_verdict(item, delta)
        return item

    def _plain_verdict(self, item: "_Fresh", delta) -> tuple[str, str | None] | None:
        request, ticket, booth_id = item.request, item.ticket, item.booth_id
        rejected = ScanResult.rejected
        if self.scanner.booth_id is not None and booth_id != self.scanner.booth_id:
            return rejected, "wrong_booth"
        if booth_id is not None and booth_id not in self.booth_ids:
            return rejected, "wrong_booth"
        if request.kind == ScanKind.ticket:
            if ticket is None:
                return rejected, "unknown_token"
            if ticket.event_id != self.activity.event_id:
                return rejected, "wrong_event"
            if ticket.activity_id != self.activity.id:
                return rejected, "wrong_activity"
            if ticket.revoked:
                return rejected, "revoked"
        if self.scanner.expires_at is not None and item.counted_at >= self.scanner.expires_at:
            return rejected, "credential_expired"
        if not self.activity.opens_at <= item.counted_at < self.activity.closes_at:
            return rejected, "not_open"
        if request.kind == ScanKind.walkin:
            delta.add(item.day, self.activity.id, booth_id, tally.WALK_INS, request.headcount)
            if booth_id is None:
                delta.arrive(self.activity.id, item.counted_at, request.headcount)
            return ScanResult.accepted, None
        return None  # the rule: decided by a conditional write

    # -- the rule, by conditional writes --------------------------------------------------

    def _write_conditionally(self, pending: list["_Fresh"], delta: tally.TallyDelta) -> None:
        """Decide the scans whose verdict rests on the ticket's state, by conditional writes.

        Scans of different tickets do not affect each other, so they go in waves, each
        holding a ticket at most once, in the order scanned, and each wave's writes go as one
        statement per kind of write instead of one per scan.
        """
        waves: list[list[_Fresh]] = []
        depth: dict[int, int] = {}
        for item in pending:
            level = depth[item.registration_id] = depth.get(item.registration_id, -1) + 1
            if level == len(waves):
                waves.append([])
            waves[level].append(item)
        for wave in waves:
            self._judge_wave(wave, delta)

    def _judge_wave(self, wave: list["_Fresh"], delta: tally.TallyDelta) -> None:
        entering = [item for item in wave if item.booth_id is None and item.entering]
        leaving = [item for item in wave if item.booth_id is None and not item.entering]
        at_booths = [item for item in wave if item.booth_id is not None]
        changed, revoked = self._flip_inside(entering, True)
        changed_leaving, revoked_leaving = self._flip_inside(leaving, False)
        changed |= changed_leaving | self._visit_booths(at_booths)
        revoked |= revoked_leaving
        for item in wave:
            accepted = item.registration_id in changed
            if item.booth_id is None:
                item.verdict = self._entrance_verdict(item, accepted, revoked=item.registration_id in revoked)
                if accepted:
                    metric = tally.ENTRIES if item.entering else tally.EXITS
                    delta.add(item.day, self.activity.id, None, metric)
            elif accepted:
                item.verdict = ScanResult.accepted, None
                delta.add(item.day, self.activity.id, item.booth_id, tally.VISITS)
            else:
                item.verdict = _ALREADY_VISITED
        arrived = [item for item in wave if item.registration_id in changed and item.checks_in]
        for item in self._first_check_ins(arrived):
            delta.check_in(item.day, self.activity.id, item.counted_at, item.ticket.present_metrics)

    def _entrance_verdict(self, item: "_Fresh", changed: bool, *, revoked: bool) -> tuple[str, str | None]:
        if changed:
            return ScanResult.accepted, None
        if revoked:
            return ScanResult.rejected, "revoked"  # cancelled while this scan was on its way
        return ScanResult.duplicate, "already_in" if item.entering else "not_inside"

    def _flip_inside(self, items: list["_Fresh"], entering: bool) -> tuple[set[int], set[int]]:
        """Registration ids whose `inside` state these scans changed, and those cancelled while
        their scans were on the way (found revoked here, not at the look-up).

        Cancelled tickets are matched too, and left as they are, so that one statement tells
        a duplicate from a ticket cancelled meanwhile: a duplicate, the scan a storm repeats,
        costs no second statement, and only a ticket cancelled in the last instant costs
        a row write that changes nothing.
        """
        if not items:
            return set(), set()
        ids = [item.registration_id for item in items]
        rows = self.db.all(
            "UPDATE registration SET inside = CASE WHEN revoked_at IS NULL THEN ? ELSE inside END "
            f"WHERE id IN ({self.db.placeholders(len(ids))}) AND (inside = ? OR revoked_at IS NOT NULL) "
            "RETURNING id, revoked_at",
            [self.db.bool_param(entering), *ids, self.db.bool_param(not entering)],
        )
        changed = {row[0] for row in rows if row[1] is None}
        return changed, {row[0] for row in rows if row[1] is not None}

    def _visit_booths(self, items: list["_Fresh"]) -> set[int]:
        """Registration ids whose first visit of the day to the booth these scans are."""
        if not items:
            return set()
        params = []
        for item in items:
            params += [item.registration_id, item.booth_id, self.db.date_param(item.day)]
        rows = self.db.all(
            "INSERT INTO booth_visit (registration_id, booth_id, local_day) VALUES "
            + ", ".join(["(?, ?, ?)"] * len(items))
            + " ON CONFLICT DO NOTHING RETURNING registration_id",
            params,
        )
        return {row[0] for row in rows}

    def _first_check_ins(self, items: list["_Fresh"]) -> list["_Fresh"]:
        """The scans among these that check their ticket's holder in: a ticket's first accepted
        scan anywhere at the activity."""
        if not items:
            return []
        values = ", ".join(["(?, ?)"] * len(items))
        params = []
        for item in items:
            params += [item.registration_id, self.db.time_param(item.counted_at)]
        rows = self.db.all(
            f"WITH arrival (id, at) AS (VALUES {values}) UPDATE registration "
            "SET checked_in_at = (SELECT at FROM arrival WHERE arrival.id = registration.id) "
            "WHERE id IN (SELECT id FROM arrival) AND checked_in_at IS NULL RETURNING id",
            params,
        )
        checked_in = {row[0] for row in rows}
        return [item for item in items if item.registration_id in checked_in]

    def _is_inside(self, registration_id: int) -> bool:
        row = self.db.one("SELECT inside FROM registration WHERE id = ?", (registration_id,))
        return bool(row and row[0])

    def _store(self, request, outcome: ScanOutcome, booth_id, counted_at, day, delta) -> None:
        # A booth id that is not one of the activity's is kept out of the facts and figures.
        booth_id = booth_id if booth_id in self.booth_ids else None
        if request.kind == ScanKind.ticket:
            delta.add(day, self.activity.id, booth_id, tally.SCANS)
            if outcome.result == ScanResult.duplicate:
                delta.add(day, self.activity.id, booth_id, tally.DUPLICATES)
            elif outcome.result == ScanResult.rejected:
                delta.add(day, self.activity.id, booth_id, tally.REJECTED)
        ticket = outcome.ticket
        self.unwritten.append(
            (
                outcome,
                (
                    request.client_scan_id,
                    request.fingerprint,
                    request.kind,
                    self.activity.id,
                    booth_id,
                    ticket.registration_id if ticket else None,
                    request.direction if request.kind == ScanKind.ticket and booth_id is None else None,
                    request.headcount,
                    outcome.result,
                    outcome.reason,
                    self.scanner.credential_id,
                    self.scanner.user_id,
                    self.scanner.label[:100],
                    self.channel,
                    self.db.time_param(request.scanned_at),
                    self.db.time_param(self.now),
                    self.db.time_param(counted_at),
                    self.db.date_param(day),
                ),
            )
        )
