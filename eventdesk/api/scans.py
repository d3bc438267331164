"""Scanner endpoints: one scan, an offline batch, walk-ins (API.md).

A judged scan — accepted, duplicate or rejected — is an answer (200); 4xx is for a bad
credential, a malformed envelope or a body too large.
"""

from functools import partial

from flask import current_app

from eventdesk.api import bp
from eventdesk.api.auth import Principal, authenticate
from eventdesk.api.common import display_name, json_answer, json_object, language, rfc3339
from eventdesk.core import news
from eventdesk.core.database import session_reads_only
from eventdesk.core.identity import mask_name
from eventdesk.core.models import ScanKind, ScanResult
from eventdesk.core.rawdb import RawConnection, owned_connection
from eventdesk.core.scans.corrections import void_scan
from eventdesk.core.scans.counts import activity_counts
from eventdesk.core.scans.group_commit import GroupCommit
from eventdesk.core.scans.model import ActivityInfo, ScanOutcome
from eventdesk.core.scans.requests import (
    MalformedScan,
    ScanRequest,
    parse_client_scan_id,
    parse_scan,
    parse_walkin,
)
from eventdesk.core.scans.service import LiveScan, judge_live_scans, judge_scans
from eventdesk.errors import ServiceError, reason_message

MAX_BATCH = 1000
#: The app's `GroupCommit` of single scans (`app.extensions`).
GROUP_COMMIT = "eventdesk.scan_group_commit"


def outcome_json(outcome: ScanOutcome, activity: ActivityInfo) -> dict:
    """A judged scan as the API answers it."""
    answer = {
        "result": str(outcome.result),
        "reason": outcome.reason,
        "message": reason_message(outcome.reason) if outcome.reason else None,
        "scan_id": outcome.scan_id,
        "person": None,
    }
    if outcome.ticket is not None:
        answer["person"] = {
            "name_masked": mask_name(outcome.ticket.person_name),
            "category": outcome.ticket.category,
        }
    if outcome.first_seen_at is not None:
        answer["first_seen"] = {
            "at": rfc3339(outcome.first_seen_at, activity.timezone),
            "device": outcome.first_seen_device,
        }
    if outcome.expected_activity is not None:
        activity_id, name, name_en = outcome.expected_activity
        answer["expected_activity"] = {"id": activity_id, "name": display_name(name, name_en)}
    return answer


def _counts(connection: RawConnection, activity: ActivityInfo) -> dict:
    return activity_counts(connection, activity.id, activity.kind, language=language())


@bp.record_once
def _start_group_commit(state) -> None:
    state.app.extensions[GROUP_COMMIT] = GroupCommit(partial(judge_live_scans, channel="scanner"))


def _judge_one(request: ScanRequest, principal: Principal, connection: RawConnection) -> tuple[dict, int]:
    activity = principal.scan_activity(request.activity_id, {request.booth_id})
    scan = LiveScan(activity, principal.scanner, request, language())
    current_app.extensions[GROUP_COMMIT].judge(connection, scan)
    if scan.error is not None:
        raise scan.error
    news.announce({activity.id})
    if scan.outcome.conflict:
        raise ServiceError("client_scan_id_reused", status=409)
    answer = outcome_json(scan.outcome, activity)
    answer["counts"] = scan.counts
    return answer, 200


def _answer_one(parse) -> tuple[dict, int]:
    body = json_object()
    with owned_connection() as connection:
        principal = authenticate(connection, revocation_checked_by_scan=True)
        try:
            request = parse(body)
        except MalformedScan as error:
            raise ServiceError("malformed", field=error.field) from None
        return _judge_one(request, principal, connection)


@bp.post("/scans")
@session_reads_only
def post_scan():
    """Judge one scan."""
    return json_answer(*_answer_one(parse_scan))


@bp.post("/walkins")
@session_reads_only
def post_walkin():
    """Count people who came without a ticket, at the entrance or at a booth."""
    return json_answer(*_answer_one(parse_walkin))


def _parse_batch_item(item) -> ScanRequest:
    if isinstance(item, dict) and item.get("kind") == ScanKind.walkin:
        return parse_walkin(item)
    return parse_scan(item)


@bp.post("/scans/batch")
@session_reads_only
def post_batch():
    """Judge an offline scanner's queue, each scan on its own, in the order given."""
    body = json_object()
    scans = body.get("scans")
    if not isinstance(scans, list):
        raise ServiceError("invalid_field", field="scans")
    if len(scans) > MAX_BATCH:
        raise ServiceError("batch_too_large", status=413)
    with owned_connection() as connection:
        principal = authenticate(connection, allow_expired=True)
        parsed: list[ScanRequest | MalformedScan] = []
        for item in scans:
            try:
                parsed.append(_parse_batch_item(item))
            except MalformedScan as error:
                parsed.append(error)
        requests = [p for p in parsed if isinstance(p, ScanRequest)]
        activity = principal.activity
        if requests:
            activity_ids = {r.activity_id for r in requests}
            if len(activity_ids) > 1:
                raise ServiceError("invalid_field", field="activity_id")
            activity = principal.scan_activity(activity_ids.pop(), {r.booth_id for r in requests})
        outcomes = iter(judge_scans(connection, activity, principal.scanner, requests, channel="batch"))
        if requests:
            news.announce({activity.id})
        results = []
        for item in parsed:
            if isinstance(item, MalformedScan):
                results.append(_malformed(item.field))
                continue
            outcome = next(outcomes)
            results.append(outcome_json(outcome, activity))
        answer = {"results": results}
        if activity is not None:
            answer["counts"] = _counts(connection, activity)
    return json_answer(answer)


@bp.post("/scans/<int:scan_id>/void")
@session_reads_only
def void(scan_id: int):
    """Undo an accepted scan or walk-in with a correction (its own scans for a scanner, for a while)."""
    body = json_object()
    activity_id = body.get("activity_id")
    if activity_id is not None and (isinstance(activity_id, bool) or not isinstance(activity_id, int)):
        raise ServiceError("invalid_field", field="activity_id")
    with owned_connection() as connection:
        # Who asks, and whether they reach the activity, before what they ask is looked at.
        principal = authenticate(connection)
        activity = principal.scan_activity(activity_id, {None})
        try:
            client_scan_id = parse_client_scan_id(body.get("client_scan_id"))
        except MalformedScan as error:
            raise ServiceError("malformed", field=error.field) from None
        correction = void_scan(
            connection,
            activity,
            principal.scanner,
            scan_id,
            client_scan_id,
            may_void_any=principal.manages(activity.id),
        )
        news.announce({activity.id})
        answer = {
            "scan_id": correction.scan_id,
            "voided_scan_id": correction.voided_scan_id,
            "counts": _counts(connection, activity),
        }
    return json_answer(answer)


def _malformed(field: str) -> dict:
    return {
        "result": str(ScanResult.rejected),
        "reason": "malformed",
        "message": reason_message("malformed"),
        "scan_id": None,
        "person": None,
        "field": field,
    }
