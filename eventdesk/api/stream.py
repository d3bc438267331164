"""Server-sent events: a ``counts`` event whenever an activity's counts change (API.md).

A browser's EventSource cannot send headers, so besides a bearer token the stream
accepts the staff session cookie.
"""

import json
import queue

import sqlalchemy as sa
from flask import Response, current_app, request
from flask_login import current_user

from eventdesk.api import bp
from eventdesk.api.auth import authenticate
from eventdesk.api.common import language
from eventdesk.core.access import activity_clause
from eventdesk.core.calendar import current_event
from eventdesk.core.models import Activity
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.dashboard.hub import CLOSE, hub_of
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.reports.days import requested_event_id

#: Seconds between keep-alive comments, so proxies and phones keep a quiet stream open.
KEEP_ALIVE_SECONDS = 15


def _staff_member():
    if request.headers.get("Authorization"):
        return authenticate(borrowed_connection()).require_staff()
    if current_user.is_authenticated:
        return current_user
    raise ServiceError("unauthorized", status=401)


def _event(counts: dict) -> str:
    return f"event: counts\ndata: {json.dumps(counts, ensure_ascii=False, separators=(',', ':'))}\n\n"


@bp.get("/stream/counts")
def stream_counts():
    """Stream the counts of the current event's activities the caller may see."""
    user = _staff_member()
    event_id = requested_event_id()
    event = current_event(event_id)
    if event is None:
        raise ServiceError("not_found", status=404)
    kinds = dict(
        db.session.execute(
            sa.select(Activity.id, Activity.kind).where(Activity.event_id == event.id, activity_clause(user))
        ).all()
    )
    hub = hub_of(current_app._get_current_object())
    if hub.stream_count >= current_app.config["EVENTDESK_MAX_STREAMS"]:
        # Every open stream holds a worker thread; past this many, dashboards poll instead,
        # so that scanners always find a free thread.
        raise ServiceError("streams_busy", status=503)
    subscription = hub.subscribe(kinds, language())
    try:
        opening = hub.current(subscription)
    except Exception:
        hub.unsubscribe(subscription)
        raise
    finally:
        db.session.remove()

    def events():
        try:
            yield "retry: 3000\n\n"
            for activity_id, counts in opening.items():
                yield _event({"activity_id": activity_id, "counts": counts})
            while True:
                try:
                    activity_id, encoded = subscription.changes.get(timeout=KEEP_ALIVE_SECONDS)
                except queue.Empty:
                    yield ": keep-alive\n\n"
                    continue
                if activity_id == CLOSE:
                    return
                yield f'event: counts\ndata: {{"activity_id":{activity_id},"counts":{encoded}}}\n\n'
        finally:
            hub.unsubscribe(subscription)

    return Response(
        events(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
