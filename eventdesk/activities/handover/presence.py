"""A household present: its head's letter accepted at a handover desk, judged by the core's check-in
service as any booth scan (the first visit of the day checks the household in)."""

import datetime as dt

from eventdesk.core.models import Activity, Booth, Registration
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.model import ActivityInfo, Scanner, ScanOutcome
from eventdesk.core.scans.requests import ScanRequest
from eventdesk.core.scans.service import judge_scans

#: Recorded as the channel of check-ins made at a desk's page or by a handover.
DESK_CHANNEL = "manual"


def visit_desk(
    activity: Activity,
    registration: Registration,
    desk: Booth,
    scanner: Scanner,
    *,
    client_scan_id: str,
    at: dt.datetime | None = None,
) -> ScanOutcome:
    """The head's ticket at `desk` (at `at`, else now), in the caller's transaction.

    `client_scan_id` comes with the request, so that a form sent twice is one visit.
    """
    request = ScanRequest(
        client_scan_id=client_scan_id, registration_id=registration.id, booth_id=desk.id, scanned_at=at
    )
    [outcome] = judge_scans(
        borrowed_connection(), ActivityInfo.of(activity), scanner, [request], channel=DESK_CHANNEL, now=at
    )
    return outcome
