"""Rate limits on the few doors that need them: signing in, registering, enrolling a scanner.

Built on `limits` (the library behind Flask-Limiter) as a decorator on those views only,
so that no other request — above all a check-in — pays for a rate-limit check. A whole
venue shares one address behind its Wi-Fi, so limits key on what is typed (a phone
number, an e-mail) as well as on the address. Counters live in Redis when ``REDIS_URL``
is set (shared by every worker and host), else in each process's memory.
"""

import functools
import logging
from collections.abc import Callable

from flask import Flask, current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from eventdesk.core import identity
from eventdesk.errors import ServiceError

log = logging.getLogger(__name__)
_EXTENSION = "eventdesk_rate_limiter"


def init_app(app: Flask) -> None:
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions[_EXTENSION] = MovingWindowRateLimiter(storage)


def client_address() -> str:
    return request.remote_addr or "-"


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


def _hit(item, scope: str, identity: str) -> bool:
    try:
        return current_app.extensions[_EXTENSION].hit(item, scope, identity)
    except Exception:
        # Without its counter store (Redis restarting) the door stays open: refusing every
        # registration at a crowded square would be worse than a moment without limits.
        log.warning("rate-limit storage unreachable; request let through", exc_info=True)
        return True
