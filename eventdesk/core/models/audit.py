"""The audit log: who changed what, for organizers and for accountability."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models.base import Base, CreatedAt, intpk


class AuditLog(Base):
    """One recorded change: setting up an activity, issuing a credential, revoking a ticket …

    Scans are not logged here: they are their own audit trail.
    """

    __tablename__ = "audit_log"

    id: so.Mapped[intpk]
    at: so.Mapped[CreatedAt] = so.mapped_column(index=True)
    #: Who did it: a staff member, a scanner device, or nobody (the command line, the public).
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    credential_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("scanner_credential.id"))
    #: Dotted action name, e.g. ``activity.created``, ``credential.revoked``.
    action: so.Mapped[str] = so.mapped_column(sa.String(60))
    #: What it was done to.
    target_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    target_id: so.Mapped[int | None]
    #: The activity it concerns, when it concerns one: the audit page filters by it.
    activity_id: so.Mapped[int | None] = so.mapped_column(index=True)
    #: The changed values as they were, and as they became (personal data masked).
    before: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    #: What else describes the change, without personal data.
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
