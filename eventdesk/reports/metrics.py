"""The figures a tally shows, in the order they are shown, with their labels.

The core counts are API.md's count definitions; every activity kind adds the metrics it
declares in the kind registry. Nothing here names a kind.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventdesk.core import tally
from eventdesk.core.kinds import Metric, all_kinds, get_kind

ATTENDANCE = "attendance"
INSIDE = "inside"
BOOTH_VISITS = "booth_visits"

#: Figures of an activity as a whole (a booth's figures are added where API.md says so).
ACTIVITY_METRICS = (
    Metric(tally.REGISTERED, _l("People registered")),
    Metric(tally.CHECKED_IN, _l("People checked in")),
    Metric(tally.WALK_INS, _l("Walk-in people")),
    Metric(ATTENDANCE, _l("Attendance")),
    Metric(INSIDE, _l("Inside now")),
    Metric(BOOTH_VISITS, _l("Booth visits")),
    Metric(tally.ENTRIES, _l("Entries")),
    Metric(tally.EXITS, _l("Exits")),
    Metric(tally.SCANS, _l("Scans")),
    Metric(tally.DUPLICATES, _l("Repeat scans")),
    Metric(tally.REJECTED, _l("Refused scans")),
)

#: Figures of one booth. `walk_ins` here are visits without a ticket, not people at the entrance.
BOOTH_METRICS = (
    Metric(tally.VISITS, _l("Visits with ticket")),
    Metric(tally.WALK_INS, _l("Visits without ticket")),
    Metric(BOOTH_VISITS, _l("Visits in all")),
    Metric(tally.SCANS, _l("Scans")),
    Metric(tally.DUPLICATES, _l("Repeat scans")),
    Metric(tally.REJECTED, _l("Refused scans")),
)

#: The figures a summary leads with (totals tables, the written report's sentences).
HEADLINE = (tally.REGISTERED, tally.CHECKED_IN, tally.WALK_INS, ATTENDANCE, BOOTH_VISITS)


#: Names of the core activity figures (stored or derived).
CORE_NAMES = frozenset(m.name for m in ACTIVITY_METRICS)
#: Figures that only explain another (inside = entries − exits).
ENTRANCE_DETAIL = frozenset({tally.ENTRIES, tally.EXITS})

_CORE_LABELS = {m.name: m.label for m in ACTIVITY_METRICS}


def kind_metrics(kind_name: str) -> tuple[Metric, ...]:
    """The metrics an activity kind declares (none for an unknown kind)."""
    kind = get_kind(kind_name)
    return kind.metrics if kind else ()


def label(name: str) -> str:
    """A metric's label in the current language: a core count's, a kind's, or its bare name."""
    if name in _CORE_LABELS:
        return str(_CORE_LABELS[name])
    for kind in all_kinds():
        metric = kind.metric(name)
        if metric is None:
            continue
        if "." not in name:
            return str(metric.label)
        key = name.split(".", 1)[1]
        part = metric.breakdown_labels().get(key, key)
        return _("%(metric)s: %(part)s", metric=metric.label, part=part)
    return name


def booth_label(name: str) -> str:
    """A booth figure's label (a booth's walk-ins are visits, not people at the entrance)."""
    for metric in BOOTH_METRICS:
        if metric.name == name:
            return str(metric.label)
    return label(name)


def ordered(names) -> list[str]:
    """Metric names in display order: core counts first, then kinds' in registry order, then others."""
    order = [m.name for m in ACTIVITY_METRICS]
    for kind in all_kinds():
        order += [m.name for m in kind.metrics if m.name not in order]
    position = {name: i for i, name in enumerate(order)}

    def place(name: str) -> tuple:
        # A breakdown row (``consultations.employment``) follows the metric it breaks down.
        base = name.split(".", 1)[0]
        return (position.get(base, len(order)), base != name, name)

    return sorted(set(names), key=place)


def public_metrics() -> list[Metric]:
    """Kinds' metrics marked public, each name once, in registry order."""
    seen: dict[str, Metric] = {}
    for kind in all_kinds():
        for metric in kind.metrics:
            if metric.public and metric.name not in seen:
                seen[metric.name] = metric
    return list(seen.values())
