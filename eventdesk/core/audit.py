"""Recording changes in the audit log: who did what to what, when, with the values before and after.

Entries are only ever added: `AuditLog` refuses updates and deletes in the session.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.database import write_intent
from eventdesk.core.models import Activity, AuditLog
from eventdesk.extensions import db


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or remove an audit entry."""


def record(
    action: str,
    target=None,
    *,
    user=None,
    credential=None,
    activity_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    target_type: str | None = None,
    target_id: int | None = None,
    **details,
) -> AuditLog:
    """Add an audit entry for `target` (a model instance, or `target_type` and `target_id`) in the
    current transaction; its activity is `activity_id`, or the target's own."""
    if target is not None:
        target_type, target_id = target.__tablename__, target.id
        if activity_id is None:
            activity_id = target.id if isinstance(target, Activity) else getattr(target, "activity_id", None)
    entry = AuditLog(
        action=action,
        target_type=target_type,
        target_id=target_id,
        activity_id=activity_id,
        user_id=getattr(user, "id", None),
        credential_id=getattr(credential, "id", None),
        before=before,
        after=after,
        details=details,
    )
    db.session.add(entry)
    return entry


def record_disclosure(action: str, target, **kwargs) -> AuditLog:
    """Record, in a write transaction of its own, that personal data was read or downloaded: the
    page that shows it (a GET) reads in a transaction that must not write."""
    db.session.rollback()
    with write_intent():
        entry = record(action, target, **kwargs)
        db.session.commit()
    return entry


@sa.event.listens_for(so.Session, "before_flush")
def _refuse_rewriting_history(session, _flush_context, _instances) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditLog):
            raise AuditLogIsAppendOnly(f"audit entry {instance.id} cannot be changed or removed")


def entries_clause(
    *, user_id: int | None, activity_id: int | None, action: str | None, day: dt.date | None, zone: ZoneInfo
) -> sa.ColumnElement[bool]:
    """Audit entries by who made them, the activity they concern, their action and their local day."""
    conditions = []
    if user_id is not None:
        conditions.append(AuditLog.user_id == user_id)
    if activity_id is not None:
        conditions.append(AuditLog.activity_id == activity_id)
    if action:
        conditions.append(AuditLog.action == action)
    if day is not None:
        start = dt.datetime.combine(day, dt.time(), zone)
        conditions.append(AuditLog.at >= start)
        conditions.append(AuditLog.at < start + dt.timedelta(days=1))
    return sa.and_(sa.true(), *conditions)


def actions_recorded() -> list[str]:
    """Every action name the log holds, for the filter."""
    return db.session.scalars(sa.select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
