"""Setting up an event and what activities are built from: districts, sites, departments.

Every change is recorded in the audit log with the names of the fields it changed.
Uniqueness is checked here, before anything is written, so that a form can show the
reason beside the field; the database's own unique constraints stay as the last word.
"""

import datetime as dt
import functools
import zoneinfo

import sqlalchemy as sa

from eventdesk.core import access, audit
from eventdesk.core.models import Activity, Base, Department, District, Event, Site, User
from eventdesk.core.text import clean_code, clean_line, code_from_name
from eventdesk.errors import Refusals, ServiceError
from eventdesk.extensions import db

NAME_MAX_LENGTH = 100
ADDRESS_MAX_LENGTH = 200
CITY_NAME_MAX_LENGTH = 50
SORT_ORDER_MAX = 9999
# Far enough either way for any real event; keeps date arithmetic (the day after the last) safe.
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)


# Shared by the setup services ------------------------------------------------------------


def clean_sort_order(value: int | None) -> int:
    """A position in lists: empty means first (0)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SORT_ORDER_MAX:
        raise ServiceError("invalid_sort_order", field="sort_order")
    return value


def clean_names(name: str | None, name_en: str | None) -> dict:
    """The Chinese name (required) and the English one (optional) of a bilingual object."""
    return {
        "name": clean_line(name, field="name", max_length=NAME_MAX_LENGTH),
        "name_en": clean_line(name_en, field="name_en", max_length=NAME_MAX_LENGTH, required=False),
    }


def get_or_refuse(model: type[Base], object_id: int | None, field: str):
    """The object a form or request refers to by id, or a ``not_found`` refusal naming the field."""
    obj = db.session.get(model, object_id) if object_id is not None else None
    if obj is None:
        raise ServiceError("not_found", field=field, status=404)
    return obj


def is_taken(model: type[Base], *conditions, exclude: Base | None = None) -> bool:
    """Whether another row of `model` already matches `conditions`."""
    stmt = sa.select(model.id).where(*conditions)
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(model.id != exclude.id)
    return db.session.scalar(stmt.limit(1)) is not None


class Changes(list):
    """The names of the attributes changed, in the order given, with their values before and after
    (as the audit log keeps them)."""

    def __init__(self, names=(), before=None, after=None):
        super().__init__(names)
        self.before = before or {}
        self.after = after or {}

    def add(self, name: str, before, after) -> None:
        self.append(name)
        self.before[name] = before
        self.after[name] = after


def _loggable(value):
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def apply_changes(obj: Base, values: dict) -> Changes:
    """Set the attributes that differ; their names, in the order given, and values before and after."""
    changes = Changes()
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes.add(name, _loggable(old), _loggable(value))
            setattr(obj, name, value)
    return changes


def record_update(action: str, obj: Base, changed: list[str], actor: User | None) -> None:
    if changed:
        db.session.flush()
        audit.record(
            action,
            obj,
            user=actor,
            changed=list(changed),
            before=getattr(changed, "before", None),
            after=getattr(changed, "after", None),
        )


# Events ----------------------------------------------------------------------------------


#: Personal data is kept at least until follow-ups are done, and at most about three years.
RETENTION_DAYS_RANGE = (30, 1100)


def _clean_retention(days: int) -> int:
    if not isinstance(days, int) or not RETENTION_DAYS_RANGE[0] <= days <= RETENTION_DAYS_RANGE[1]:
        raise ServiceError("invalid_retention", field="retention_days")
    return days


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def clean_timezone(value: str | None) -> str:
    """An IANA time zone name known to this installation (``Asia/Shanghai``)."""
    name = (value or "").strip()
    if name not in _known_timezones():
        raise ServiceError("invalid_timezone", field="timezone")
    return name


def clean_day(value: dt.date | None, field: str) -> dt.date:
    """A calendar day within the years EventDesk plans for."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ServiceError("text_required", field=field)
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ServiceError("date_out_of_range", field=field)
    return value


def day_bounds(first: dt.date, last: dt.date, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """From local midnight starting `first` to local midnight ending `last`, as aware moments."""
    zone = zoneinfo.ZoneInfo(timezone)
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone),
    )


