"""What the reports offer per activity: the core's lists and each activity kind's, and the
kinds' open follow-ups.

Kinds declare their lists and follow-ups in their `ActivityKind` (``lists``,
``follow_ups``); the lists page, the XLSX/CSV exports and the written report ask here and
never name a kind.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from eventdesk.core.kinds import FollowUp, all_kinds, get_kind
from eventdesk.core.models import Activity
from eventdesk.reports.exports import Column

#: Yields one dict per row, by column key; personal values unmasked (the exporter masks them).
RowSource = Callable[[Activity, dt.date | None], Iterable[dict]]


@dataclass(frozen=True)
class ListExport:
    """A list an organizer can download for one activity (registrations, check-ins, applications …)."""

    #: In the URL: ``/reports/activities/<id>/lists/<name>.xlsx``.
    name: str
    label: object  # lazy string
    columns: tuple[Column, ...]
    rows: RowSource
    #: Whether the list can be narrowed to one local day (``?date=``).
    by_day: bool = False
    #: Whether it holds what only organizers may read in any form (health services, referrals):
    #: below organizer level it is not offered at all, masked or not.
    organizers_only: bool = False


#: The lists every activity has (registrations, check-ins), set by `eventdesk.reports.lists`.
CORE_LISTS: list[ListExport] = []


def lists_for(activity: Activity) -> list[ListExport]:
    kind = get_kind(activity.kind)
    return [*CORE_LISTS, *(kind.lists if kind else ())]


def get_list(activity: Activity, name: str) -> ListExport | None:
    for export in lists_for(activity):
        if export.name == name:
            return export
    return None


def follow_up_kinds() -> set[str]:
    return {kind.name for kind in all_kinds() if kind.follow_ups is not None}


def follow_ups(activities: Sequence[Activity], day: dt.date) -> list[FollowUp]:
    """The open follow-ups of `activities`, from the kinds that provide them."""
    by_kind: dict[str, list[int]] = {}
    for activity in activities:
        by_kind.setdefault(activity.kind, []).append(activity.id)
    found: list[FollowUp] = []
    for kind_name, ids in by_kind.items():
        kind = get_kind(kind_name)
        if kind is not None and kind.follow_ups is not None:
            found += list(kind.follow_ups(ids, day))
    return found
