"""The permission table: for every route, who may call it, within which scope, to read or write.

Every endpoint of the app has one `Rule`. The core's rules are in ``eventdesk/permission_table.py``;
a kind declares its own beside its blueprints (`ActivityKind.route_rules`). `check_request` runs
before every view: a route without a rule is refused, and so is a caller the rule does not list.
Where the URL names an activity, a signed-in caller must also reach it as the rule's `Need` says;
the views then narrow further (a booth of theirs, a ticket of that activity).
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import Flask, request
from flask_login import current_user

from eventdesk.core.access import Need, allowed, is_city_wide
from eventdesk.core.models import Activity, Role, User
from eventdesk.errors import ServiceError
from eventdesk.extensions import db, login_manager


class Caller(enum.StrEnum):
    """The kinds of caller, from the least to the most trusted."""

    anonymous = "anonymous"
    #: Anyone holding a ticket's private link (its token is in the URL).
    holder = "ticket holder"
    #: A volunteer's scanner credential, limited to one activity (or one booth of it).
    scanner = "scanner"
    #: Staff whose scopes are booths only.
    booth_staff = "booth staff"
    #: Staff of a department or an activity.
    department_staff = "department staff"
    #: An organizer limited to districts, departments or activities.
    district_organizer = "district organizer"
    #: An organizer without scopes: the city's office.
    organizer = "organizer"
    admin = "admin"


class Scope(enum.StrEnum):
    """What the caller must be within for the route to answer."""

    none = "none"
    own = "own session"
    ticket = "the ticket of the link"
    enrolment = "the enrolment code"
    credential = "the caller's activity or booth"
    reach = "what the caller's scopes reach"
    activity = "the activity in the URL"
    booth = "the booth in the URL, of the activity in the URL"
    department = "the department in the URL"
    unit = "the district or department the caller reports for"
    accounts = "accounts within the caller's reach"
    city = "the whole city"


STAFF = frozenset(
    {Caller.booth_staff, Caller.department_staff, Caller.district_organizer, Caller.organizer, Caller.admin}
)
ORGANIZERS = frozenset({Caller.district_organizer, Caller.organizer, Caller.admin})
CITY = frozenset({Caller.organizer, Caller.admin})
BEARERS = STAFF | {Caller.scanner}
EVERYONE = frozenset(Caller)
_READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Rule:
    """One row of the table: who may call a route, within what, and whether it writes."""

    callers: frozenset[Caller]
    scope: Scope
    write: bool = False
    #: What the caller must be allowed at the activity in the URL (`Scope.activity`, `Scope.booth`).
    need: Need | None = None

    @property
    def access(self) -> str:
        return "write" if self.write else "read"


def public(*, write: bool = False) -> Rule:
    return Rule(EVERYONE, Scope.none, write)


def at_activity(
    need: Need, callers: Iterable[Caller] = STAFF, *, write: bool = False, booth: bool = False
) -> Rule:
    """A page of the activity in the URL (or of a booth of it), for staff allowed `need` there."""
    return Rule(frozenset(callers), Scope.booth if booth else Scope.activity, write, need)


_RULES: dict[str, Rule] = {}


def declare(rules: Mapping[str, Rule]) -> None:
    """Add rules by endpoint; an endpoint has one rule."""
    for endpoint, rule in rules.items():
        existing = _RULES.get(endpoint)
        if existing is not None and existing != rule:
            raise ValueError(f"endpoint {endpoint!r} has two rules")
        _RULES[endpoint] = rule


def rule_for(endpoint: str) -> Rule | None:
    return _RULES.get(endpoint)


def caller_of(user: User) -> Caller:
    """The kind of caller a staff account is."""
    if user.role == Role.admin:
        return Caller.admin
    if user.role == Role.organizer:
        return Caller.organizer if is_city_wide(user) else Caller.district_organizer
    if user.scopes and all(scope.booth_id for scope in user.scopes):
        return Caller.booth_staff
    return Caller.department_staff


def _bearer_caller() -> tuple[Caller, User | None]:
    from eventdesk.api.auth import authenticate
    from eventdesk.core.rawdb import borrowed_connection

    principal = authenticate(borrowed_connection())
    if not principal.is_staff:
        return Caller.scanner, None
    user = principal.user
    return caller_of(user), user


def _caller() -> tuple[Caller, User | None]:
    if request.headers.get("Authorization"):
        return _bearer_caller()
    if current_user.is_authenticated:
        return caller_of(current_user), current_user
    return Caller.anonymous, None


def check_request():
    """Before every view: refuse a route without a rule, a write to a route whose rule only reads,
    a caller its rule does not list, and a signed-in caller outside the activity in the URL."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: Flask answers 404 or 405 itself
        return None
    rule = _RULES.get(endpoint)
    if rule is None or (not rule.write and request.method not in _READING_METHODS):
        raise ServiceError("forbidden", status=403)
    if rule.callers == EVERYONE:
        return None
    anonymous_may = Caller.anonymous in rule.callers
    if anonymous_may and not request.headers.get("Authorization") and not current_user.is_authenticated:
        return None
    if rule.callers >= BEARERS and request.headers.get("Authorization"):
        return None  # any valid token: the view authenticates it, once, on the hot path
    caller, user = _caller()
    if caller not in rule.callers:
        if caller == Caller.anonymous:
            if request.path.startswith("/api/"):
                raise ServiceError("unauthorized", status=401)
            return login_manager.unauthorized()
        raise ServiceError("forbidden", status=403)
    activity_id = (request.view_args or {}).get("activity_id")
    if rule.need is not None and user is not None and activity_id is not None:
        activity = db.session.get(Activity, activity_id)
        if activity is None:
            raise ServiceError("not_found", status=404)
        if not allowed(user, activity, rule.need):
            raise ServiceError("forbidden", status=403)
    return None


def missing_rules(app: Flask) -> list[str]:
    """Endpoints of `app` without a rule."""
    return sorted({r.endpoint for r in app.url_map.iter_rules() if r.endpoint not in _RULES})


def table(app: Flask) -> list[tuple[str, str, str, Rule | None]]:
    """(path, methods, endpoint, rule) for every route of `app`, by path."""
    rows = []
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        methods = ", ".join(sorted(url_rule.methods - {"HEAD", "OPTIONS"}))
        rows.append((url_rule.rule, methods, url_rule.endpoint, _RULES.get(url_rule.endpoint)))
    return rows


def markdown(app: Flask) -> str:
    """The table as the README shows it."""
    lines = [
        "| route | methods | endpoint | callers | scope | need | access |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for path, methods, endpoint, rule in table(app):
        if rule is None:
            lines.append(f"| `{path}` | {methods} | `{endpoint}` | **no rule: refused** | | | |")
            continue
        listed = ", ".join(c for c in Caller if c in rule.callers)
        callers = "everyone" if rule.callers == EVERYONE else listed
        need = rule.need.value if rule.need else ""
        cells = (f"`{path}`", methods, f"`{endpoint}`", callers, rule.scope.value, need, rule.access)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def init_app(app: Flask) -> None:
    # Before the other request hooks: a refused caller reaches nothing else, CSRF checks included.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
