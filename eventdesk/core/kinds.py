"""Activity kinds as plug-ins: each declares its labels, booth wording and the metrics it feeds.

A kind lives in ``eventdesk/activities/<name>/`` and registers itself here; the core,
the dashboard and the reports ask this registry and never name a kind themselves.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import LazyString


@dataclass(frozen=True)
class Metric:
    """A figure an activity kind feeds to the daily tally."""

    name: str
    label: LazyString
    #: Shown on the public summary page (aggregate figures only).
    public: bool = False


@dataclass(frozen=True)
class ActivityKind:
    """What the core needs to know about a kind of activity."""

    name: str
    label: LazyString
    #: What a booth is called in this kind (a department's table, an employer's stand …).
    booth_label: LazyString
    #: The kind's own metrics, beyond the core counts every activity has.
    metrics: tuple[Metric, ...] = field(default=())
    #: Recomputes the kind's metrics from its own facts for ``flask tally rebuild``: given a
    #: local day (or None for all days), yields ((day, activity id, booth id or 0, metric), value).
    rebuild_tally: Callable[[dt.date | None], Iterable[tuple[tuple, int]]] | None = None


_KINDS: dict[str, ActivityKind] = {}


def register_kind(kind: ActivityKind) -> None:
    existing = _KINDS.get(kind.name)
    if existing is not None and existing is not kind:
        raise ValueError(f"activity kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind


def get_kind(name: str) -> ActivityKind | None:
    return _KINDS.get(name)


def all_kinds() -> list[ActivityKind]:
    return list(_KINDS.values())


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.name, str(kind.label)) for kind in _KINDS.values()]
