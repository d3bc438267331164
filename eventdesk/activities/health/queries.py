"""What the health day's pages, lists, report and API read: a resident found at a station, the
services given (health data: only for the callers `permissions` allows), and the day's figures
by station and by village. Nothing here writes."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from eventdesk.activities.health.models import Service, ServiceGiven
from eventdesk.core.actions import voided_ids
from eventdesk.core.models import Action, Activity, Booth, Person, Registration
from eventdesk.core.scans.requests import looks_like_token, token_from_presented
from eventdesk.core.search import registration_matches, search_text
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: Residents a station's search shows at most.
SEARCH_LIMIT = 20
#: What a village is called when the resident's is not known.
NO_VILLAGE = ""


def presented_ticket(activity: Activity, presented: str | None) -> Registration:
    """The registration a scanned code (the ticket's link or token) or a typed ticket code names.

    :raises ServiceError: ``unknown_token``, ``wrong_activity``, ``revoked`` (409).
    """
    text = (presented or "").strip()[:2048]
    registration = None
    token = token_from_presented(text) if text else ""
    if looks_like_token(token):
        registration = db.session.scalar(sa.select(Registration).where(Registration.token == token))
    elif normalise_ticket_code(text):
        registration = db.session.scalar(
            sa.select(Registration).where(Registration.ticket_code == normalise_ticket_code(text))
        )
    if registration is None:
        raise ServiceError("unknown_token", status=409)
    return checked_ticket(activity, registration)


def checked_ticket(activity: Activity, registration: Registration | None) -> Registration:
    if registration is None:
        raise ServiceError("unknown_token", status=409)
    if registration.activity_id != activity.id:
        raise ServiceError("wrong_activity", status=409)
    if registration.revoked_at is not None:
        raise ServiceError("revoked", status=409)
    return registration


def resident_of(activity: Activity, registration_id: int) -> Registration | None:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.activity_id != activity.id:
        return None
    return registration


def search_residents(activity: Activity, raw: str | None) -> list[Registration]:
    """Residents of the day by name, phone tail or ticket code."""
    query = search_text(raw)
    if not query:
        return []
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(Person)
            .where(Registration.activity_id == activity.id, registration_matches(query))
            .order_by(Person.name, Registration.id)
            .limit(SEARCH_LIMIT)
        )
    )


@dataclass
class GivenRow:
    """A service given and not undone, with whom, where and when."""

    action_id: int
    given_at: dt.datetime
    local_day: dt.date
    service: Service
    station: Booth
    registration: Registration
    person: Person
    referral: bool
    note: str | None
    #: Who recorded it: the provider's name, or the device's label.
    given_by: str

    @property
    def village(self) -> str:
        return self.person.village or NO_VILLAGE


def services_given(*conditions) -> list[GivenRow]:
    """Services given and not undone that match `conditions` (on `ServiceGiven`), oldest first."""
    rows = db.session.execute(
        sa.select(ServiceGiven, Action.counted_at, Action.device, Service, Booth, Registration, Person)
        .join(Action, Action.id == ServiceGiven.action_id)
        .join(Service, Service.id == ServiceGiven.service_id)
        .join(Booth, Booth.id == ServiceGiven.booth_id)
        .join(Registration, Registration.id == ServiceGiven.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .where(ServiceGiven.action_id.not_in(voided_ids()), *conditions)
        .order_by(Action.counted_at, ServiceGiven.action_id)
    ).all()
    return [
        GivenRow(
            action_id=given.action_id,
            given_at=counted_at,
            local_day=given.local_day,
            service=service,
            station=booth,
            registration=registration,
            person=person,
            referral=given.referral,
            note=given.note,
            given_by=device,
        )
        for given, counted_at, device, service, booth, registration, person in rows
    ]


def services_of_resident(registration: Registration) -> list[GivenRow]:
    return services_given(ServiceGiven.registration_id == registration.id)


@dataclass
class Breakdown:
    """The day's figures for one station or one village."""

    label: str
    residents: set = field(default_factory=set)
    services: Counter = field(default_factory=Counter)
    referrals: int = 0

    @property
    def residents_served(self) -> int:
        return len(self.residents)


@dataclass
class DayFigures:
    by_station: list[Breakdown]
    by_village: list[Breakdown]
    services: list[Service]


def day_figures(activities: list[Activity], day: dt.date | None) -> DayFigures:
    """Residents served, services (by service) and referrals of `activities` on `day`, by station
    and by village (people counted once per station or village and day)."""
    ids = [activity.id for activity in activities]
    conditions = [ServiceGiven.activity_id.in_(ids)]
    if day is not None:
        conditions.append(ServiceGiven.local_day == day)
    stations: dict[int, Breakdown] = {}
    for activity in activities:
        for booth in activity.booths:
            stations[booth.id] = Breakdown(label=booth.label)
    villages: dict[str, Breakdown] = {}
    services: dict[int, Service] = {}
    for row in services_given(*conditions):
        services[row.service.id] = row.service
        station = stations.setdefault(row.station.id, Breakdown(label=row.station.label))
        village = villages.setdefault(row.village, Breakdown(label=row.village))
        for breakdown in (station, village):
            breakdown.residents.add((row.local_day, row.registration.id))
            breakdown.services[row.service.id] += 1
            breakdown.referrals += row.referral
    return DayFigures(
        by_station=[breakdown for breakdown in stations.values() if breakdown.services],
        by_village=sorted(villages.values(), key=lambda breakdown: breakdown.label),
        services=sorted(
            services.values(), key=lambda service: (service.activity_id, service.sort_order, service.id)
        ),
    )
