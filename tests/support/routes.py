"""Walking every route of the app: a world with each kind of caller inside and outside one
activity of every kind, and the URL of a route for a target activity.

The world is the demo (all four kinds, with their people, employers, households, materials …)
plus, for every activity, a booth staff member of its first booth, a staff member of its lead
department, a district organizer of its district, and a scanner of its first booth.
"""

import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from werkzeug.routing import Rule as UrlRule

from eventdesk.core.access import Need, account_within, allowed, can_work_at
from eventdesk.core.kinds import all_kinds
from eventdesk.core.models import (
    Action,
    Activity,
    Booth,
    DeletionRequest,
    Registration,
    Role,
    Scan,
    User,
)
from eventdesk.core.route_access import Caller, Rule, Scope
from eventdesk.extensions import db
from tests.support import factories

#: Callers made for each activity, within it.
SCOPED = (Caller.booth_staff, Caller.department_staff, Caller.district_organizer, Caller.scanner)
#: Routes whose URL names something of an activity, although not the activity itself.
_ACTIVITY_OBJECTS = ("scan_id", "action_id", "consultation_id", "token", "code", "booth_id")


@dataclass
class Target:
    """One activity of the world and what the URLs of its routes are filled with."""

    activity_id: int
    kind: str
    booth_id: int
    #: A bearer token, per caller made for this activity (staff tokens for staff).
    tokens: dict[Caller, str] = field(default_factory=dict)
    #: User ids of the callers made for this activity.
    users: dict[Caller, int] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class World:
    targets: dict[int, Target]
    #: The city-wide callers: user ids and bearer tokens.
    users: dict[Caller, int]
    tokens: dict[Caller, str]

    def target_of_kind(self, kind: str | None) -> Target:
        return next(t for t in self.targets.values() if kind is None or t.kind == kind)

    #: An activity in a district of its own, led by a department that works nowhere else: the
    #: home of the callers outside every other activity.
    elsewhere: Target


def _first(stmt):
    return db.session.scalars(stmt.limit(1)).first()


def _kind_values(activity: Activity, booth: Booth) -> dict[str, object]:
    """Ids of a kind's own objects at `activity`, by URL argument."""
    from eventdesk.activities.consultation.models import Consultation, Leaflet, Material
    from eventdesk.activities.handover.models import Household
    from eventdesk.activities.health.models import Service
    from eventdesk.activities.jobfair.models import Employer, Posting

    values: dict[str, object] = {}
    if activity.kind == "consultation":
        material = _first(sa.select(Material).where(Material.activity_id == activity.id))
        values["material_id"] = material.id
        leaflet = Leaflet(booth_id=booth.id, title="政策解读", size=9, data=b"%PDF-1.4\n")
        db.session.add(leaflet)
        db.session.flush()
        values["leaflet_id"] = leaflet.id
        consultation = _first(sa.select(Consultation).where(Consultation.activity_id == activity.id))
        values["consultation_id"] = consultation.id
        values["department_id"] = consultation.department_id
    elif activity.kind == "jobfair":
        employer = _first(sa.select(Employer).where(Employer.booth_id == booth.id))
        values["employer_id"] = employer.id
        values["posting_id"] = _first(sa.select(Posting.id).where(Posting.employer_id == employer.id))
    elif activity.kind == "health":
        values["service_id"] = _first(sa.select(Service.id).where(Service.activity_id == activity.id))
    elif activity.kind == "handover":
        values["household_id"] = _first(sa.select(Household.id).where(Household.activity_id == activity.id))
    return values


