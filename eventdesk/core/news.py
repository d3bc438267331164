"""Telling open dashboards that counts changed, on every worker and every host.

The database is the record: each process's live-count hub rereads the tally's figures
about once a second, so a change made anywhere reaches every dashboard without any
other service. With ``REDIS_URL`` set, writers also publish the changed activity ids,
and hubs subscribed to the channel reread at once (and poll only as a backstop).
"""

import json
import logging
import threading
from collections.abc import Callable, Iterable

import sqlalchemy.orm as so
from flask import current_app, has_app_context
from sqlalchemy import event

CHANNEL = "eventdesk:counts"
#: Where a session keeps the activities whose figures its transaction changed.
SESSION_KEY = "eventdesk_touched_activities"

log = logging.getLogger(__name__)
_listeners: list[Callable[[set[int]], None]] = []
_redis_clients: dict[str, object] = {}
_redis_lock = threading.Lock()


def listen(callback: Callable[[set[int]], None]) -> None:
    """Call `callback` with the activity ids of every change announced in this process."""
    _listeners.append(callback)


def redis_client(url: str):
    import redis

    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            _redis_clients[url] = client
        return client


def announce(activity_ids: Iterable[int], redis_url: str | None = None) -> None:
    """The figures of these activities changed (call after the change is committed)."""
    ids = set(activity_ids)
    if not ids:
        return
    for callback in _listeners:
        callback(ids)
    url = redis_url if redis_url is not None else current_app.config.get("REDIS_URL")
    if url:
        try:
            redis_client(url).publish(CHANNEL, json.dumps(sorted(ids)))
        except Exception:
            # A dashboard a second late (the hubs still poll) must never fail a scan.
            log.warning("could not publish count changes to Redis", exc_info=True)


def touched(session: so.Session, activity_ids: Iterable[int]) -> None:
    """Remember that the session's transaction changed these activities' figures."""
    session.info.setdefault(SESSION_KEY, set()).update(activity_ids)


@event.listens_for(so.Session, "after_commit")
def _announce_committed(session):
    ids = session.info.pop(SESSION_KEY, None)
    if ids:
        announce(ids, redis_url=current_app.config.get("REDIS_URL") if has_app_context() else "")


@event.listens_for(so.Session, "after_rollback")
def _forget_rolled_back(session):
    session.info.pop(SESSION_KEY, None)
