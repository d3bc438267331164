"""Rate limits on the few doors that need them: signing in, registering, enrolling a scanner.

A decorator on those views only, so that no other request — above all a check-in — pays for
a rate-limit check. A whole venue shares one address behind its Wi-Fi, so limits key on what
is typed (a phone number, an e-mail, a code) as well as on the address, and the limits per
address stay generous.

Counters are shared by every worker and host: in Redis when ``REDIS_URL`` is set (through
`limits`, the library behind Flask-Limiter), else in the database (fixed windows, one upsert
per counted request). ``RATELIMIT_STORAGE_URI=memory://`` keeps them in each process, for a
single-process development server only.
"""

import functools
import hashlib
import ipaddress
import logging
import random
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.dialects import postgresql, sqlite

from eventdesk.core import identity
from eventdesk.core.database import write_intent
from eventdesk.core.models import RateLimitCounter
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

log = logging.getLogger(__name__)
_EXTENSION = "eventdesk_rate_limiter"
DATABASE_STORAGE = "database"
#: One counted request in this many also clears the counters of ended windows.
_SWEEP_ONE_IN = 200


def init_app(app: Flask) -> None:
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if uri == DATABASE_STORAGE:
        app.extensions[_EXTENSION] = DatabaseCounters()
    else:
        app.extensions[_EXTENSION] = MovingWindowRateLimiter(storage_from_string(uri))


class DatabaseCounters:
    """Fixed-window counters in the database, with the interface of `limits`' rate limiters."""

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one request; whether it is within the limit."""
        return self._count(item, identifiers, add=1) <= item.amount

    def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Whether one more request would be within the limit (without counting it)."""
        return self._count(item, identifiers, add=0) < item.amount

    def _count(self, item: RateLimitItem, identifiers, *, add: int) -> int:
        length = item.get_expiry()
        now = int(time.time())
        window = now // length
        key = hashlib.sha256("\x1f".join((str(item), *identifiers)).encode()).hexdigest()
        table = RateLimitCounter.__table__
        # A connection of its own, committed at once: the count must stand even when the
        # request's own transaction is rolled back (a refused sign-in above all).
        with write_intent(), db.engine.begin() as connection:
            if add:
                dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
                statement = (
                    dialect.insert(table)
                    .values(key=key, window=window, count=add, expires_at=(window + 1) * length)
                    .on_conflict_do_update(
                        index_elements=["key", "window"], set_={"count": table.c.count + add}
                    )
                    .returning(table.c.count)
                )
                count = connection.execute(statement).scalar_one()
                if random.randrange(_SWEEP_ONE_IN) == 0:
                    connection.execute(sa.delete(table).where(table.c.expires_at < now))
                return count
            count = connection.execute(
                sa.select(table.c.count).where(table.c.key == key, table.c.window == window)
            ).scalar_one_or_none()
            return count or 0


def client_address() -> str:
    return request.remote_addr or "-"


def network_key() -> str:
    """The address's network (a /24, or a /48 for IPv6): a flood from one network's many addresses
    counts together."""
    try:
        address = ipaddress.ip_address(client_address())
    except ValueError:
        return "network:-"
    prefix = 24 if address.version == 4 else 48
    return f"network:{ipaddress.ip_network(f'{address}/{prefix}', strict=False)}"


def activity_key() -> str | None:
    """The activity of the URL: how fast one activity fills, whoever fills it."""
    activity_id = (request.view_args or {}).get("activity_id")
    return f"activity:{activity_id}" if activity_id is not None else None


def credential_key() -> str | None:
    """The bearer token sent (as a digest): one scanner device or staff member, wherever it is."""
    header = request.headers.get("Authorization", "")
    return "credential:" + hashlib.sha256(header.encode()).hexdigest() if header else None


def phone_key(typed: str | None) -> str | None:
    """Count by the phone number typed; None (not counted) when it cannot be read."""
    try:
        return "phone:" + identity.normalise_phone(typed or "")
    except ServiceError:
        return None


def limit(rate: str, *, key: Callable[[], str | None] = client_address, methods: tuple[str, ...] = ("POST",)):
    """Refuse a request with 429 ``rate_limited`` past `rate` (e.g. ``"10/hour"``) per key.

    `key` names who is counted; when it returns None the request is not counted (e.g. a
    phone number that cannot be read, which the service refuses anyway).
    """
    item = parse(rate)

    def decorator(view):
        scope = f"{view.__module__}.{view.__qualname__}:{rate}"

        @functools.wraps(view)
        def limited(*args, **kwargs):
            if request.method in methods and current_app.config["RATELIMIT_ENABLED"]:
                identity = key()
                if identity is not None and not _hit(item, scope, identity):
                    raise ServiceError("rate_limited", status=429)
            return view(*args, **kwargs)

        return limited

    return decorator


def hit_once(rate: str, scope: str, key: str) -> bool:
    """Count one request under `scope` and `key` where a decorator does not fit (one branch of a
    view); whether it is within `rate`."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    return _hit(parse(rate), scope, key)


class Lockout:
    """Failures counted per key (an account, an address); past `rate`, the door stays shut for
    everyone under that key until the window ends, whatever they type then."""

    def __init__(self, name: str, rate: str):
        self.scope = f"lockout:{name}:{rate}"
        self.item = parse(rate)

    def is_locked(self, key: str) -> bool:
        if not current_app.config["RATELIMIT_ENABLED"]:
            return False
        return not _call("test", self.item, self.scope, key)

    def failed(self, key: str) -> None:
        if current_app.config["RATELIMIT_ENABLED"]:
            _hit(self.item, self.scope, key)


def _hit(item, scope: str, identity: str) -> bool:
    return _call("hit", item, scope, identity)


def _call(method: str, item, scope: str, identity: str) -> bool:
    try:
        return getattr(current_app.extensions[_EXTENSION], method)(item, scope, identity)
    except Exception:
        # Without its counter store (Redis restarting) the door stays open: refusing every
        # registration at a crowded square would be worse than a moment without limits.
        log.warning("rate-limit storage unreachable; request let through", exc_info=True)
        return True
