"""Live counts for open dashboards: one hub per process, one reader thread for all streams.

Each open stream subscribes to a set of activities. While anyone is subscribed, a thread
rereads those activities' figures from the tally (one query, whatever the number of
scans) about once a second — or at once when a change is announced in this process or,
with Redis, anywhere — and hands every changed activity's counts to the streams watching
it. So a scan recorded by any worker on any host reaches every dashboard within about a
second, and a hundred open dashboards cost one query a second per process, not a hundred.
"""

import contextlib
import json
import logging
import queue
import threading
import weakref
from dataclasses import dataclass, field

from flask import Flask

from eventdesk.core import news
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.counts import counts_of_activities
from eventdesk.extensions import db

log = logging.getLogger(__name__)

#: Seconds between rereads when nothing is announced (with Redis, a backstop only).
POLL_SECONDS = 1.0
POLL_SECONDS_WITH_REDIS = 5.0
#: Changes a slow stream may have waiting before the oldest are dropped (counts are
#: snapshots, so only the latest matters).
QUEUE_SIZE = 50
#: Put in a stream's queue to end it.
CLOSE = 0


@dataclass(eq=False)
class Subscription:
    """One open stream: the activities it watches (id → kind) and what is waiting for it."""

    kinds: dict[int, str]
    language: str
    changes: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=QUEUE_SIZE))

    def offer(self, activity_id: int, counts_json: str) -> None:
        while True:
            try:
                self.changes.put_nowait((activity_id, counts_json))
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self.changes.get_nowait()


class CountsHub:
    """The live-count hub of one process."""

    def __init__(self, app: Flask):
        self.app = app
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()
        self._latest: dict[tuple[int, str], str] = {}
        self._wake = threading.Event()
        self._reader: threading.Thread | None = None
        self._redis_listener: threading.Thread | None = None
        self.redis_url = app.config.get("REDIS_URL")
        self.poll_seconds = POLL_SECONDS_WITH_REDIS if self.redis_url else POLL_SECONDS
        news.listen(lambda _ids: self._wake.set())

    @property
    def stream_count(self) -> int:
        return len(self._subscriptions)

    def subscribe(self, kinds: dict[int, str], language: str) -> Subscription:
        subscription = Subscription(kinds=dict(kinds), language=language)
        with self._lock:
            self._subscriptions.add(subscription)
            if self._reader is None or not self._reader.is_alive():
                self._reader = threading.Thread(
                    target=self._read_forever, name="eventdesk-counts", daemon=True
                )
                self._reader.start()
            if self.redis_url and (self._redis_listener is None or not self._redis_listener.is_alive()):
                self._redis_listener = threading.Thread(
                    target=self._listen_to_redis, name="eventdesk-counts-redis", daemon=True
                )
                self._redis_listener.start()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)
            last = not self._subscriptions
        if last:
            # The reader ends now rather than after its next poll, returning its connection.
            self._wake.set()

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait for the reader to end once no stream is open; whether it has ended.

        Whoever disposes of the app's database engine calls this first, so that no read is
        still holding one of the engine's connections."""
        with self._lock:
            reader = self._reader
        if reader is not None:
            reader.join(timeout)
            return not reader.is_alive()
        return True

    def close_streams(self) -> None:
        """End every open stream (the worker is shutting down; browsers reconnect elsewhere)."""
        with self._lock:
            watched = list(self._subscriptions)
        for subscription in watched:
            subscription.offer(CLOSE, "")

    def current(self, subscription: Subscription) -> dict[int, dict]:
        """The counts a new stream starts with (the reader then sends only changes)."""
        counts = counts_of_activities(
            borrowed_connection(), subscription.kinds, language=subscription.language
        )
        with self._lock:
            for activity_id, figures in counts.items():
                self._latest.setdefault((activity_id, subscription.language), _encode(figures))
        return counts

    # -- the reader thread ---------------------------------------------------------------

    def _read_forever(self) -> None:
        while True:
            with self._lock:
                if not self._subscriptions:
                    self._reader = None
                    self._latest.clear()
                    return
                watched = list(self._subscriptions)
            try:
                self._read_once(watched)
            except Exception:
                # The database may be restarting; streams stay open and the next read retries.
                log.warning("could not read live counts", exc_info=True)
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def _read_once(self, watched: list[Subscription]) -> None:
        by_language: dict[str, dict[int, str]] = {}
        for subscription in watched:
            by_language.setdefault(subscription.language, {}).update(subscription.kinds)
        with self.app.app_context():
            try:
                fresh = {
                    language: counts_of_activities(borrowed_connection(), kinds, language=language)
                    for language, kinds in by_language.items()
                }
            finally:
                db.session.remove()
        for language, counts in fresh.items():
            for activity_id, figures in counts.items():
                encoded = _encode(figures)
                key = (activity_id, language)
                if self._latest.get(key) == encoded:
                    continue
                self._latest[key] = encoded
                for subscription in watched:
                    if subscription.language == language and activity_id in subscription.kinds:
                        subscription.offer(activity_id, encoded)

    def _listen_to_redis(self) -> None:
        """Wake the reader whenever any process, on any host, announces a change."""
        while True:
            with self._lock:
                if not self._subscriptions:
                    self._redis_listener = None
                    return
            try:
                pubsub = news.redis_client(self.redis_url).pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(news.CHANNEL)
                while self._subscriptions:
                    if pubsub.get_message(timeout=1.0):
                        self._wake.set()
                pubsub.close()
            except Exception:
                log.warning("Redis is unreachable; live counts fall back to polling", exc_info=True)
                self._wake.wait(self.poll_seconds)


def _encode(figures: dict) -> str:
    return json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def hub_of(app: Flask) -> CountsHub:
    """This process's hub for `app`, made on first use."""
    with _hubs_lock:
        hub = app.extensions.get("eventdesk_counts_hub")
        if hub is None:
            hub = app.extensions["eventdesk_counts_hub"] = CountsHub(app)
            _hubs.add(hub)
        return hub


def close_all_streams() -> None:
    """End the open streams of every hub in this process (called when a worker stops)."""
    for hub in list(_hubs):
        hub.close_streams()


_hubs_lock = threading.Lock()
_hubs: "weakref.WeakSet[CountsHub]" = weakref.WeakSet()