def _event_values(
    name, name_en, timezone, starts_on, ends_on, city_name, report_addressee, exclude: Event | None
) -> dict:
    """An event's checked values; every refusal at once (`ServiceErrors` when there are several)."""
    refusals = Refusals()
    values: dict = {}
    with refusals.check():
        values.update(clean_names(name, name_en))
    with refusals.check():
        values["city_name"] = clean_line(
            city_name, field="city_name", max_length=CITY_NAME_MAX_LENGTH, required=False
        )
    with refusals.check():
        values["report_addressee"] = clean_line(
            report_addressee, field="report_addressee", max_length=NAME_MAX_LENGTH, required=False
        )
    with refusals.check():
        values["timezone"] = clean_timezone(timezone)
    with refusals.check():
        values["starts_on"] = clean_day(starts_on, "starts_on")
    with refusals.check():
        values["ends_on"] = clean_day(ends_on, "ends_on")
    with refusals.check():
        if {"starts_on", "ends_on"} <= values.keys() and values["ends_on"] < values["starts_on"]:
            raise ServiceError("dates_out_of_order", field="ends_on")
    with refusals.check():
        if "name" in values and is_taken(Event, Event.name == values["name"], exclude=exclude):
            raise ServiceError("name_taken", field="name", status=409)
    refusals.raise_any()
    return values


def create_event(
    *,
    name: str,
    name_en: str | None,
    timezone: str,
    starts_on: dt.date,
    ends_on: dt.date,
    city_name: str | None = None,
    report_addressee: str | None = None,
    retention_days: int | None = None,
    is_demo: bool = False,
    actor: User | None = None,
) -> Event:
    """A new event (2026年扶贫日): its names, time zone, first and last local day, and the city and
    addressee its written reports name (铜川市, 市脱贫攻坚办公室)."""
    values = _event_values(
        name, name_en, timezone, starts_on, ends_on, city_name, report_addressee, exclude=None
    )
    event = Event(**values, is_demo=is_demo)
    if retention_days is not None:
        event.retention_days = _clean_retention(retention_days)
    db.session.add(event)
    db.session.flush()
    audit.record("event.created", event, user=actor)
    return event


def update_event(
    event: Event,
    *,
    name: str,
    name_en: str | None,
    timezone: str,
    starts_on: dt.date,
    ends_on: dt.date,
    city_name: str | None = None,
    report_addressee: str | None = None,
    retention_days: int | None = None,
    actor: User | None = None,
) -> list[str]:
    """Change an event; its dates must still hold every one of its activities.

    :raises ServiceError: ``activities_outside_dates`` when an activity would fall outside.
    """
    values = _event_values(
        name, name_en, timezone, starts_on, ends_on, city_name, report_addressee, exclude=event
    )
    start, end = day_bounds(values["starts_on"], values["ends_on"], values["timezone"])
    outside = db.session.scalar(
        sa.select(Activity.id)
        .where(Activity.event_id == event.id, sa.or_(Activity.opens_at < start, Activity.closes_at > end))
        .limit(1)
    )
    if outside is not None:
        raise ServiceError("activities_outside_dates", field="starts_on", status=409)
    if retention_days is not None:
        values["retention_days"] = _clean_retention(retention_days)
    changed = apply_changes(event, values)
    record_update("event.updated", event, changed, actor)
    return changed


# Districts -------------------------------------------------------------------------------


def _coded_values(model, code, name, name_en, sort_order, exclude) -> dict:
    """Districts and departments alike: a unique code, unique names, a place in lists."""
    refusals = Refusals()
    values: dict = {}
    with refusals.check():
        if code and code.strip():
            values["code"] = clean_code(code)
        else:
            prefix = "district" if model is District else "dept"

            def is_free(candidate: str) -> bool:
                return not is_taken(model, model.code == candidate, exclude=exclude)

            values["code"] = code_from_name(name, prefix=prefix, is_free=is_free)
    with refusals.check():
        values.update(clean_names(name, name_en))
    with refusals.check():
        values["sort_order"] = clean_sort_order(sort_order)
    with refusals.check():
        if "code" in values and is_taken(model, model.code == values["code"], exclude=exclude):
            raise ServiceError("code_taken", field="code", status=409)
    with refusals.check():
        if "name" in values and is_taken(model, model.name == values["name"], exclude=exclude):
            raise ServiceError("name_taken", field="name", status=409)
    refusals.raise_any()
    return values


