"""The consultation fair's own facts: each fair's settings, a booth's materials and policy page,
and the consultations, hand-outs and answers recorded at the booths (details of the core's
actions), with the poster page's reads."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.activities.consultation.vocabulary import (
    DEFAULT_FOLLOW_UP_DAYS,
    MATERIAL_KINDS,
    TOPICS,
    values,
)
from eventdesk.core.models import Booth
from eventdesk.core.models.base import Base, CreatedAt, intpk, str20, str100


def _one_of(column: str, choices) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values(choices))})"


class FairSettings(Base):
    """What an organizer sets for one consultation fair (none stored: the defaults)."""

    __tablename__ = "consultation_fair"
    __table_args__ = (sa.CheckConstraint("follow_up_days >= 1", name="follow_up_days_positive"),)

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    #: A follow-up not answered after this many days is overdue.
    follow_up_days: so.Mapped[int] = so.mapped_column(default=DEFAULT_FOLLOW_UP_DAYS)


class BoothPage(Base):
    """The policy a department writes for its booth's poster page (shown to anyone who scans it)."""

    __tablename__ = "consultation_booth_page"

    booth_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("booth.id", ondelete="CASCADE"), primary_key=True
    )
    policy_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    updated_at: so.Mapped[dt.datetime | None]


class Leaflet(Base):
    """A PDF leaflet offered for download on a booth's poster page."""

    __tablename__ = "consultation_leaflet"

    id: so.Mapped[intpk]
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str100]
    size: so.Mapped[int]
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)
    created_at: so.Mapped[CreatedAt]


class Material(Base):
    """Something a booth hands out (leaflets, brochures, items), with the quantity brought.

    `handed_out` moves only by a conditional UPDATE, so two devices can never hand out more
    than was brought.
    """

    __tablename__ = "consultation_material"
    __table_args__ = (
        sa.UniqueConstraint("booth_id", "name"),
        sa.CheckConstraint(_one_of("kind", MATERIAL_KINDS), name="kind_known"),
        sa.CheckConstraint("handed_out >= 0 AND handed_out <= brought", name="within_stock"),
    )

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str100]
    #: One of `MATERIAL_KINDS`.
    kind: so.Mapped[str20]
    brought: so.Mapped[int]
    handed_out: so.Mapped[int] = so.mapped_column(default=0)

    booth: so.Mapped[Booth] = so.relationship()

    @property
    def left(self) -> int:
        return self.brought - self.handed_out


class Consultation(Base):
    """A visitor's question at a booth (the details of a ``consult`` action), perhaps a follow-up
    the booth's department owes an answer to.

    `voided_at` mirrors the action's void; `answer_action_id` is the answer that closed the
    follow-up, set by a conditional UPDATE so that it is closed once.
    """

    __tablename__ = "consultation_consultation"
    __table_args__ = (
        sa.CheckConstraint(_one_of("topic", TOPICS), name="topic_known"),
        sa.CheckConstraint("NOT follow_up OR contact_phone IS NOT NULL", name="follow_up_has_phone"),
        sa.CheckConstraint("asked_days_earlier >= 0", name="asked_days_earlier_not_negative"),
        sa.Index("ix_consultation_consultation_department_open", "department_id", "follow_up"),
    )

    id: so.Mapped[intpk]
    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), unique=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id"), index=True)
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id"), index=True)
    #: The department that owes the answer: the booth's, or the fair's lead for a booth of none.
    department_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("department.id"))
    topic: so.Mapped[str20]
    #: How many days before the consultation's own day the question was asked: 0 at the booth,
    #: more for a question written down before the fair (a village's question box) and brought
    #: to the booth. A follow-up's age counts from that day.
    asked_days_earlier: so.Mapped[int] = so.mapped_column(default=0)
    #: The visitor's ticket, when one was scanned.
    registration_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("registration.id"), index=True)
    #: Asked at the booth without a ticket: counted as a booth walk-in too.
    walk_in: so.Mapped[bool] = so.mapped_column(default=False)
    #: Left on the booth's poster page.
    from_poster: so.Mapped[bool] = so.mapped_column(default=False)
    follow_up: so.Mapped[bool] = so.mapped_column(default=False)
    contact_phone: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    question: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    answer_action_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("action.id"))
    voided_at: so.Mapped[dt.datetime | None]

    booth: so.Mapped[Booth] = so.relationship()


class Handout(Base):
    """Materials handed out at a booth in one tap (the details of a ``handout`` action)."""

    __tablename__ = "consultation_handout"
    __table_args__ = (sa.CheckConstraint("quantity >= 1", name="quantity_positive"),)

    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), primary_key=True)
    material_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consultation_material.id"), index=True)
    quantity: so.Mapped[int]


class Answer(Base):
    """A department's answer to a follow-up, which closes it (the details of an ``answer`` action)."""

    __tablename__ = "consultation_answer"

    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), primary_key=True)
    consultation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("consultation_consultation.id"), index=True
    )
    note: so.Mapped[str] = so.mapped_column(sa.String(1000))


class PosterRead(Base):
    """A visitor opened a booth's poster page: a digital hand-out (``materials_handed_out.digital``)."""

    __tablename__ = "consultation_poster_read"
    __table_args__ = (sa.Index("ix_consultation_poster_read_booth_id_local_day", "booth_id", "local_day"),)

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"))
    read_at: so.Mapped[dt.datetime]
    local_day: so.Mapped[dt.date]
