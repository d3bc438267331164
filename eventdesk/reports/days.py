"""Which local day and event a report is asked for (``?date=YYYY-MM-DD``, ``?event=ID``)."""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, request

from eventdesk.core.calendar import current_event
from eventdesk.core.models import Event, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db


def event_in_view(event_id: int | None = None) -> Event | None:
    """The event asked for; else the one running today; else the next to come; else the last one."""
    if event_id is not None:
        return current_event(event_id)
    running = current_event()
    if running is not None:
        return running
    today_utc = utcnow().date()
    upcoming = db.session.scalar(
        sa.select(Event).where(Event.starts_on >= today_utc).order_by(Event.starts_on, Event.id).limit(1)
    )
    if upcoming is not None:
        return upcoming
    return db.session.scalar(sa.select(Event).order_by(Event.starts_on.desc(), Event.id.desc()).limit(1))


def today(event: Event | None = None) -> dt.date:
    """Today in the event's time zone (the current event's, else EventDesk's default zone)."""
    event = event or current_event()
    if event is not None:
        return event.local_day(utcnow())
    return utcnow().astimezone(ZoneInfo(current_app.config["EVENTDESK_TIMEZONE"])).date()


def requested_day() -> dt.date:
    """``?date=YYYY-MM-DD``, or today.

    :raises ServiceError: ``invalid_field`` (``date``) for anything but a date.
    """
    value = request.args.get("date")
    if not value:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ServiceError("invalid_field", field="date") from None


def requested_event_id() -> int | None:
    """``?event=ID``, or None (every event).

    :raises ServiceError: ``invalid_field`` (``event``) for anything but a number.
    """
    value = request.args.get("event")
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 12:
        raise ServiceError("invalid_field", field="event")
    return int(value)