def create_district(
    *,
    code: str | None,
    name: str,
    name_en: str | None,
    sort_order: int | None = None,
    actor: User | None = None,
) -> District:
    """A new district, county or new-area committee (区县, 新区管委会)."""
    district = District(**_coded_values(District, code, name, name_en, sort_order, exclude=None))
    db.session.add(district)
    db.session.flush()
    audit.record("district.created", district, user=actor)
    return district


def update_district(
    district: District,
    *,
    code: str,
    name: str,
    name_en: str | None,
    sort_order: int | None,
    actor: User | None = None,
) -> list[str]:
    """Change a district's code, names or place in lists."""
    changed = apply_changes(
        district, _coded_values(District, code, name, name_en, sort_order, exclude=district)
    )
    record_update("district.updated", district, changed, actor)
    return changed


# Sites -----------------------------------------------------------------------------------


def _refuse_other_district(actor: User | None, district_id: int) -> None:
    """A district organizer sets up the sites of their own districts only."""
    if actor is not None and not access.is_city_wide(actor) and district_id not in access.district_ids(actor):
        raise ServiceError("outside_scope", field="district_id", status=403)


def _site_values(
    district_id, name, name_en, addresses: dict, exclude: Site | None, actor: User | None
) -> dict:
    district = get_or_refuse(District, district_id, "district_id")
    _refuse_other_district(actor, district.id)
    values = {"district_id": district.id, **clean_names(name, name_en)}
    for field, address in addresses.items():
        values[field] = clean_line(address, field=field, max_length=ADDRESS_MAX_LENGTH, required=False)
    if is_taken(Site, Site.district_id == district.id, Site.name == values["name"], exclude=exclude):
        raise ServiceError("name_taken", field="name", status=409)
    return values


def create_site(
    *,
    district_id: int,
    name: str,
    name_en: str | None,
    address: str | None,
    address_en: str | None = None,
    actor: User | None = None,
) -> Site:
    """A new place in a district: a square, a venue, a village clinic, a resettlement estate."""
    addresses = {"address": address, "address_en": address_en}
    site = Site(**_site_values(district_id, name, name_en, addresses, exclude=None, actor=actor))
    db.session.add(site)
    db.session.flush()
    audit.record("site.created", site, user=actor)
    return site


def update_site(
    site: Site,
    *,
    district_id: int,
    name: str,
    name_en: str | None,
    address: str | None,
    address_en: str | None = None,
    actor: User | None = None,
) -> list[str]:
    """Change a site's district, names or addresses."""
    _refuse_other_district(actor, site.district_id)
    addresses = {"address": address, "address_en": address_en}
    values = _site_values(district_id, name, name_en, addresses, exclude=site, actor=actor)
    changed = apply_changes(site, values)
    record_update("site.updated", site, changed, actor)
    return changed


# Departments -----------------------------------------------------------------------------


def create_department(
    *,
    code: str | None,
    name: str,
    name_en: str | None,
    sort_order: int | None = None,
    actor: User | None = None,
) -> Department:
    """A new department (市人社局 …) that can lead, cooperate in, or staff booths."""
    department = Department(**_coded_values(Department, code, name, name_en, sort_order, exclude=None))
    db.session.add(department)
    db.session.flush()
    audit.record("department.created", department, user=actor)
    return department


def update_department(
    department: Department,
    *,
    code: str,
    name: str,
    name_en: str | None,
    sort_order: int | None,
    actor: User | None = None,
) -> list[str]:
    """Change a department's code, names or place in lists."""
    changed = apply_changes(
        department, _coded_values(Department, code, name, name_en, sort_order, exclude=department)
    )
    record_update("department.updated", department, changed, actor)
    return changed
