"""Which event is "current": the one whose dates contain today in its own time zone."""

import sqlalchemy as sa

from eventdesk.core.models import Event, utcnow
from eventdesk.extensions import db


def current_event(event_id: int | None = None) -> Event | None:
    """The event asked for by id, else the one running today (the latest to start, if several)."""
    if event_id is not None:
        return db.session.get(Event, event_id)
    now = utcnow()
    candidates = db.session.scalars(sa.select(Event).order_by(Event.starts_on.desc(), Event.id.desc())).all()
    for event in candidates:
        if event.starts_on <= event.local_day(now) <= event.ends_on:
            return event
    return None
