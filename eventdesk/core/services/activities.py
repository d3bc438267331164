"""Setting up activities and the booths inside them.

Opening hours arrive as aware datetimes (a form's local time already placed in the event's
time zone) and are stored in UTC. An activity is held on one local day, inside its
event's dates: the tally counts it for the day it opens.
"""

import datetime as dt

import sqlalchemy as sa

from eventdesk.core import audit
from eventdesk.core.access import can_manage_activity
from eventdesk.core.kinds import get_kind
from eventdesk.core.models import Activity, Booth, Department, Event, Site, User
from eventdesk.core.services import tally
from eventdesk.core.services.setup import (
    SORT_ORDER_MAX,
    apply_changes,
    clean_names,
    clean_sort_order,
    day_bounds,
    get_or_refuse,
    is_taken,
    record_update,
)
from eventdesk.core.text import clean_paragraphs
from eventdesk.errors import Refusals, ServiceError
from eventdesk.extensions import db

DESCRIPTION_MAX_LENGTH = 2000
CAPACITY_MAX = 1_000_000


def local_moment(event: Event, wall_time: dt.datetime) -> dt.datetime:
    """A wall-clock time typed for `event` (a form's datetime-local), as an aware moment."""
    return wall_time.replace(tzinfo=event.zone)


def _clean_hours(event: Event, opens_at, closes_at) -> tuple[dt.datetime, dt.datetime]:
    for field, moment in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(moment, dt.datetime):
            raise ServiceError("text_required", field=field)
        if moment.utcoffset() is None:
            raise ServiceError("invalid_field", field=field)
    refusals = Refusals()
    with refusals.check():
        if closes_at <= opens_at:
            raise ServiceError("hours_out_of_order", field="closes_at")
    event_start, event_end = day_bounds(event.starts_on, event.ends_on, event.timezone)
    with refusals.check():
        if opens_at < event_start:
            raise ServiceError("hours_outside_event", field="opens_at")
    with refusals.check():
        if closes_at > event_end:
            raise ServiceError("hours_outside_event", field="closes_at")
    opening_day = event.local_day(opens_at)
    with refusals.check():
        if closes_at > opens_at and closes_at > day_bounds(opening_day, opening_day, event.timezone)[1]:
            raise ServiceError("hours_span_days", field="closes_at")
    refusals.raise_any()
    return opens_at.astimezone(dt.UTC), closes_at.astimezone(dt.UTC)


def _clean_desk_places(places: int | None, capacity: int | None) -> int:
    if places is None:
        return 0
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ServiceError("invalid_desk_places", field="desk_places")
    if places and (capacity is None or places > capacity):
        raise ServiceError("invalid_desk_places", field="desk_places")
    return places


def _clean_capacity(capacity: int | None) -> int | None:
    if capacity is None:
        return None
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
        raise ServiceError("invalid_capacity", field="capacity")
    return capacity


def _departments(ids, field: str) -> list[Department]:
    wanted = list(dict.fromkeys(ids or ()))
    if not wanted:
        return []
    found = db.session.scalars(
        sa.select(Department).where(Department.id.in_(wanted)).order_by(Department.sort_order, Department.id)
    ).all()
    if len(found) != len(wanted):
        raise ServiceError("not_found", field=field, status=404)
    return list(found)


def _activity_values(event: Event, fields: dict, exclude: Activity | None):
    """Checked values of an activity's columns, and its site, lead and cooperating departments.

    :raises ServiceError: every refusal at once (`ServiceErrors` when there are several).
    """
    refusals = Refusals()
    values: dict = {}
    site = lead = None
    cooperators: list[Department] = []
    with refusals.check():
        values.update(clean_names(fields["name"], fields["name_en"]))
    with refusals.check():
        site = get_or_refuse(Site, fields["site_id"], "site_id")
    with refusals.check():
        lead = get_or_refuse(Department, fields["lead_department_id"], "lead_department_id")
    with refusals.check():
        cooperators = _departments(fields["cooperator_ids"], "cooperator_ids")
    with refusals.check():
        if lead is not None and any(department.id == lead.id for department in cooperators):
            raise ServiceError("lead_is_cooperator", field="cooperator_ids")
    with refusals.check():
        values["opens_at"], values["closes_at"] = _clean_hours(event, fields["opens_at"], fields["closes_at"])
    with refusals.check():
        taken = "name" in values and is_taken(
            Activity, Activity.event_id == event.id, Activity.name == values["name"], exclude=exclude
        )
        if taken:
            raise ServiceError("name_taken", field="name", status=409)
    with refusals.check():
        values["capacity"] = _clean_capacity(fields["capacity"])
    with refusals.check():
        values["desk_places"] = _clean_desk_places(fields["desk_places"], values.get("capacity"))
    for name in ("description", "description_en"):
        with refusals.check():
            values[name] = clean_paragraphs(fields[name], field=name, max_length=DESCRIPTION_MAX_LENGTH)
    refusals.raise_any()
    values.update(
        site_id=site.id,
        lead_department_id=lead.id,
        registration_open=bool(fields["registration_open"]),
    )
    return values, site, lead, cooperators