def _target(activity: Activity, *, with_kind_values: bool = True) -> Target:
    booths = sa.select(Booth).where(Booth.activity_id == activity.id).order_by(Booth.id)
    if activity.kind == "jobfair":
        from eventdesk.activities.jobfair.models import Employer

        booths = booths.where(Booth.id.in_(sa.select(Employer.booth_id)))  # an employer's stand
    booth = _first(booths)
    registration = _first(
        sa.select(Registration)
        .where(Registration.activity_id == activity.id, Registration.revoked_at.is_(None))
        .order_by(Registration.id)
    )
    target = Target(activity_id=activity.id, kind=activity.kind, booth_id=booth.id)
    scoped = {
        Caller.booth_staff: factories.user(Role.staff, scopes=[{"booth_id": booth.id}]),
        Caller.department_staff: factories.user(
            Role.staff, scopes=[{"department_id": activity.lead_department_id}]
        ),
        Caller.district_organizer: factories.user(
            Role.organizer, scopes=[{"district_id": activity.site.district_id}]
        ),
    }
    for caller, user in scoped.items():
        target.users[caller] = user.id
        target.tokens[caller] = factories.staff_token(user)
    from eventdesk.core.services import credentials

    credential, token, code = credentials.issue(activity, label="志愿者小李", booth=booth)
    target.tokens[Caller.scanner] = token
    # A holder's request to delete their data, for the organizers' page that carries it out.
    deletion = DeletionRequest(person_id=registration.person_id, registration_id=registration.id)
    db.session.add(deletion)
    db.session.flush()
    action = _first(sa.select(Action).where(Action.activity_id == activity.id).order_by(Action.id))
    scan = _first(sa.select(Scan).where(Scan.activity_id == activity.id).order_by(Scan.id))
    target.values = {
        "activity_id": activity.id,
        "booth_id": booth.id,
        "registration_id": registration.id,
        "token": registration.token,
        "code": code,
        "credential_id": credential.id,
        "request_id": deletion.id,
        "action_id": action.id if action else 1,
        "scan_id": scan.id if scan else 1,
        "event_id": activity.event_id,
        "site_id": activity.site_id,
        "district_id": activity.site.district_id,
        "department_id": activity.lead_department_id,
        **(_kind_values(activity, booth) if with_kind_values else {}),
    }
    return target


def build_world() -> World:
    """Within an app context, on a database holding the demo."""
    activities = db.session.scalars(sa.select(Activity)).all()
    targets = {activity.id: _target(activity) for activity in activities}
    far = factories.activity(
        activities[0].event, site_=factories.site(factories.district()), lead=factories.department(), booths=1
    )
    factories.registration(far)
    admin = factories.user(Role.admin)
    organizer = factories.user(Role.organizer)
    admin_token, organizer_token = factories.staff_token(admin), factories.staff_token(organizer)
    world = World(
        targets=targets,
        users={Caller.admin: admin.id, Caller.organizer: organizer.id},
        tokens={Caller.admin: admin_token, Caller.organizer: organizer_token},
        elsewhere=_target(far, with_kind_values=False),
    )
    from werkzeug.datastructures import FileStorage

    from eventdesk.plan.models import PlanDuty, PlanItem
    from eventdesk.plan.services import create_submission

    home = targets[activities[0].id]
    duty = _first(sa.select(PlanDuty).where(PlanDuty.district_id == home.values["district_id"]))
    pdf = FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="plan.pdf")
    submission = create_submission(duty, admin, text="方案", upload=pdf, send=False)
    db.session.flush()
    plan = {
        "duty_id": duty.id,
        "item_id": _first(sa.select(PlanItem.id).order_by(PlanItem.id)),
        "submission_id": submission.id,
    }
    for target in targets.values():
        target.values.update(plan)
    db.session.commit()
    return world


def route_kind(endpoint: str) -> str | None:
    """The kind whose blueprint holds `endpoint`, or None for the core's routes."""
    blueprint = endpoint.rpartition(".")[0]
    for kind in all_kinds():
        if blueprint in {bp.name for bp in (*kind.blueprints, *kind.api_blueprints)}:
            return kind.name
    return None


