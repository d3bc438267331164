"""The daily tally as figures in long form (API.md, ``GET /api/v1/tally``)."""

from flask import jsonify

from eventdesk.api import bp
from eventdesk.api.auth import authenticate
from eventdesk.core.models import Role
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.errors import ServiceError
from eventdesk.reports.days import requested_day, requested_event_id
from eventdesk.reports.tally import daily_tally, tally_rows


@bp.get("/tally")
def get_tally():
    """One local day's figures per activity and per booth, as far as the organizer's scopes reach."""
    user = authenticate(borrowed_connection()).require_staff()
    if user.role not in (Role.admin, Role.organizer):
        raise ServiceError("forbidden", status=403)
    daily = daily_tally(requested_day(), user=user, event_id=requested_event_id())
    return jsonify({"rows": [row.as_api() for row in tally_rows(daily)]})
