"""The health day's figures: what it feeds to the daily tally, and how they are rebuilt.

Services and referrals count at the station that gave them, on the day they were given, with a
breakdown by service (``services.exam``). A resident served counts once a day for the whole
activity (booth 0), at their first service not undone that day; undoing their last one that day
takes them back. Services and referrals are confidential: only those who manage the activity see
them among the live counts. Queue numbers given and called count at their station on their day
(so a change to a queue reaches the live dashboards as any count does).
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventdesk.activities.health.models import QueueTicket, Service, ServiceGiven
from eventdesk.core.actions import voided_ids
from eventdesk.core.kinds import Metric, TallyKey
from eventdesk.core.models import WHOLE_ACTIVITY
from eventdesk.extensions import db

RESIDENTS_SERVED = "residents_served"
SERVICES = "services"
REFERRALS = "referrals"
QUEUE_NUMBERS = "queue_numbers"
QUEUE_CALLED = "queue_called"


def service_labels() -> dict[str, str]:
    """The breakdown rows' labels: each service code's name (the first day's, where days differ)."""
    labels: dict[str, str] = {}
    for service in db.session.scalars(sa.select(Service).order_by(Service.activity_id.desc(), Service.id)):
        labels[service.code] = service.label
    return labels


METRICS = (
    Metric(RESIDENTS_SERVED, _l("Residents served"), public=True),
    Metric(SERVICES, _l("Services given"), breakdown=service_labels, confidential=True),
    Metric(REFERRALS, _l("Referrals"), confidential=True),
    Metric(QUEUE_NUMBERS, _l("Queue numbers given")),
    Metric(QUEUE_CALLED, _l("Queue numbers called")),
)

Figures = list[tuple[TallyKey, int]]


def service_figures(given: ServiceGiven, code: str, sign: int = 1) -> Figures:
    """What a service given adds at its station (or takes back, with sign -1)."""
    key = (given.local_day, given.activity_id, given.booth_id)
    figures = [((*key, SERVICES), sign), ((*key, f"{SERVICES}.{code}"), sign)]
    if given.referral:
        figures.append(((*key, REFERRALS), sign))
    return figures


def resident_figure(given: ServiceGiven, sign: int) -> Figures:
    return [((given.local_day, given.activity_id, WHOLE_ACTIVITY, RESIDENTS_SERVED), sign)]


def queue_figure(ticket: QueueTicket, metric: str) -> Figures:
    return [((ticket.local_day, ticket.activity_id, ticket.booth_id, metric), 1)]


def rebuild_tally(day: dt.date | None) -> Iterable[tuple[TallyKey, int]]:
    """The health days' figures from the services given and not undone, and the queue numbers
    given and called (one local day, or all)."""
    figures: Counter = Counter()
    _queues(figures, day)
    statement = (
        sa.select(
            ServiceGiven.local_day,
            ServiceGiven.activity_id,
            ServiceGiven.booth_id,
            ServiceGiven.registration_id,
            ServiceGiven.referral,
            Service.code,
        )
        .join(Service, Service.id == ServiceGiven.service_id)
        .where(ServiceGiven.action_id.not_in(voided_ids()))
    )
    if day is not None:
        statement = statement.where(ServiceGiven.local_day == day)
    residents = set()
    for local_day, activity_id, booth_id, registration_id, referral, code in db.session.execute(statement):
        key = (local_day, activity_id, booth_id)
        figures[(*key, SERVICES)] += 1
        figures[(*key, f"{SERVICES}.{code}")] += 1
        figures[(*key, REFERRALS)] += referral
        residents.add((local_day, activity_id, registration_id))
    for local_day, activity_id, _registration_id in residents:
        figures[(local_day, activity_id, WHOLE_ACTIVITY, RESIDENTS_SERVED)] += 1
    return [(key, value) for key, value in figures.items() if value]


def _queues(figures: Counter, day: dt.date | None) -> None:
    statement = sa.select(
        QueueTicket.local_day,
        QueueTicket.activity_id,
        QueueTicket.booth_id,
        sa.func.count(),
        sa.func.count(QueueTicket.called_at),
    ).group_by(QueueTicket.local_day, QueueTicket.activity_id, QueueTicket.booth_id)
    if day is not None:
        statement = statement.where(QueueTicket.local_day == day)
    for local_day, activity_id, booth_id, given, called in db.session.execute(statement):
        figures[(local_day, activity_id, booth_id, QUEUE_NUMBERS)] += given
        figures[(local_day, activity_id, booth_id, QUEUE_CALLED)] += called
