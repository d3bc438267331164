"""The health service day's own facts: the services an activity offers and which stations offer
them, the services given (details of the core's ``serve`` actions), and the stations' queues."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models import Booth
from eventdesk.core.models.base import Base, BilingualName, CreatedAt, intpk, str20

station_service = sa.Table(
    "health_station_service",
    Base.metadata,
    sa.Column("booth_id", sa.ForeignKey("booth.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("service_id", sa.ForeignKey("health_service.id", ondelete="CASCADE"), primary_key=True),
)


class Service(BilingualName, Base):
    """A service the day offers (体格检查, 义务诊疗 …), from the list its organizers edit.

    Its `code` keys the tally's breakdown rows (``services.exam``).
    """

    __tablename__ = "health_service"
    __table_args__ = (sa.UniqueConstraint("activity_id", "code"), sa.UniqueConstraint("activity_id", "name"))

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    code: so.Mapped[str20]
    sort_order: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[CreatedAt]

    stations: so.Mapped[list[Booth]] = so.relationship(secondary=station_service, order_by=Booth.sort_order)


class ServiceGiven(Base):
    """A service given to a resident at a station (the details of a ``serve`` action).

    `voided_at` mirrors the action's void, so that the database itself refuses the same service
    to the same person twice on one day (two stations' devices racing included).
    """

    __tablename__ = "health_service_given"
    __table_args__ = (
        sa.Index(
            "uq_health_service_given_live",
            "registration_id",
            "service_id",
            "local_day",
            unique=True,
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        ),
    )

    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), primary_key=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id"), index=True)
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id"), index=True)
    registration_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("registration.id"), index=True)
    service_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("health_service.id"), index=True)
    local_day: so.Mapped[dt.date]
    #: Referred on (转诊) to a hospital or a specialist.
    referral: so.Mapped[bool] = so.mapped_column(default=False)
    #: The provider's short note; health data, read only by the day's health staff and organizers.
    note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    voided_at: so.Mapped[dt.datetime | None]

    service: so.Mapped[Service] = so.relationship()


class QueueTicket(Base):
    """A resident's number in a station's queue on a day: waiting until called."""

    __tablename__ = "health_queue_ticket"
    __table_args__ = (
        sa.UniqueConstraint("booth_id", "local_day", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        # One waiting number per resident, station and day: scanning again shows the same number.
        sa.Index(
            "uq_health_queue_ticket_waiting",
            "booth_id",
            "registration_id",
            "local_day",
            unique=True,
            sqlite_where=sa.text("called_at IS NULL"),
            postgresql_where=sa.text("called_at IS NULL"),
        ),
    )

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id"), index=True)
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id"), index=True)
    registration_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("registration.id"), index=True)
    local_day: so.Mapped[dt.date]
    number: so.Mapped[int]
    joined_at: so.Mapped[dt.datetime]
    called_at: so.Mapped[dt.datetime | None]
