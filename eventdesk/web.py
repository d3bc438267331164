"""What every page and API answer shares: error pages, security headers, template helpers."""

import contextlib

import psycopg
import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from eventdesk.core import identity
from eventdesk.core.languages import LANGUAGES
from eventdesk.errors import ServiceError, reason_message
from eventdesk.extensions import db, login_manager
from eventdesk.fieldforms import declared_inputs, form_problems
from eventdesk.formatting import activity_when, kind_label, kind_registration_notice, local_time

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    429: "rate_limited",
}

#: The largest id an integer column holds on every database (PostgreSQL's ``integer``).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number too large for the database is simply not found,
    instead of overflowing the driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_arg(name: str) -> int | None:
    """A positive id from the query string, or None when absent or absurd."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def install_converters(app: Flask) -> None:
    """Before any route is added: routes compile their converters when registered."""
    app.url_map.converters["int"] = IdConverter


# Everything is served by EventDesk itself: no CDN, web font or analytics, so 'self' is enough.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(code: str, status: int):
    message = reason_message(code)
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    return render_template("errors/error.html", code=code, status=status, message=message), status


def _handle_http_error(error: HTTPException):
    status = error.code or 500
    code = _STATUS_CODES.get(status, "bad_request" if status < 500 else "server_error")
    response = make_response(*error_response(code, status))
    # What the error says besides its page: a 405's Allow, a 429's Retry-After.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _handle_service_error(error: ServiceError):
    db.session.rollback()
    if wants_json():
        return jsonify(error.to_json()), error.status
    return error_response(error.code, error.status)


def _handle_csrf_error(_error: CSRFError):
    return error_response("csrf_failed", 400)


def _handle_unusable_value(error: Exception):
    """A value the database cannot hold (a NUL in text, a number past its range) that got
    past the checks: the request was bad, the server is fine."""
    db.session.rollback()
    current_app.logger.warning(
        "value refused by the database on %s %s: %s", request.method, request.path, error
    )
    return error_response("bad_request", 400)


#: Seconds a client is asked to wait before trying again while the database is away.
DATABASE_RETRY_AFTER = 5

#: Errors that say the database is away or gave up for the moment (refused or cut connections,
#: a server shutting down, a transaction it aborted, no pooled connection free), not that the
#: request was bad: the same request may succeed later.
DATABASE_UNAVAILABLE = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def _handle_database_unavailable(error: Exception):
    """503 with a reason code and Retry-After: the client keeps what it sent and tries again."""
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()
    current_app.logger.warning(
        "database unavailable on %s %s: %s", request.method, request.path, str(error).splitlines()[0]
    )
    # Nobody can be looked up without the database: the page is drawn for a visitor.
    if "_login_user" not in g or g._login_user is None:
        g._login_user = login_manager.anonymous_user()
    response = make_response(*error_response("database_unavailable", 503))
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def _end_session(_error):
    """Close the session as Flask-SQLAlchemy does when the app context ends, but so that a
    database gone away cannot turn an answer already made into the server's bare 500: rolling
    back a transaction left open on a cut connection fails, and then the connection is dropped."""
    try:
        db.session.remove()
    except DATABASE_UNAVAILABLE:
        with contextlib.suppress(*DATABASE_UNAVAILABLE):
            db.session.registry().invalidate()
        db.session.registry.clear()


def _handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _handle_http_error(error)
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_response("server_error", 500)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.is_secure:  # behind the TLS proxy (X-Forwarded-Proto from a trusted proxy)
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _template_context():
    locale = get_locale()
    language = "en" if locale is not None and locale.language == "en" else "zh_Hans"
    return {
        "languages": LANGUAGES,
        "current_language": language,
        "html_lang": "en" if language == "en" else "zh-CN",
        "service_name": service_name(language),
    }


def service_name(language: str) -> str:
    """The name of the service, as the organizing office set it, else EventDesk's own."""
    configured = current_app.config.get(
        "EVENTDESK_SERVICE_NAME_EN" if language == "en" else "EVENTDESK_SERVICE_NAME"
    )
    return configured or current_app.config.get("EVENTDESK_SERVICE_NAME") or _("EventDesk")


def _current_url(**changes) -> str:
    args = request.args.to_dict()
    args.update(changes)
    return url_for(request.endpoint or "health.healthz", **(request.view_args or {}), **args)


def url_with_language(language: str) -> str:
    """The current page in another language."""
    return _current_url(lang=language)


def url_with_comfort(large: str) -> str:
    """The current page in large type ("1") or normal type ("0")."""
    return _current_url(large=large)


def url_for_page(page: int) -> str:
    """The current list on another page, with its search kept."""
    return _current_url(page=page)


def url_showing_archived(shown: bool) -> str:
    """The current list showing its archived entries (`shown`) or those in use, from its first page."""
    args = {name: value for name, value in request.args.items() if name not in ("page", "archived")}
    if shown:
        args["archived"] = "1"
    return url_for(request.endpoint or "health.healthz", **(request.view_args or {}), **args)


def _close_streamed_files(response):
    """Close a file served in pieces when its response closes: the compressor that runs after
    this hook replaces the file's stream with its own and would leave the file open."""
    body = response.response
    if response.is_streamed and hasattr(body, "close"):
        response.call_on_close(body.close)
    return response


def init_app(app: Flask) -> None:
    # Registered after the compressor's hook, so it runs before it (Flask runs them in reverse).
    app.after_request(_close_streamed_files)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(ServiceError, _handle_service_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    for unusable in (sa.exc.DataError, psycopg.DataError, OverflowError):
        app.register_error_handler(unusable, _handle_unusable_value)
    for unavailable in DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, _handle_database_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)
    # Registered after Flask-SQLAlchemy's own (in `create_app`), so it runs before it.
    app.teardown_appcontext(_end_session)
    app.after_request(_security_headers)
    app.context_processor(_template_context)
    app.jinja_env.globals.update(
        url_with_language=url_with_language,
        url_with_comfort=url_with_comfort,
        url_for_page=url_for_page,
        url_showing_archived=url_showing_archived,
        kind_label=kind_label,
        kind_registration_notice=kind_registration_notice,
        declared_inputs=declared_inputs,
        form_problems=form_problems,
        activity_when=activity_when,
    )
    app.jinja_env.filters.update(
        local_time=local_time,
        mask_name=identity.mask_name,
        mask_phone=identity.mask_phone,
        reason=reason_message,
    )
