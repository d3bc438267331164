"""The ceremony's own facts: the households invited (each with its new home and the ticket of its
head), and the keys handed over at the desks (details of the core's ``handover`` actions)."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.activities.handover.vocabulary import PROGRAMMES, PROXY, RECIPIENTS, values
from eventdesk.core.models import Activity, Registration
from eventdesk.core.models.base import Base, CreatedAt, intpk, str20, str50, str100

#: A household counts this many people at most (a typing error beyond).
MAX_MEMBERS = 30


def _one_of(column: str, choices) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values(choices))})"


class Household(Base):
    """A rehoused family invited to the ceremony: its head (the ticket's holder), its people, where
    it came from, its programme and its new home. One household per home at a ceremony."""

    __tablename__ = "handover_household"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "settlement", "building", "unit"),
        sa.CheckConstraint(f"members >= 1 AND members <= {MAX_MEMBERS}", name="members_counted"),
        sa.CheckConstraint(_one_of("programme", PROGRAMMES), name="programme_known"),
    )

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    #: The head of household's ticket (name, phone and ID number are the person's).
    registration_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("registration.id"), unique=True)
    #: One of `PROGRAMMES`.
    programme: so.Mapped[str20]
    members: so.Mapped[int]
    #: The village the family moved from (迁出村).
    origin_village: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    #: The new home: settlement (安置点), building (楼栋), unit (房号).
    settlement: so.Mapped[str100]
    building: so.Mapped[str50]
    unit: so.Mapped[str50]
    created_at: so.Mapped[CreatedAt]

    activity: so.Mapped[Activity] = so.relationship()
    registration: so.Mapped[Registration] = so.relationship()


class Handover(Base):
    """Keys handed over at a desk, to the head or a named proxy, with the recipient's signature
    (the details of a ``handover`` action; the action keeps the time, the desk and the staff).

    `voided_at` mirrors the action's void, so that the database itself refuses a second live
    handover of the same keys (two desks racing included).
    """

    __tablename__ = "handover_handover"
    __table_args__ = (
        sa.Index(
            "uq_handover_handover_live",
            "household_id",
            unique=True,
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        ),
        sa.CheckConstraint(_one_of("recipient", RECIPIENTS), name="recipient_known"),
        sa.CheckConstraint(
            f"recipient != '{PROXY}' OR (proxy_name IS NOT NULL AND proxy_relation IS NOT NULL)",
            name="proxy_named",
        ),
    )

    id: so.Mapped[intpk]
    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), unique=True)
    household_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("handover_household.id"), index=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id"), index=True)
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id"), index=True)
    #: One of `RECIPIENTS`.
    recipient: so.Mapped[str20]
    proxy_name: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    #: How the proxy is related to the head (son, neighbour, village cadre …).
    proxy_relation: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    #: The last 4 characters of the proxy's ID number: enough to check a card, no more.
    proxy_id_tail: so.Mapped[str | None] = so.mapped_column(sa.String(4))
    #: The recipient's signature, drawn on the desk's screen (PNG).
    signature: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    voided_at: so.Mapped[dt.datetime | None]

    household: so.Mapped[Household] = so.relationship()


class Letter(Base):
    """The invitation letter of a ceremony as its organizers worded it (none: the default wording).

    Each household's letter adds its own head, new home, ticket QR code and short code.
    """

    __tablename__ = "handover_letter"

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    title: so.Mapped[str100]
    #: The letter's words; ``{head}``, ``{settlement}``, ``{building}`` and ``{unit}`` are the household's.
    body: so.Mapped[str] = so.mapped_column(sa.String(2000))
    place: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: When to come, as the letter says it (the ceremony may begin after the desks open).
    meeting_time: so.Mapped[str100]
    #: What to bring, one item a line.
    bring: so.Mapped[str] = so.mapped_column(sa.String(1000))
    updated_at: so.Mapped[CreatedAt]
