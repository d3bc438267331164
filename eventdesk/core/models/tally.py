"""The daily tally: running sums of every metric, per local day, activity and booth."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models.base import Base

#: `TallyCount.booth_id` of figures that belong to the activity as a whole (its entrance).
WHOLE_ACTIVITY = 0


class TallyCount(Base):
    """A share of one metric's value for one day, activity and booth.

    Every service that changes a count adds to these rows in the same transaction as its
    fact. A figure is the sum over `shard`: concurrent writers on PostgreSQL add to
    different shards so they do not queue on one row. `flask tally rebuild` recomputes
    the rows from the facts.
    """

    __tablename__ = "tally_count"

    local_day: so.Mapped[dt.date] = so.mapped_column(primary_key=True)
    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    #: The booth, or `WHOLE_ACTIVITY`; not a foreign key, because of that zero.
    booth_id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Metric name: a core count (``checked_in``, ``walk_ins`` …) or one an activity kind feeds.
    metric: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    shard: so.Mapped[int] = so.mapped_column(sa.SmallInteger, primary_key=True)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)

    __table_args__ = (sa.Index("ix_tally_count_activity_id", "activity_id"),)


class ArrivalCount(Base):
    """People arriving at an activity per 15-minute slot: first check-ins and entrance walk-ins.

    Fed with the tally, so the dashboard's arrivals chart costs the same at a thousand
    scans as at a million. Summed over `shard` like `TallyCount`.
    """

    __tablename__ = "arrival_count"

    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    #: Start of the 15-minute slot (UTC; slots line up with local quarter hours).
    slot_start: so.Mapped[dt.datetime] = so.mapped_column(primary_key=True)
    shard: so.Mapped[int] = so.mapped_column(sa.SmallInteger, primary_key=True)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
