"""The JSON API under /api/v1/ (API.md), documented at /api/v1/openapi.json."""

from flask import Blueprint

from eventdesk.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, not cookies, authenticate the API, so there is no cross-site form to forge.
csrf.exempt(bp)

from eventdesk.api import actions, activities, enrolment, openapi, registrations, scans, stream, tally  # noqa: E402, F401  (routes)
