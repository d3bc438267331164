"""Large type (适老化): a reading mode for older eyes, switched on from any public page and kept.

``?large=1`` switches it on and ``?large=0`` off; the choice is kept in a cookie for the pages
that follow, like the language. Pages then carry the ``large-type`` class, which the
stylesheets enlarge (text and hints of at least 18 px, touch targets of at least 48 px).
"""

from flask import Flask, g, request

LARGE_COOKIE = "large"
_ON, _OFF = "1", "0"


def large_type() -> bool:
    """Whether the current page is read in large type."""
    asked = request.args.get("large")
    if asked in (_ON, _OFF):
        g.large_chosen = asked
        return asked == _ON
    return request.cookies.get(LARGE_COOKIE) == _ON


def _remember(response):
    chosen = g.get("large_chosen")
    if chosen is not None and request.cookies.get(LARGE_COOKIE) != chosen:
        response.set_cookie(LARGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_remember)
    app.context_processor(lambda: {"large_type": large_type()})