def _named(endpoint: str, target: Target) -> str:
    """What a ``<name>`` in the URL stands for at this endpoint."""
    from eventdesk.core.kinds import get_kind
    from eventdesk.reports.registry import lists_for

    activity = db.session.get(Activity, target.activity_id)
    kind = get_kind(activity.kind)
    if endpoint in ("tickets.desk_record", "api.post_action"):
        return kind.actions[0].name
    if endpoint.startswith("manage.import"):
        return next(i.name for i in kind.imports) if kind.imports else "people"
    if endpoint == "reports.list_file":
        return lists_for(activity)[0].name
    raise AssertionError(f"no <name> known for {endpoint}")


def url_of(url_rule: UrlRule, target: Target, *, foreign_ticket: bool = False) -> str:
    """The URL of `url_rule` for `target`'s activity (or a made-up ticket or code)."""
    values: dict[str, object] = {}
    for argument in url_rule.arguments:
        if argument == "name" and url_rule.endpoint == "manage.take_back":
            values[argument] = "booth"
        elif argument == "object_id":
            values[argument] = target.booth_id
        elif argument == "change":
            values[argument] = "archive"
        elif argument == "name":
            values[argument] = _named(url_rule.endpoint, target)
        elif argument == "fmt":
            values[argument] = "csv"
        elif argument == "image_format":
            values[argument] = "svg"
        elif argument == "filename":
            health = url_rule.endpoint == "health_day.static"
            values[argument] = "now_serving.js" if health else "css/eventdesk.css"
        elif argument == "scope":
            values[argument] = "district"
        elif argument == "unit_id":
            values[argument] = target.values["district_id"]
        elif argument in ("token", "code") and foreign_ticket:  # a link nobody was given
            values[argument] = "A" * 22
        elif argument == "user_id":
            values[argument] = target.users[Caller.booth_staff]
        else:
            values[argument] = target.values[argument]
    _domain, path = url_rule.build(values, append_unknown=False)
    return path


_OPEN_SCOPES = (Scope.none, Scope.own, Scope.city, Scope.ticket, Scope.enrolment)


def _reports_for(user: User | None, url_rule: UrlRule, target: Target) -> bool:
    """Whether `user` reports for the unit of the route: a written report's, a plan duty's."""
    from eventdesk.plan.models import PlanDuty, PlanItem
    from eventdesk.plan.services import may_act_for, may_complete
    from eventdesk.reports.written import may_report_for, report_unit, units_for

    if user is None:
        return False
    if url_rule.endpoint == "reports.written_index":
        return bool(units_for(user))
    if url_rule.endpoint == "reports.written_report":
        if (url_rule.defaults or {}).get("scope") == "city":
            return may_report_for(user, report_unit("city", None))
        return may_report_for(user, report_unit("district", target.values["district_id"]))
    if "item_id" in url_rule.arguments:
        return may_complete(user, db.session.get(PlanItem, target.values["item_id"]))
    return may_act_for(user, db.session.get(PlanDuty, target.values["duty_id"]))


def names_an_activity(url_rule: UrlRule) -> bool:
    return any(a in url_rule.arguments for a in ("activity_id", *_ACTIVITY_OBJECTS, "user_id"))


def inside(
    rule: Rule, caller: Caller, user: User | None, home: Target, target: Target, url_rule: UrlRule
) -> bool:
    """Whether `caller` (`user` for staff; made for `home`) is within `rule`'s scope at `target`."""
    if caller in (Caller.admin, Caller.organizer) or rule.scope in _OPEN_SCOPES:
        return True
    if rule.scope == Scope.unit:
        return _reports_for(user, url_rule, target)
    activity = db.session.get(Activity, target.activity_id)
    if rule.scope == Scope.accounts and "user_id" in url_rule.arguments:
        return account_within(user, db.session.get(User, target.users[Caller.booth_staff]))
    if caller == Caller.scanner:
        # A scanner credential reaches its own activity, and of it its own booth.
        return home is target
    if user is None:
        return True  # what the rule opens to anonymous callers, it opens whole
    if rule.need is not None:
        reach = allowed(user, activity, rule.need)
        if rule.scope == Scope.booth and rule.need != Need.manage:
            reach = reach and can_work_at(user, activity, target.booth_id)
        return reach
    return allowed(user, activity, Need.view)
