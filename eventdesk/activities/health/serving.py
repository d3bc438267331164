"""``serve``: a provider records the service a resident received at a station.

Recorded through the core's action service (`eventdesk.core.actions`), which has checked the
caller, the station, the ticket and the fields' types before this runs. Here: the service is one
the station offers (``service_not_offered``), the resident agreed to health services being
recorded, at registration or now (``health_consent_required``), and has not received the same
service that day (``already_served``; the database's unique index has the last word when two
devices race). The answer names nothing of the service: it goes back to scanners too.
"""

import sqlalchemy as sa

from eventdesk.activities.health import tally as health_tally
from eventdesk.activities.health.models import Service, ServiceGiven
from eventdesk.activities.health.services import is_station, services_of, station_services
from eventdesk.core.fields import Choice
from eventdesk.core.kinds import ActionContext, ActionOutcome
from eventdesk.core.models import Activity, Booth, Registration, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: The registration field that holds the resident's separate consent to health records.
CONSENT = "health_consent"


def offered_at(_activity: Activity, booth: Booth | None) -> bool:
    return is_station(booth)


def station_choices(_activity: Activity, booth: Booth | None) -> list[Choice]:
    if booth is None:
        return []
    return [Choice(service.code, service.label) for service in station_services(booth)]


def day_choices(activity: Activity, _booth: Booth | None) -> list[Choice]:
    """Every service of the day: one another station offers is refused with its own reason."""
    return [Choice(service.code, "") for service in services_of(activity)]


def has_consented(registration: Registration) -> bool:
    return (registration.fields or {}).get(CONSENT) is True


def record_serve(context: ActionContext) -> ActionOutcome:
    code = context.fields["service"]
    service = db.session.scalar(
        sa.select(Service).where(Service.activity_id == context.activity.id, Service.code == code)
    )
    if service.id not in {offered.id for offered in station_services(context.booth)}:
        raise ServiceError("service_not_offered", status=409, field="service")
    registration = _locked(context.registration.id)
    if not has_consented(registration):
        if context.fields.get("consent") is not True:
            raise ServiceError("health_consent_required", status=409, field="consent")
        registration.fields = {**(registration.fields or {}), CONSENT: True}
    if _live(registration.id, service_id=service.id, day=context.local_day):
        raise ServiceError("already_served", status=409)
    first_today = not _live(registration.id, day=context.local_day)
    given = ServiceGiven(
        action_id=context.action_id,
        activity_id=context.activity.id,
        booth_id=context.booth.id,
        registration_id=registration.id,
        service_id=service.id,
        local_day=context.local_day,
        referral=bool(context.fields.get("referral")),
        note=context.fields.get("note"),
    )
    try:
        with db.session.begin_nested():
            db.session.add(given)
            db.session.flush()
    except sa.exc.IntegrityError:
        # Another device recorded the same service a moment ago.
        raise ServiceError("already_served", status=409) from None
    figures = health_tally.service_figures(given, service.code)
    if first_today:
        figures += health_tally.resident_figure(given, 1)
    return ActionOutcome(figures=figures)


def void_serve(context: ActionContext) -> ActionOutcome:
    given = db.session.get(ServiceGiven, context.action_id)
    _locked(given.registration_id)
    given.voided_at = utcnow()
    db.session.flush()
    figures = health_tally.service_figures(given, given.service.code, -1)
    if not _live(given.registration_id, day=given.local_day):
        figures += health_tally.resident_figure(given, -1)
    return ActionOutcome(figures=figures)


def _locked(registration_id: int) -> Registration:
    """The resident's registration, locked until commit: whether they were served yet that day is
    judged one service at a time (PostgreSQL; SQLite writers already take turns).

    FOR NO KEY UPDATE, because the action's row already holds a key-share lock on it (its foreign
    key): two devices' FOR UPDATE would each wait for the other's key-share lock.
    """
    return db.session.scalars(
        sa.select(Registration)
        .where(Registration.id == registration_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).one()


def _live(registration_id: int, *, day, service_id: int | None = None) -> bool:
    statement = sa.select(ServiceGiven.action_id).where(
        ServiceGiven.registration_id == registration_id,
        ServiceGiven.local_day == day,
        ServiceGiven.voided_at.is_(None),
    )
    if service_id is not None:
        statement = statement.where(ServiceGiven.service_id == service_id)
    return db.session.scalar(statement.limit(1)) is not None
