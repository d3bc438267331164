"""Actions: what a booth records about a person beyond a scan, as append-only facts.

What every action shares lives here; each activity kind keeps its own details (an
application's posting, a service's type) in its own tables, pointing at the action.
"""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models.base import Base, intpk, str100


class Action(Base):
    """One recorded action (an application, a consultation, a service, a handover); never updated.

    A correction is an `ActionVoid` beside it: the fact stays, its figures are taken back.
    """

    __tablename__ = "action"
    __table_args__ = (sa.Index("ix_action_activity_id_local_day", "activity_id", "local_day"),)

    id: so.Mapped[intpk]
    #: Made by the device (a UUID); a replay with the same id is answered, not stored again.
    client_action_id: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: Digest of what was asked; tells a replay from a reused id.
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: The activity kind and the action's name within it (``jobfair``, ``apply``).
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    name: so.Mapped[str] = so.mapped_column(sa.String(30))
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id"))
    booth_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("booth.id"))
    #: The person's ticket, when the action names one.
    registration_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("registration.id"), index=True)
    #: The scanner credential (device) or the staff member who recorded it, and their label then.
    credential_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("scanner_credential.id"))
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    device: so.Mapped[str100]
    #: The time the device said it recorded the action, when it sent one.
    recorded_at: so.Mapped[dt.datetime | None]
    received_at: so.Mapped[dt.datetime]
    #: The time it counts at (`recorded_at` when plausible, else `received_at`) and its local day.
    counted_at: so.Mapped[dt.datetime]
    local_day: so.Mapped[dt.date]
    #: What the first answer named beyond the core's fields (``{"application_id": 12}``), so a
    #: replay is answered the same.
    answer: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    void: so.Mapped["ActionVoid | None"] = so.relationship(back_populates="action", lazy="raise")


class ActionVoid(Base):
    """The correction of an action: who took it back, when and why. At most one per action."""

    __tablename__ = "action_void"

    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), primary_key=True)
    voided_at: so.Mapped[dt.datetime]
    reason: so.Mapped[str] = so.mapped_column(sa.String(500))
    credential_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("scanner_credential.id"))
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    device: so.Mapped[str100]

    action: so.Mapped[Action] = so.relationship(back_populates="void")
