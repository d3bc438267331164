"""Activity kinds as plug-ins: what a kind declares, and the registry the rest of EventDesk asks.

A kind lives in ``eventdesk/activities/<name>/`` and declares everything it adds through
one `ActivityKind`: labels and reason codes, the fields its registrations carry, the
actions its booths record, the metrics it feeds to the daily tally, its pages and API,
its lists, follow-ups, imports and demo data. The app registers each kind's `ActivityKind`
when it starts (the `init_app` of the package of kinds); the core, the scanner, the dashboard and
the reports ask this registry and never name a kind.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from flask_babel import LazyString

if TYPE_CHECKING:
    from flask import Blueprint

    from eventdesk.core.fields import Field
    from eventdesk.core.models import Activity, Booth, Registration, User
    from eventdesk.core.route_access import Rule

#: (local day, activity id, booth id or 0, metric) → a change to the daily tally.
TallyKey = tuple[dt.date, int, int, str]
Label = LazyString | str


@dataclass(frozen=True)
class Metric:
    """A figure an activity kind feeds to the daily tally.

    A breakdown is the metric, a dot and a key (``consultations.employment``): the kind feeds
    those rows itself and names their keys' labels in `breakdown`.
    """

    name: str
    label: Label
    #: Shown on the public summary page (aggregate figures only).
    public: bool = False
    #: A standing figure (employers, postings, households invited) counts on the activity's
    #: day, whenever it was entered, and moves with the activity when its day changes.
    standing: bool = False
    #: Key → label of the breakdown rows ``<name>.<key>``; a callable is asked when read
    #: (for keys an organizer edits, such as a health day's services).
    breakdown: Mapping[str, Label] | Callable[[], Mapping[str, Label]] | None = None
    #: Sensitive even as a count (a health day's services and referrals): left out of the counts
    #: every scanner and staff member sees (scan and action answers, live counts), and shown
    #: only to those who manage the activity (their dashboard, the reports).
    confidential: bool = False

    def breakdown_labels(self) -> Mapping[str, Label]:
        if self.breakdown is None:
            return {}
        return self.breakdown() if callable(self.breakdown) else self.breakdown


@dataclass(frozen=True)
class Link:
    """A link a kind adds to a page (the activity's page, a ticket page)."""

    label: Label
    url: str


@dataclass(frozen=True)
class Panel:
    """A part of a page drawn by the kind: its template (under ``templates/<kind>/``) and context."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    #: A heading, where the page numbers its parts (the written report's sections).
    title: Label | None = None


@dataclass(frozen=True)
class FollowUp:
    """Something promised on the day that is still open (a question to answer, a referral …).

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
    #: Past its due day: the report makes it stand out.
    overdue: bool = False


#: Given activity ids and a local day, yields the open follow-ups of those activities.
FollowUpSource = Callable[[Sequence[int], dt.date], Iterable[FollowUp]]


@dataclass(frozen=True)
class ImportKind:
    """A list that can be read from a spreadsheet into an activity (``flask import NAME``).

    `run(activity, data, skip_bad=…, actor=…)` reads the file's bytes and returns an
    ``ImportReport``; it raises ``ImportRejected`` when a row is bad and bad rows are not to
    be skipped (the caller then keeps nothing). `columns` maps each column to the headers
    that mean it, Chinese and English, for the help text and the upload page.
    """

    name: str
    label: Label
    run: Callable[..., Any]
    columns: Mapping[str, Sequence[str]]
    #: What was done, given ``rows``, ``done``, ``already`` and ``skipped`` (a format string).
    summary: Label = ""
    #: What the help text says a row needs.
    help: Label = ""
    #: The activity kinds it applies to; empty: every activity.
    kinds: frozenset[str] = frozenset()

    def applies_to(self, activity: "Activity") -> bool:
        return not self.kinds or activity.kind in self.kinds


@dataclass
class ActionContext:
    """What a kind's action is recorded with: validated fields, where, for whom, by whom.

    The core has checked the caller's reach, the booth, the ticket and the fields' types; the
    kind applies its own rules (raising `ServiceError` with its reason codes, status 409)
    and writes its details in the caller's transaction, through the ORM session.
    """

    activity: "Activity"
    booth: "Booth | None"
    registration: "Registration | None"
    fields: dict
    #: The core's `Action` row (its id is known): the kind's details point at it.
    action_id: int
    #: The time the action counts at, and its local day.
    counted_at: dt.datetime
    local_day: dt.date
    #: Who records it: a staff member, or a scanner device (by its label).
    user_id: int | None
    credential_id: int | None
    device: str


@dataclass
class ActionOutcome:
    """What a kind's action changed: the figures (added to the tally with the fact) and what the
    answer names (``{"application_id": 12}``)."""

    figures: list[tuple[TallyKey, int]] = field(default_factory=list)
    answer: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """Something a booth or desk records about a person beyond a scan (API.md, activity kinds)."""

    name: str
    label: Label
    #: ``required``, ``optional`` or ``none``: whether a ticket names the person.
    ticket: Literal["required", "optional", "none"]
    #: The fields, drawn by the scanner and the staff desk; choices may depend on the booth.
    fields: tuple["Field", ...]
    #: Records the action: `record(context) -> ActionOutcome`.
    record: Callable[[ActionContext], ActionOutcome]
    #: Takes back what `record` did when the action is voided, in the caller's transaction;
    #: returns the figures to add (negative ones) the same way.
    void: Callable[[ActionContext], ActionOutcome]
    #: Whether the action is offered at a booth (None: at the entrance, no booth): an action
    #: recorded at a booth that does not offer it is refused (``wrong_booth``).
    offered_at: Callable[["Activity", "Booth | None"], bool] = lambda _activity, booth: booth is not None
    #: Who else may record it besides staff working at the booth and its scanners, e.g. only
    #: the activity's health staff: `may_record(user, activity, booth) -> bool` for staff.
    staff_rule: Callable[["User", "Activity", "Booth | None"], bool] | None = None


@dataclass(frozen=True)
class ActivityKind:
    """Everything a kind of activity adds to EventDesk; see the module docstring."""

    name: str
    label: Label
    #: What a booth is called in this kind (a department's table, an employer's stand …).
    booth_label: Label
    #: The kind's own reason codes and their messages (codes must not clash with others').
    reasons: Mapping[str, Label] = field(default_factory=dict)

    # -- registrations --------------------------------------------------------------------
    #: The kind's own registration fields (`Registration.fields`), asked on the phone form, at
    #: the desk, read from imports and the API, validated by the registration service.
    registration_fields: tuple["Field", ...] = ()
    #: What registration adds to the general notice of purpose (e.g. whom phone numbers are
    #: shared with); shown above the consent box.
    registration_notice: Label | None = None
    #: Metrics a registration adds to when its holder is checked in (``poor_labourers_present``),
    #: from the registration's fields; stored with the registration so that check-in reads them.
    present_metrics: Callable[[Mapping[str, Any]], Iterable[str]] | None = None

    # -- what booths record, and the figures ---------------------------------------------
    actions: tuple[Action, ...] = ()
    #: The kind's own metrics, beyond the core counts every activity has.
    metrics: tuple[Metric, ...] = ()
    #: Recomputes the kind's metrics from its own facts for ``flask tally rebuild``: given a
    #: local day (or None for all days), yields ((day, activity id, booth id or 0, metric), value).
    rebuild_tally: Callable[[dt.date | None], Iterable[tuple[TallyKey, int]]] | None = None

    # -- pages and API ----------------------------------------------------------------------
    #: HTML blueprints (templates under ``templates/<kind>/``).
    blueprints: tuple["Blueprint", ...] = ()
    #: JSON blueprints under ``/api/v1`` (bearer tokens, no CSRF, JSON errors).
    api_blueprints: tuple["Blueprint", ...] = ()
    #: Who may call each endpoint of those blueprints: the kind's rows of the permission table
    #: (`eventdesk.core.route_access`); an endpoint without one is refused.
    route_rules: Mapping[str, "Rule"] = field(default_factory=dict)
    #: The OpenAPI paths (relative to ``/api/v1``) and schemas of the kind's own endpoints.
    openapi_paths: Mapping[str, dict] = field(default_factory=dict)
    openapi_schemas: Mapping[str, dict] = field(default_factory=dict)
    #: Links on the activity's page for a signed-in user: `activity_links(activity, user)`.
    activity_links: Callable[["Activity", "User"], Iterable[Link]] | None = None
    #: A part of the holder's ticket page: `ticket_panel(registration) -> Panel | None`.
    ticket_panel: Callable[["Registration"], Panel | None] | None = None
    #: The kind's own tiles on the dashboard: a template given ``figures`` (the activity's
    #: dashboard figures) and ``metrics`` (its metric values by name).
    dashboard_template: str | None = None
    #: The kind's section of the written report: `report_section(entries, unit) -> Panel | None`,
    #: given the report's activities of this kind (their tally figures) and the reporting unit.
    report_section: Callable[[Sequence[Any], Any], Panel | None] | None = None

    # -- lists, follow-ups, imports, demo -----------------------------------------------------
    #: Lists an organizer downloads (``eventdesk.reports.registry.ListExport``).
    lists: tuple[Any, ...] = ()
    follow_ups: FollowUpSource | None = None
    imports: tuple[ImportKind, ...] = ()
    #: Fills the demo's activities of this kind: `demo(activities, context)`, through the
    #: kind's services; `context` is ``eventdesk.demo.DemoContext``.
    demo: Callable[[Sequence["Activity"], Any], None] | None = None

    # -- personal data ----------------------------------------------------------------------
    #: Replaces the personal data the kind keeps in its own tables (a proxy's name, a visitor's
    #: contact phone, a signature) and leaves its counts: `forget(activity_ids, registration_ids)`,
    #: everything at those activities when `registration_ids` is None, else only those tickets'.
    forget: Callable[[Sequence[int], Sequence[int] | None], None] | None = None

    def action(self, name: str) -> Action | None:
        for action in self.actions:
            if action.name == name:
                return action
        return None

    def metric(self, name: str) -> Metric | None:
        """The metric `name`, or the metric a breakdown row ``<name>.<key>`` belongs to."""
        base = name.split(".", 1)[0]
        for metric in self.metrics:
            if metric.name == base:
                return metric
        return None


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


def confidential_metric_names(kind_name: str) -> frozenset[str]:
    """The metrics of a kind kept to those who manage its activities (breakdown rows by prefix)."""
    kind = get_kind(kind_name)
    return frozenset(metric.name for metric in kind.metrics if metric.confidential) if kind else frozenset()


def standing_metric_names(kind_name: str) -> set[str]:
    """The metrics of a kind that count on the activity's day (breakdown rows included by prefix)."""
    kind = get_kind(kind_name)
    return {metric.name for metric in kind.metrics if metric.standing} if kind else set()
