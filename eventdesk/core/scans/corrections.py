"""Corrections: undoing an accepted scan or walk-in with a new fact that voids it.

Scans are never updated or deleted. A correction is a `Scan` of kind ``void`` pointing
at the accepted scan it cancels (at most one each: a unique constraint); the counts lose
what the cancelled scan added, in the same transaction, exactly as `flask tally rebuild`
will compute them from the facts:

- an entrance ``in`` or ``out`` can be undone only while it is the ticket's latest
  accepted entrance scan (otherwise its state would no longer follow from the facts);
  undoing it flips `inside` back;
- a booth visit is forgotten, so the ticket can be scanned there again that day;
- when the cancelled scan was the one that checked the ticket in, the ticket's next
  accepted scan (in the order judged) checks it in instead, or nothing does;
- a walk-in's people are taken off again.
"""

import datetime as dt
import json
from dataclasses import dataclass

from eventdesk.core import tally
from eventdesk.core.models import ScanKind, ScanResult, utcnow
from eventdesk.core.rawdb import IntegrityErrors, RawConnection
from eventdesk.core.scans.model import ActivityInfo, Scanner
from eventdesk.errors import ServiceError

#: A scanner may undo its own scans for this long; staff who manage the activity, always.
SCANNER_UNDO_WINDOW = dt.timedelta(minutes=30)

_ACCEPTED_NOT_VOIDED = (
    "s.kind = 'ticket' AND s.result = 'accepted' "
    "AND NOT EXISTS (SELECT 1 FROM scan v WHERE v.voids_scan_id = s.id)"
)


@dataclass(frozen=True)
class Correction:
    """A stored correction: its own scan id and the scan it voided."""

    scan_id: int
    voided_scan_id: int


@dataclass(frozen=True)
class _Target:
    id: int
    activity_id: int
    kind: str
    result: str
    booth_id: int | None
    registration_id: int | None
    direction: str | None
    headcount: int
    local_day: dt.date
    counted_at: dt.datetime
    credential_id: int | None
    user_id: int | None
    received_at: dt.datetime

    def made_by(self, scanner: Scanner) -> bool:
        if scanner.credential_id is not None:
            return self.credential_id == scanner.credential_id
        return scanner.user_id is not None and self.user_id == scanner.user_id


def void_scan(
    connection: RawConnection,
    activity: ActivityInfo,
    scanner: Scanner,
    scan_id: int,
    client_scan_id: str,
    *,
    may_void_any: bool = False,
    now: dt.datetime | None = None,
) -> Correction:
    """Undo the accepted scan `scan_id` of `activity`.

    :param may_void_any: staff who manage the activity; otherwise a scanner may undo only
        its own scans of the last `SCANNER_UNDO_WINDOW`.
    :raises ServiceError: ``not_found`` (404), ``forbidden`` (403), ``not_voidable``,
        ``already_voided``, ``not_latest`` (409), ``client_scan_id_reused`` (409).
    """
    now = now or utcnow()
    try:
        return _void(connection, activity, scanner, scan_id, client_scan_id, may_void_any, now)
    except IntegrityErrors:
        # Another correction of the same scan won the race (PostgreSQL; SQLite queues writers).
        raise ServiceError("already_voided", status=409) from None


def _void(connection, activity, scanner, scan_id, client_scan_id, may_void_any, now) -> Correction:
    fingerprint = f"void:{scan_id}"
    with connection.write_transaction():
        earlier = connection.one(
            "SELECT id, fingerprint FROM scan WHERE client_scan_id = ?", (client_scan_id,)
        )
        if earlier is not None:
            if earlier[1] != fingerprint:
                raise ServiceError("client_scan_id_reused", status=409)
            return Correction(scan_id=earlier[0], voided_scan_id=scan_id)
        target = _load(connection, scan_id)
        if target is None or target.activity_id != activity.id:
            raise ServiceError("not_found", status=404)
        if not may_void_any and (
            not target.made_by(scanner) or now - target.received_at > SCANNER_UNDO_WINDOW
        ):
            raise ServiceError("forbidden", status=403)
        if target.result != ScanResult.accepted or target.kind == ScanKind.void:
            raise ServiceError("not_voidable", status=409)
        if connection.one("SELECT 1 FROM scan WHERE voids_scan_id = ?", (target.id,)):
            raise ServiceError("already_voided", status=409)
        delta = tally.TallyDelta()
        _take_back(connection, target, delta)
        row = connection.one(
            "INSERT INTO scan (client_scan_id, fingerprint, kind, activity_id, booth_id, registration_id, "
            "direction, headcount, result, reason, credential_id, user_id, device, channel, scanned_at, "
            "received_at, counted_at, local_day, voids_scan_id) "
            "VALUES (?, ?, 'void', ?, ?, ?, NULL, 1, 'accepted', NULL, ?, ?, ?, 'correction', NULL, "
            "?, ?, ?, ?) RETURNING id",
            (
                client_scan_id,
                fingerprint,
                activity.id,
                target.booth_id,
                target.registration_id,
                scanner.credential_id,
                scanner.user_id,
                scanner.label[:100],
                connection.time_param(now),
                connection.time_param(now),
                connection.date_param(target.local_day),
                target.id,
            ),
        )
        tally.write_delta(connection, delta)
        _audit_void(connection, activity, scanner, target, row[0], now)
    return Correction(scan_id=row[0], voided_scan_id=target.id)


