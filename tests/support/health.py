"""A health service day for tests: services and stations made through the kind's services, the
stations' providers and scanners, an outsider or two, residents with their villages; services
recorded over the API; the day's stored facts read back."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from eventdesk.activities.health import services as health_services
from eventdesk.activities.health.models import QueueTicket, Service, ServiceGiven
from eventdesk.core.models import Action, ActionVoid, Activity, Booth, Registration, TallyCount
from eventdesk.core.services import registrations
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id

#: code → (name, English name); station name → the codes it offers.
SERVICES = {
    "bp": ("血压测量", "Blood pressure check"),
    "exam": ("体格检查", "Physical examination"),
    "ultrasound": ("B超检查", "Ultrasound scan"),
    "clinic": ("义务诊疗", "Free clinic"),
    "medicine": ("药品发放", "Medicine hand-out"),
    "education": ("健康教育", "Health education"),
}
STATIONS = {
    "一号服务站": ("bp", "exam", "ultrasound"),
    "二号服务站": ("clinic", "medicine"),
    "三号服务站": ("education",),
}


@dataclass
class HealthDay:
    """Ids and tokens of a health service day set up for a test."""

    activity: int
    day: object
    booths: dict[str, int]
    services: dict[str, int]
    #: Bearer tokens: a scanner of the whole day, one bound to each station, staff tokens.
    scanner: str
    station_scanners: dict[str, str]
    organizer: str
    organizer_email: str
    #: A provider tied to the first station, and their bearer token.
    provider_email: str
    provider: str
    #: Staff of the district who work the entrance; a scanner and a booth of another activity.
    outsider_email: str
    outsider: str
    other_scanner: str
    other_booth: int
    residents: dict[str, tuple[int, str]] = field(default_factory=dict)

    def station(self, name: str) -> int:
        return self.booths[name]


def build_day(app, stations=STATIONS, *, days=None, **activity_options) -> HealthDay:
    with app.app_context():
        event = factories.event(starts_on=days[0], ends_on=days[1]) if days else None
        activity = factories.activity(event, kind="health", **activity_options)
        services = {
            code: health_services.create_service(activity, code=code, name=name, name_en=name_en)
            for code, (name, name_en) in SERVICES.items()
        }
        booths = {}
        for order, (name, codes) in enumerate(stations.items(), start=1):
            booth = factories.booth(activity, name=name)
            booth.sort_order = order
            health_services.set_station_services(booth, [services[code].id for code in codes])
            booths[name] = booth.id
        other = factories.activity(activity.event, kind="health", booths=1)
        organizer = factories.user("organizer")
        provider = factories.user("staff", scopes=[{"booth_id": next(iter(booths.values()))}])
        outsider = factories.user("staff", scopes=[{"district_id": activity.site.district_id}])
        db.session.flush()
        health_day = HealthDay(
            activity=activity.id,
            day=activity.day,
            booths=booths,
            services={code: service.id for code, service in services.items()},
            scanner=factories.scanner_token(activity),
            station_scanners={
                name: factories.scanner_token(activity, booth_=db.session.get(Booth, booth_id))
                for name, booth_id in booths.items()
            },
            organizer=factories.staff_token(organizer),
            organizer_email=organizer.email,
            provider_email=provider.email,
            provider=factories.staff_token(provider),
            outsider_email=outsider.email,
            outsider=factories.staff_token(outsider),
            other_scanner=factories.scanner_token(other),
            other_booth=other.booths[0].id,
        )
        db.session.commit()
    return health_day


def add_resident(
    app, day: HealthDay, name: str, phone: str, village="孙塬村", consent=True
) -> tuple[int, str]:
    """A resident registered by staff; returns (registration id, ticket token)."""
    with app.app_context():
        registration = registrations.register(
            db.session.get(Activity, day.activity),
            registrations.RegistrationRequest(
                name=name,
                phone=phone,
                village=village,
                consent=True,
                fields={"health_consent": True} if consent else {},
            ),
            source="staff",
        )
        db.session.commit()
        day.residents[name] = (registration.id, registration.token)
        return registration.id, registration.token


def serve(api: Api, day: HealthDay, station: str, ticket: str, service: str, *, headers=None, **body):
    """POST …/actions/serve at `station` for `ticket` with `service` (a code)."""
    fields = body.pop("fields", {"service": service})
    for name in ("referral", "note", "consent"):
        if name in body:
            fields[name] = body.pop(name)
    request = {
        "client_action_id": body.pop("client_action_id", new_id()),
        "booth_id": body.pop("booth_id", day.station(station)),
        "token": ticket,
        "fields": fields,
        **body,
    }
    return api.post(f"/activities/{day.activity}/actions/serve", request, **(headers or {}))


def void(api: Api, action_id: int, reason="录错了"):
    return api.post(f"/actions/{action_id}/void", {"reason": reason})


def stored_facts(app) -> dict:
    """Everything the day has stored: to show that a refusal changed nothing."""
    with app.app_context():
        rows = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Service, ServiceGiven, QueueTicket, Action, ActionVoid, Registration)
        }
        rows["called"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(QueueTicket).where(QueueTicket.called_at.is_not(None))
        )
        rows["consents"] = sorted(
            (registration.id, (registration.fields or {}).get("health_consent"))
            for registration in db.session.scalars(sa.select(Registration))
        )
        rows["tally"] = sorted(
            db.session.execute(
                sa.select(
                    TallyCount.local_day,
                    TallyCount.booth_id,
                    TallyCount.metric,
                    sa.func.sum(TallyCount.value),
                ).group_by(TallyCount.local_day, TallyCount.booth_id, TallyCount.metric)
            ).all()
        )
        return rows