def _refuse_outside_scope(actor: User | None, activity: Activity) -> None:
    # Command-line callers (actor None) act for the installation; people act within their scopes.
    if actor is not None and not can_manage_activity(actor, activity):
        raise ServiceError("outside_scope", field="site_id", status=403)


def create_activity(
    *,
    event_id: int,
    kind: str,
    name: str,
    name_en: str | None,
    site_id: int,
    lead_department_id: int,
    cooperator_ids: list[int] = (),
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    capacity: int | None = None,
    desk_places: int | None = 0,
    registration_open: bool = False,
    description: str | None = "",
    description_en: str | None = "",
    actor: User | None = None,
) -> Activity:
    """A new activity of one kind at one site, on one day of its event.

    :raises ServiceError: ``outside_scope`` when `actor` would not be able to manage it.
    """
    event = get_or_refuse(Event, event_id, "event_id")
    if get_kind(kind) is None:
        raise ServiceError("unknown_kind", field="kind")
    fields = {
        "name": name,
        "name_en": name_en,
        "site_id": site_id,
        "lead_department_id": lead_department_id,
        "cooperator_ids": cooperator_ids,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "capacity": capacity,
        "desk_places": desk_places,
        "registration_open": registration_open,
        "description": description,
        "description_en": description_en,
    }
    values, site, lead, cooperators = _activity_values(event, fields, exclude=None)
    # Built outside the session, so that a refusal below leaves nothing behind to flush.
    activity = Activity(event_id=event.id, kind=kind, **values)
    activity.site, activity.lead_department, activity.cooperators = site, lead, cooperators
    _refuse_outside_scope(actor, activity)
    db.session.add(activity)
    db.session.flush()
    audit.record("activity.created", activity, user=actor, kind=kind)
    return activity


def update_activity(
    activity: Activity,
    *,
    name: str,
    name_en: str | None,
    site_id: int,
    lead_department_id: int,
    cooperator_ids: list[int] = (),
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    capacity: int | None,
    registration_open: bool,
    description: str | None,
    description_en: str | None = "",
    desk_places: int | None = 0,
    actor: User | None = None,
) -> list[str]:
    """Change an activity (its event and kind stay); the caller rolls back when it is refused.

    :raises ServiceError: ``outside_scope`` when the change would take it out of `actor`'s reach.
    """
    fields = {
        "name": name,
        "name_en": name_en,
        "site_id": site_id,
        "lead_department_id": lead_department_id,
        "cooperator_ids": cooperator_ids,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "capacity": capacity,
        "desk_places": desk_places,
        "registration_open": registration_open,
        "description": description,
        "description_en": description_en,
    }
    values, site, lead, cooperators = _activity_values(activity.event, fields, exclude=activity)
    taking_part = {lead.id, *(d.id for d in cooperators)}
    if any(b.department_id is not None and b.department_id not in taking_part for b in activity.booths):
        raise ServiceError("department_staffs_booth", field="cooperator_ids", status=409)
    old_day = activity.day
    changed = apply_changes(activity, values)
    tally.follow_activity_day(activity, old_day)
    if {d.id for d in activity.cooperators} != {d.id for d in cooperators}:
        changed.append("cooperator_ids")
    activity.site, activity.lead_department, activity.cooperators = site, lead, cooperators
    _refuse_outside_scope(actor, activity)
    record_update("activity.updated", activity, changed, actor)
    return changed


# Booths ----------------------------------------------------------------------------------


def _booth_values(activity: Activity, name, name_en, department_id, sort_order, exclude: Booth | None):
    values = clean_names(name, name_en)
    if department_id is not None:
        department_id = get_or_refuse(Department, department_id, "department_id").id
    values.update(department_id=department_id, sort_order=clean_sort_order(sort_order))
    if is_taken(Booth, Booth.activity_id == activity.id, Booth.name == values["name"], exclude=exclude):
        raise ServiceError("name_taken", field="name", status=409)
    return values


