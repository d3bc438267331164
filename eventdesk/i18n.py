"""Languages: Chinese (zh_Hans) by default, English second.

The language is, in order: ``?lang=`` (remembered in a cookie), the signed-in staff
member's setting, the cookie, the browser's Accept-Language, then Chinese. On the command
line it is the terminal's (``LANG``), then Chinese.
"""

import os
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

from eventdesk.core.languages import DEFAULT_LANGUAGE, normalise_language

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    if not has_request_context():
        return normalise_language(os.environ.get("LANG")) or DEFAULT_LANGUAGE
    chosen = normalise_language(request.args.get("lang"))
    if chosen:
        g.language_chosen = chosen
        return chosen
    # Only a request with a session can have a signed-in user; the scanner API has none,
    # and loading the user costs more than the rest of choosing a language.
    has_session = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
    if has_session and current_user.is_authenticated and getattr(current_user, "locale", None):
        return current_user.locale
    chosen = normalise_language(request.cookies.get(LANGUAGE_COOKIE))
    if chosen:
        return chosen
    for tag, _quality in request.accept_languages:
        chosen = normalise_language(tag)
        if chosen:
            return chosen
    return DEFAULT_LANGUAGE


def remember_language(response):
    """Keep a language picked with ``?lang=`` for the pages that follow."""
    chosen = g.get("language_chosen")
    if chosen and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def translation_directories(app: Flask) -> list[str]:
    """The package's catalog and each area's own (``eventdesk/<area>/translations``)."""
    package = Path(app.root_path)
    directories = [package / "translations"]
    directories += sorted(p for p in package.glob("*/translations") if p.is_dir())
    directories += sorted(p for p in package.glob("activities/*/translations") if p.is_dir())
    return [str(p) for p in directories]


#: Where the app keeps the catalogs found missing or stale when it was built.
UNCOMPILED_CATALOGS = "eventdesk_uncompiled_catalogs"
COMPILE_HINT = "run `python scripts/catalogs.py compile` (or `make catalogs`)"


def uncompiled_catalogs(directories: list[str]) -> list[str]:
    """The catalogs (.po) that have no compiled .mo beside them, or one older than themselves:
    served as they are, their strings would appear in English."""
    problems = []
    for directory in directories:
        for source in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
            compiled = source.with_suffix(".mo")
            if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
                problems.append(str(source))
    return problems


def uncompiled_message(problems: list[str]) -> str:
    return f"translation catalogs are not compiled ({', '.join(problems)}): {COMPILE_HINT}"
