"""The event, its activities and the booths inside them."""

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models.base import (
    Archivable,
    Base,
    BilingualName,
    CreatedAt,
    in_reader_language,
    intpk,
    str20,
)
from eventdesk.core.models.places import Department, Site

activity_cooperator = sa.Table(
    "activity_cooperator",
    Base.metadata,
    sa.Column("activity_id", sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("department.id"), primary_key=True),
)


#: Long enough for follow-ups and the year-end report on the day.
DEFAULT_RETENTION_DAYS = 180


class Event(Archivable, BilingualName, Base):
    """The day or campaign (2026年扶贫日) that activities belong to."""

    __tablename__ = "event"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)

    id: so.Mapped[intpk]
    #: IANA time zone; days are bucketed and times shown in it.
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: First and last local day of the event.
    starts_on: so.Mapped[dt.date]
    ends_on: so.Mapped[dt.date]
    #: The demo event, which ``flask demo load`` may move and nothing else touches.
    is_demo: so.Mapped[bool] = so.mapped_column(default=False)
    #: The city the event is held in (铜川市), as its written reports name it; empty: "the city".
    city_name: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    #: Whom districts and departments send their written reports to (市脱贫攻坚办公室).
    report_addressee: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    #: How many days after its last day the personal data of its people is kept (PIPL: no
    #: longer than needed); then the organizers' home page reminds them to anonymise it.
    retention_days: so.Mapped[int] = so.mapped_column(default=DEFAULT_RETENTION_DAYS)
    created_at: so.Mapped[CreatedAt]

    activities: so.WriteOnlyMapped["Activity"] = so.relationship(back_populates="event")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_day(self, moment: dt.datetime) -> dt.date:
        """The event's local day that `moment` belongs to."""
        return moment.astimezone(self.zone).date()


class Activity(Archivable, BilingualName, Base):
    """One kind of activity at one site on one day: the unit of check-in and counting."""

    __tablename__ = "activity"
    __table_args__ = (
        sa.CheckConstraint("closes_at > opens_at", name="hours_ordered"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("desk_places >= 0", name="desk_places_not_negative"),
    )

    id: so.Mapped[intpk]
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event.id"), index=True)
    #: The activity kind's name (``consultation``, ``jobfair``, ``health``, ``handover``).
    kind: so.Mapped[str20]
    site_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("site.id"), index=True)
    #: The department that leads (牵头) the activity and reports it.
    lead_department_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("department.id"), index=True)
    #: Opening hours, as points in time; the activity's day is the local day it opens.
    opens_at: so.Mapped[dt.datetime]
    closes_at: so.Mapped[dt.datetime]
    #: Most registrations accepted; empty means no limit.
    capacity: so.Mapped[int | None]
    #: Places of `capacity` the public cannot take by registering themselves: kept for the desk
    #: (staff registering people who came in person), so that a flood of invented registrations
    #: cannot shut out those who come.
    desk_places: so.Mapped[int] = so.mapped_column(default=0)
    #: Whether the public may register themselves (staff can always register people).
    registration_open: so.Mapped[bool] = so.mapped_column(default=False)
    #: What visitors are told about the activity.
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The same in English, for English readers; empty: they read the Chinese one.
    description_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[CreatedAt]

    event: so.Mapped[Event] = so.relationship(back_populates="activities")
    site: so.Mapped[Site] = so.relationship()
    lead_department: so.Mapped[Department] = so.relationship()
    #: Cooperating (配合) departments.
    cooperators: so.Mapped[list[Department]] = so.relationship(
        secondary=activity_cooperator, order_by=Department.sort_order
    )
    booths: so.Mapped[list["Booth"]] = so.relationship(
        back_populates="activity", order_by="Booth.sort_order, Booth.id"
    )

    @property
    def day(self) -> dt.date:
        """The local day the activity is held (the day its counts are tallied for)."""
        return self.event.local_day(self.opens_at)

    @property
    def description_for_reader(self) -> str:
        return in_reader_language(self.description, self.description_en)

    def is_open_at(self, moment: dt.datetime) -> bool:
        return self.opens_at <= moment < self.closes_at


class Booth(Archivable, BilingualName, Base):
    """A desk inside an activity: a department's table, an employer's stand, a service station."""

    __tablename__ = "booth"
    __table_args__ = (sa.UniqueConstraint("activity_id", "name"),)

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    #: The department staffing the booth, if any (an employer's stand has none).
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("department.id"))
    #: Order on the scanner and in reports.
    sort_order: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[CreatedAt]

    activity: so.Mapped[Activity] = so.relationship(back_populates="booths")
    department: so.Mapped[Department | None] = so.relationship()