def _takes_part(activity: Activity, department_id: int | None) -> bool:
    return (
        department_id is None
        or department_id == activity.lead_department_id
        or any(d.id == department_id for d in activity.cooperators)
    )


def _staff_booth_with(activity: Activity, department_id: int | None, add_cooperator: bool, actor) -> None:
    """A booth's department leads or cooperates in its activity, so that its staff reach the
    activity and its report lists the activity under it; another one joins as cooperating, once
    the organizer confirms it (`add_cooperator`)."""
    if _takes_part(activity, department_id):
        return
    if not add_cooperator:
        raise ServiceError("department_not_taking_part", field="department_id", status=409)
    activity.cooperators.append(db.session.get(Department, department_id))
    db.session.flush()
    audit.record("activity.updated", activity, user=actor, changed=["cooperator_ids"])


def create_booth(
    activity: Activity,
    *,
    name: str,
    name_en: str | None = None,
    department_id: int | None = None,
    sort_order: int | None = None,
    add_cooperator: bool = False,
    actor: User | None = None,
) -> Booth:
    """A new desk inside an activity: a department's table, an employer's stand, a service station.

    :raises ServiceError: ``department_not_taking_part`` when its department neither leads nor
        cooperates in the activity and `add_cooperator` does not confirm adding it.
    """
    values = _booth_values(activity, name, name_en, department_id, sort_order, exclude=None)
    _staff_booth_with(activity, values["department_id"], add_cooperator, actor)
    booth = Booth(activity_id=activity.id, **values)
    db.session.add(booth)
    db.session.flush()
    audit.record("booth.created", booth, user=actor, activity_id=activity.id)
    return booth


def update_booth(
    booth: Booth,
    *,
    name: str,
    name_en: str | None,
    department_id: int | None,
    sort_order: int | None,
    add_cooperator: bool = False,
    actor: User | None = None,
) -> list[str]:
    """Change a booth's names, department or place in the list (its department, as `create_booth`)."""
    values = _booth_values(booth.activity, name, name_en, department_id, sort_order, exclude=booth)
    if values["department_id"] != booth.department_id:
        _staff_booth_with(booth.activity, values["department_id"], add_cooperator, actor)
    changed = apply_changes(booth, values)
    record_update("booth.updated", booth, changed, actor)
    return changed


# Several booths at once -------------------------------------------------------------------

#: What separates a booth's name from its department on a pasted line: a spreadsheet's tab, a comma.
_BOOTH_LINE_SEPARATORS = ("\t", "，", ",", "|")


def booth_lines(text: str) -> list[tuple[int, str, str | None]]:
    """The booths a pasted list names: (line number, name, department or None), blank lines left out.

    Each line is a name, or a name and a department (its name or code) as two columns pasted
    from a spreadsheet, or separated by a comma.
    """
    lines = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, department = line, None
        for separator in _BOOTH_LINE_SEPARATORS:
            if separator in line:
                name, _, department = line.partition(separator)
                break
        lines.append((number, name.strip(), (department or "").strip() or None))
    return lines


def _department_named(text: str) -> Department:
    wanted = " ".join(text.split())
    department = db.session.scalar(
        sa.select(Department).where(
            Department.archived_at.is_(None),
            sa.or_(
                Department.name == wanted, Department.code == wanted.lower(), Department.name_en == wanted
            ),
        )
    )
    if department is None:
        raise ServiceError("not_found", field="department_id", status=404)
    return department


def create_booths(
    activity: Activity, text: str, *, add_cooperators: bool = False, actor: User | None = None
) -> list[Booth]:
    """Booths from a pasted list (see `booth_lines`), after the activity's last one.

    :raises ServiceError: ``text_required`` for an empty list; otherwise every line's refusal at
        once, each with its ``line`` (the caller keeps nothing).
    """
    lines = booth_lines(text)
    if not lines:
        raise ServiceError("text_required", field="booths")
    last = db.session.scalar(sa.select(sa.func.max(Booth.sort_order)).where(Booth.activity_id == activity.id))
    refusals = Refusals()
    booths = []
    for position, (number, name, department_text) in enumerate(lines, start=1):
        try:
            department = _department_named(department_text) if department_text else None
            booths.append(
                create_booth(
                    activity,
                    name=name,
                    department_id=department.id if department else None,
                    sort_order=min((last or 0) + 10 * position, SORT_ORDER_MAX),
                    add_cooperator=add_cooperators,
                    actor=actor,
                )
            )
        except ServiceError as error:
            refusals.add(ServiceError(error.code, status=error.status, field="booths", line=number))
    refusals.raise_any()
    return booths
