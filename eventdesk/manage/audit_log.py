"""The audit trail for administrators: every recorded change, filtered by who made it, the activity
it concerns, its action and its day."""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, render_template, request

from eventdesk.auth.permissions import roles_required
from eventdesk.core import audit
from eventdesk.core.models import Activity, AuditLog, Role, ScannerCredential, User
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.manage.views import PER_PAGE, bp
from eventdesk.web import id_arg

ACTION_MAX_LENGTH = 60


def _requested_day() -> dt.date | None:
    value = request.args.get("day")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ServiceError("invalid_field", field="day") from None


@bp.get("/audit")
@roles_required(Role.admin)
def audit_log():
    """The audit trail, newest first."""
    action = (request.args.get("action") or "").strip()[:ACTION_MAX_LENGTH] or None
    filters = {
        "user_id": id_arg("person"),
        "activity_id": id_arg("activity"),
        "action": action,
        "day": _requested_day(),
    }
    zone = ZoneInfo(current_app.config["EVENTDESK_TIMEZONE"])
    stmt = (
        sa.select(AuditLog)
        .where(audit.entries_clause(**filters, zone=zone))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    page = db.paginate(stmt, per_page=PER_PAGE, max_per_page=PER_PAGE)
    user_ids = {entry.user_id for entry in page.items if entry.user_id}
    credential_ids = {entry.credential_id for entry in page.items if entry.credential_id}
    activity_ids = {entry.activity_id for entry in page.items if entry.activity_id}
    return render_template(
        "manage/audit_log.html",
        page=page,
        filters=filters,
        timezone=zone.key,
        actions=audit.actions_recorded(),
        people=db.session.scalars(sa.select(User).order_by(User.email)).all(),
        users=_by_id(User, user_ids),
        credentials=_by_id(ScannerCredential, credential_ids),
        activities=_by_id(Activity, activity_ids),
    )


def _by_id(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {obj.id: obj for obj in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}
