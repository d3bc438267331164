"""What activity kinds plug into the reports: their own lists to export, their open follow-ups.

A kind registers here from its package (``register_list(...)``, ``register_follow_ups(...)``)
and the reports pick it up without being changed: the lists page, the XLSX/CSV exports
and the written report ask this registry and never name a kind.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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
    #: The activity kinds it applies to; empty: every activity.
    kinds: frozenset[str] = frozenset()
    #: Whether the list can be narrowed to one local day (``?date=``).
    by_day: bool = False

    def applies_to(self, activity: Activity) -> bool:
        return not self.kinds or activity.kind in self.kinds


_LISTS: dict[str, ListExport] = {}


def register_list(export: ListExport) -> None:
    existing = _LISTS.get(export.name)
    if existing is not None and existing is not export:
        raise ValueError(f"list {export.name!r} is registered twice")
    _LISTS[export.name] = export


def lists_for(activity: Activity) -> list[ListExport]:
    return [export for export in _LISTS.values() if export.applies_to(activity)]


def get_list(name: str) -> ListExport | None:
    return _LISTS.get(name)


@dataclass(frozen=True)
class FollowUp:
    """Something promised on the day that is still open (a consultation to answer, a referral …).

    No personal data: the written report is sent upward and may be published.
    """

    activity_id: int
    #: What is open, in the reader's language, e.g. "3 consultations on microcredit await an answer".
    summary: str
    #: The department that owes it, when one does.
    department_id: int | None = None
    #: How many cases it stands for.
    count: int = 1
    due_on: dt.date | None = None


#: Given activity ids and a local day, yields the open follow-ups of those activities.
FollowUpSource = Callable[[Sequence[int], dt.date], Iterable[FollowUp]]

_FOLLOW_UPS: dict[str, FollowUpSource] = {}


def register_follow_ups(kind: str, source: FollowUpSource) -> None:
    """Let the activities of `kind` report open follow-ups in the written report."""
    existing = _FOLLOW_UPS.get(kind)
    if existing is not None and existing is not source:
        raise ValueError(f"follow-ups of {kind!r} are registered twice")
    _FOLLOW_UPS[kind] = source


def follow_up_kinds() -> set[str]:
    return set(_FOLLOW_UPS)


def follow_ups(activities: Sequence[Activity], day: dt.date) -> list[FollowUp]:
    """The open follow-ups of `activities`, from the kinds that provide them."""
    by_kind: dict[str, list[int]] = {}
    for activity in activities:
        if activity.kind in _FOLLOW_UPS:
            by_kind.setdefault(activity.kind, []).append(activity.id)
    found: list[FollowUp] = []
    for kind, ids in by_kind.items():
        found += list(_FOLLOW_UPS[kind](ids, day))
    return found
