"""Each station's queue: a resident scanned at the queue gets the next number of the day, the
provider calls the next number with one tap, the now-serving screen shows the current and next
numbers, the resident's ticket page their number and place, the dashboard each station's waiting
count and median wait.

Numbers are unique per station and day in the database: two devices giving numbers at once both
get one, never the same. A resident already waiting at a station keeps their number.
"""

import datetime as dt
import statistics
from dataclasses import dataclass

import sqlalchemy as sa

from eventdesk.activities.health import tally as health_tally
from eventdesk.activities.health.models import QueueTicket
from eventdesk.activities.health.services import is_station
from eventdesk.core import tally
from eventdesk.core.models import Activity, Booth, Registration, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: How many numbers after the current one the now-serving screen shows.
NEXT_SHOWN = 3
#: A number given or called by two devices at the very same moment is tried again this often.
ATTEMPTS = 5


def station_of(activity: Activity, booth_id: int | None) -> Booth:
    """A station of `activity`. :raises ServiceError: ``not_a_station`` (409)."""
    booth = db.session.get(Booth, booth_id) if booth_id else None
    if booth is None or booth.activity_id != activity.id or not is_station(booth):
        raise ServiceError("not_a_station", status=409, field="booth_id")
    return booth


def join_queue(
    activity: Activity, booth: Booth, registration: Registration, *, now=None
) -> tuple[QueueTicket, bool]:
    """The resident's number in the station's queue today: their waiting one (False), or the next
    one (True, a new number)."""
    now = now or utcnow()
    day = activity.event.local_day(now)
    _take_turn(booth)
    for _attempt in range(ATTEMPTS):
        waiting = _waiting_ticket(booth.id, registration.id, day)
        if waiting is not None:
            return waiting, False
        last = db.session.scalar(
            sa.select(sa.func.max(QueueTicket.number)).where(
                QueueTicket.booth_id == booth.id, QueueTicket.local_day == day
            )
        )
        ticket = QueueTicket(
            activity_id=activity.id,
            booth_id=booth.id,
            registration_id=registration.id,
            local_day=day,
            number=(last or 0) + 1,
            joined_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(ticket)
                db.session.flush()
        except sa.exc.IntegrityError:
            continue  # the number, or this resident's place, was taken a moment ago
        tally.feed(health_tally.queue_figure(ticket, health_tally.QUEUE_NUMBERS))
        return ticket, True
    raise ServiceError("queue_busy", status=503)


def call_next(activity: Activity, booth: Booth, *, now=None) -> QueueTicket:
    """Call the lowest waiting number of the station today.

    :raises ServiceError: ``queue_empty`` (409).
    """
    now = now or utcnow()
    day = activity.event.local_day(now)
    _take_turn(booth)
    for _attempt in range(ATTEMPTS):
        ticket = db.session.scalar(
            sa.select(QueueTicket).where(_waiting_today(booth.id, day)).order_by(QueueTicket.number).limit(1)
        )
        if ticket is None:
            raise ServiceError("queue_empty", status=409)
        called = db.session.execute(
            sa.update(QueueTicket)
            .where(QueueTicket.id == ticket.id, QueueTicket.called_at.is_(None))
            .values(called_at=now)
        )
        if called.rowcount == 1:
            db.session.refresh(ticket)
            tally.feed(health_tally.queue_figure(ticket, health_tally.QUEUE_CALLED))
            return ticket
    raise ServiceError("queue_busy", status=503)


@dataclass
class StationQueue:
    """A station's queue today, as the screen and the dashboard show it."""

    booth: Booth
    serving: int | None
    next_numbers: list[int]
    waiting: int
    median_wait: dt.timedelta | None

    @property
    def median_wait_minutes(self) -> int | None:
        if self.median_wait is None:
            return None
        return round(self.median_wait.total_seconds() / 60)


def station_queue(activity: Activity, booth: Booth, day: dt.date | None = None) -> StationQueue:
    day = day or activity.event.local_day(utcnow())
    tickets = db.session.execute(
        sa.select(QueueTicket.number, QueueTicket.joined_at, QueueTicket.called_at).where(
            QueueTicket.booth_id == booth.id, QueueTicket.local_day == day
        )
    ).all()
    waiting = sorted(number for number, _joined, called in tickets if called is None)
    called = [(called_at, number, called_at - joined) for number, joined, called_at in tickets if called_at]
    serving = max(called)[1] if called else None
    waits = [wait for _at, _number, wait in called]
    return StationQueue(
        booth=booth,
        serving=serving,
        next_numbers=waiting[:NEXT_SHOWN],
        waiting=len(waiting),
        median_wait=statistics.median(waits) if waits else None,
    )


def station_numbers(activity: Activity) -> dict[int, int]:
    """Each station's number among the day's stations, in the booths' order (1, 2, 3 …)."""
    stations = [booth for booth in activity.booths if is_station(booth)]
    return {booth.id: number for number, booth in enumerate(stations, start=1)}


def station_queues(activity: Activity, day: dt.date | None = None) -> list[StationQueue]:
    return [station_queue(activity, booth, day) for booth in activity.booths if is_station(booth)]


@dataclass
class Place:
    """A resident's number at a station, and how many wait before them (0: being called).

    The station is named by its number among the day's stations (服务站 2), as its screen shows
    it: a station's name may be its service, which the ticket page does not tell.
    """

    station_number: int
    number: int
    ahead: int
    called: bool


def places_of(registration: Registration, day: dt.date | None = None) -> list[Place]:
    """The resident's numbers today: waiting ones with their place, and the ones called."""
    activity = registration.activity
    day = day or activity.event.local_day(utcnow())
    numbers = station_numbers(activity)
    places = []
    for ticket in db.session.scalars(
        sa.select(QueueTicket)
        .where(QueueTicket.registration_id == registration.id, QueueTicket.local_day == day)
        .order_by(QueueTicket.joined_at)
    ):
        places.append(
            Place(
                station_number=numbers.get(ticket.booth_id, 0),
                number=ticket.number,
                ahead=ahead_of(ticket),
                called=ticket.called_at is not None,
            )
        )
    return places


def ahead_of(ticket: QueueTicket) -> int:
    """How many wait before `ticket` at its station (0 once it is called)."""
    if ticket.called_at is not None:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(QueueTicket)
        .where(_waiting_today(ticket.booth_id, ticket.local_day), QueueTicket.number < ticket.number)
    )


def _take_turn(booth: Booth) -> None:
    """The station's queue changes one device at a time until commit (PostgreSQL: its booth row is
    locked; SQLite writers already take turns, and the unique numbers catch what slips through)."""
    db.session.execute(sa.select(Booth.id).where(Booth.id == booth.id).with_for_update(key_share=True))


def _waiting_ticket(booth_id: int, registration_id: int, day: dt.date) -> QueueTicket | None:
    return db.session.scalar(
        sa.select(QueueTicket).where(
            _waiting_today(booth_id, day), QueueTicket.registration_id == registration_id
        )
    )


def _waiting_today(booth_id: int, day: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(
        QueueTicket.booth_id == booth_id, QueueTicket.local_day == day, QueueTicket.called_at.is_(None)
    )
