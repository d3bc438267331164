"""Recording changes in the audit log."""

from eventdesk.core.models import AuditLog
from eventdesk.extensions import db


def record(action: str, target, *, user=None, credential=None, **details) -> AuditLog:
    """Add an audit entry for `target` (a model instance) in the current transaction."""
    entry = AuditLog(
        action=action,
        target_type=target.__tablename__,
        target_id=target.id,
        user_id=getattr(user, "id", None),
        credential_id=getattr(credential, "id", None),
        details=details,
    )
    db.session.add(entry)
    return entry
