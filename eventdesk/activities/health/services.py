"""The list of services a health service day offers, and which stations offer which: kept by the
day's organizers. A station is a booth of the activity; the services it offers are what its
providers may record there."""

import sqlalchemy as sa

from eventdesk.activities.health.models import Service, ServiceGiven, station_service
from eventdesk.activities.health.vocabulary import PLAN_SERVICES
from eventdesk.core import audit
from eventdesk.core.models import Activity, Booth, User
from eventdesk.core.text import clean_code, clean_line
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

NAME_MAX_LENGTH = 100


def services_of(activity: Activity) -> list[Service]:
    return list(
        db.session.scalars(
            sa.select(Service)
            .where(Service.activity_id == activity.id)
            .order_by(Service.sort_order, Service.id)
        )
    )


def station_services(booth: Booth) -> list[Service]:
    """The services `booth` offers, in the day's order."""
    return list(
        db.session.scalars(
            sa.select(Service)
            .join(station_service, station_service.c.service_id == Service.id)
            .where(station_service.c.booth_id == booth.id)
            .order_by(Service.sort_order, Service.id)
        )
    )


def is_station(booth: Booth | None) -> bool:
    """A booth offering at least one service."""
    if booth is None:
        return False
    return (
        db.session.scalar(
            sa.select(station_service.c.service_id).where(station_service.c.booth_id == booth.id).limit(1)
        )
        is not None
    )


def create_service(activity: Activity, *, code, name, name_en=None, actor: User | None = None) -> Service:
    """A new service on the day's list.

    :raises ServiceError: ``text_required``, ``text_too_long``, ``invalid_text``, ``invalid_code``,
        ``service_code_taken``, ``service_name_taken`` (400).
    """
    values = _values(activity, code, name, name_en, exclude=None)
    order = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Service.sort_order), 0)).where(
            Service.activity_id == activity.id
        )
    )
    service = Service(activity_id=activity.id, sort_order=order + 10, **values)
    db.session.add(service)
    db.session.flush()
    audit.record("health_service.created", service, user=actor, activity_id=activity.id, code=service.code)
    return service


def update_service(service: Service, *, code, name, name_en=None, actor: User | None = None) -> Service:
    """Rename a service; its code may change only while it has not been given (the tally's rows use it)."""
    activity = db.session.get(Activity, service.activity_id)
    values = _values(activity, code, name, name_en, exclude=service.id)
    if values["code"] != service.code and _given(service):
        raise ServiceError("service_given", status=409, field="code")
    for key, value in values.items():
        setattr(service, key, value)
    db.session.flush()
    audit.record("health_service.updated", service, user=actor, code=service.code)
    return service


def delete_service(service: Service, *, actor: User | None = None) -> None:
    """Take a service off the list, when nobody has received it.

    :raises ServiceError: ``service_given`` (409).
    """
    if _given(service):
        raise ServiceError("service_given", status=409)
    audit.record("health_service.deleted", service, user=actor, code=service.code)
    db.session.delete(service)
    db.session.flush()


def set_station_services(booth: Booth, service_ids, *, actor: User | None = None) -> list[Service]:
    """What a station offers from now on (services of its own activity only).

    :raises ServiceError: ``invalid_field`` (422, ``services``) for a service of another day.
    """
    wanted = set(service_ids)
    services = list(
        db.session.scalars(
            sa.select(Service).where(Service.id.in_(wanted), Service.activity_id == booth.activity_id)
        )
    )
    if len(services) != len(wanted):
        raise ServiceError("invalid_field", status=422, field="services")
    db.session.execute(sa.delete(station_service).where(station_service.c.booth_id == booth.id))
    if services:
        db.session.execute(
            sa.insert(station_service),
            [{"booth_id": booth.id, "service_id": service.id} for service in services],
        )
    db.session.flush()
    audit.record("health_station.services_set", booth, user=actor, services=sorted(s.code for s in services))
    return station_services(booth)


def start_from_plan(activity: Activity, *, actor: User | None = None) -> list[Service]:
    """The plan's six services, for a day whose list is still empty."""
    if services_of(activity):
        return services_of(activity)
    return [
        create_service(activity, code=code, name=name, name_en=name_en, actor=actor)
        for code, name, name_en in PLAN_SERVICES
    ]


def _given(service: Service) -> bool:
    return (
        db.session.scalar(
            sa.select(ServiceGiven.action_id).where(ServiceGiven.service_id == service.id).limit(1)
        )
        is not None
    )


def _values(activity: Activity, code, name, name_en, *, exclude: int | None) -> dict:
    code = clean_code(code)
    name = clean_line(name, field="name", max_length=NAME_MAX_LENGTH)
    name_en = clean_line(name_en, field="name_en", max_length=NAME_MAX_LENGTH, required=False)
    others = sa.select(Service.id).where(Service.activity_id == activity.id)
    if exclude is not None:
        others = others.where(Service.id != exclude)
    if db.session.scalar(others.where(Service.code == code).limit(1)) is not None:
        raise ServiceError("service_code_taken", field="code")
    if db.session.scalar(others.where(Service.name == name).limit(1)) is not None:
        raise ServiceError("service_name_taken", field="name")
    return {"code": code, "name": name, "name_en": name_en}