def _audit_void(
    connection: RawConnection, activity, scanner: Scanner, target: _Target, correction_id, now
) -> None:
    """The undo in the audit log too, in the same transaction (the check-in path has no ORM session)."""
    connection.execute(
        "INSERT INTO audit_log (at, user_id, credential_id, action, target_type, target_id, activity_id, "
        "before, after, details) VALUES (?, ?, ?, 'scan.voided', 'scan', ?, ?, ?, ?, '{}')",
        (
            connection.time_param(now),
            scanner.user_id,
            scanner.credential_id,
            target.id,
            activity.id,
            json.dumps({"scan_kind": target.kind, "result": ScanResult.accepted.value}),
            json.dumps({"voided_by_scan_id": correction_id}),
        ),
    )


def _load(connection: RawConnection, scan_id: int) -> _Target | None:
    row = connection.one(
        "SELECT id, activity_id, kind, result, booth_id, registration_id, direction, headcount, local_day, "
        "counted_at, credential_id, user_id, received_at FROM scan WHERE id = ?",
        (scan_id,),
    )
    if row is None:
        return None
    return _Target(
        *row[:8],
        local_day=connection.date_value(row[8]),
        counted_at=connection.time_value(row[9]),
        credential_id=row[10],
        user_id=row[11],
        received_at=connection.time_value(row[12]),
    )


def _take_back(connection: RawConnection, target: _Target, delta: tally.TallyDelta) -> None:
    """Reverse what `target` added to the state and the figures."""
    day, activity_id = target.local_day, target.activity_id
    if target.kind == ScanKind.walkin:
        delta.add(day, activity_id, target.booth_id, tally.WALK_INS, -target.headcount)
        if target.booth_id is None:
            delta.arrive(activity_id, target.counted_at, -target.headcount)
        return
    if target.booth_id is None:
        latest = connection.one(
            "SELECT MAX(s.id) FROM scan s WHERE s.registration_id = ? AND s.booth_id IS NULL "
            f"AND {_ACCEPTED_NOT_VOIDED}",
            (target.registration_id,),
        )
        if latest is None or latest[0] != target.id:
            raise ServiceError("not_latest", status=409)
        entering = target.direction == "in"
        changed = connection.execute(
            "UPDATE registration SET inside = ? WHERE id = ? AND inside = ?",
            (connection.bool_param(not entering), target.registration_id, connection.bool_param(entering)),
        )
        if not changed:
            raise ServiceError("not_latest", status=409)
        delta.add(day, activity_id, None, tally.ENTRIES if entering else tally.EXITS, -1)
    else:
        connection.execute(
            "DELETE FROM booth_visit WHERE registration_id = ? AND booth_id = ? AND local_day = ?",
            (target.registration_id, target.booth_id, connection.date_param(day)),
        )
        delta.add(day, activity_id, target.booth_id, tally.VISITS, -1)
    _move_check_in(connection, target, delta)


def _move_check_in(connection: RawConnection, target: _Target, delta: tally.TallyDelta) -> None:
    """If `target` checked the ticket in, its next accepted scan does now (or none does)."""
    first = connection.one(
        f"SELECT MIN(s.id) FROM scan s WHERE s.registration_id = ? AND {_ACCEPTED_NOT_VOIDED}",
        (target.registration_id,),
    )
    if first is None or first[0] != target.id:
        return
    row = connection.one("SELECT present_metrics FROM registration WHERE id = ?", (target.registration_id,))
    present_metrics = tuple((row[0] or "").split()) if row else ()
    delta.check_in(target.local_day, target.activity_id, target.counted_at, present_metrics, amount=-1)
    successor = connection.one(
        f"SELECT s.local_day, s.counted_at FROM scan s WHERE s.registration_id = ? AND s.id > ? "
        f"AND {_ACCEPTED_NOT_VOIDED} ORDER BY s.id LIMIT 1",
        (target.registration_id, target.id),
    )
    if successor is None:
        connection.execute(
            "UPDATE registration SET checked_in_at = NULL WHERE id = ?", (target.registration_id,)
        )
        return
    successor_day, successor_at = connection.date_value(successor[0]), connection.time_value(successor[1])
    connection.execute(
        "UPDATE registration SET checked_in_at = ? WHERE id = ?",
        (connection.time_param(successor_at), target.registration_id),
    )
    delta.check_in(successor_day, target.activity_id, successor_at, present_metrics)
