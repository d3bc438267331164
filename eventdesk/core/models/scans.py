"""Scans: append-only facts of every check-in attempt, walk-in and correction."""

import datetime as dt
import enum

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models.base import Base, intpk, str100


class ScanKind(enum.StrEnum):
    ticket = "ticket"  #: a ticket presented (QR, code, manual search, paper list)
    walkin = "walkin"  #: people counted without a ticket
    void = "void"  #: a correction that cancels an earlier accepted scan


class ScanResult(enum.StrEnum):
    accepted = "accepted"
    duplicate = "duplicate"
    rejected = "rejected"


class Direction(enum.StrEnum):
    entry = "in"
    exit = "out"


class Scan(Base):
    """One check-in attempt as it was judged; never updated, never deleted.

    Counts and the daily tally are sums over these rows (`flask tally rebuild`).
    """

    __tablename__ = "scan"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('ticket', 'walkin', 'void')", name="kind_known"),
        sa.CheckConstraint("result IN ('accepted', 'duplicate', 'rejected')", name="result_known"),
        sa.CheckConstraint("direction IS NULL OR direction IN ('in', 'out')", name="direction_known"),
        sa.CheckConstraint("headcount >= 1", name="headcount_positive"),
        sa.Index("ix_scan_activity_id_local_day", "activity_id", "local_day"),
        # When and where a ticket was first accepted (what a duplicate's answer tells) is found
        # among its few accepted scans, however many duplicates it piled up. Partial, so that
        # duplicates and rejections, the scans a storm repeats, write no page of it.
        sa.Index(
            "ix_scan_accepted_ticket",
            "registration_id",
            "booth_id",
            "local_day",
            sqlite_where=sa.text("kind = 'ticket' AND result = 'accepted'"),
            postgresql_where=sa.text("kind = 'ticket' AND result = 'accepted'"),
        ),
        # At most one correction per scan. Partial, because nearly every scan corrects nothing:
        # an index of those NULLs would only cost every check-in a page write.
        sa.Index(
            "uq_scan_voids_scan_id",
            "voids_scan_id",
            unique=True,
            sqlite_where=sa.text("voids_scan_id IS NOT NULL"),
            postgresql_where=sa.text("voids_scan_id IS NOT NULL"),
        ),
    )

    id: so.Mapped[intpk]
    #: Made by the device (a UUID); a replay with the same id is answered, not stored again.
    client_scan_id: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: Digest of what was asked (ticket, booth, direction, time, count); tells a replay
    #: from a reused id.
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(32))
    #: One of `ScanKind`.
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id"))
    #: The booth scanned at; empty at the activity's entrance.
    booth_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("booth.id"))
    #: The ticket, when one was recognised.
    registration_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("registration.id"), index=True)
    #: ``in`` or ``out`` at the entrance; empty at booths and for walk-ins.
    direction: so.Mapped[str | None] = so.mapped_column(sa.String(3))
    #: People counted: 1 for a ticket, the tapped number for walk-ins.
    headcount: so.Mapped[int] = so.mapped_column(default=1)
    #: One of `ScanResult`, and for anything not accepted, the reason code.
    result: so.Mapped[str] = so.mapped_column(sa.String(10))
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    #: The scanner credential (device) or the staff member who made the scan.
    credential_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("scanner_credential.id"))
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    #: The device's or staff member's label at the time, kept for the "first seen by" answer.
    device: so.Mapped[str100]
    #: How the scan reached the server: ``scanner``, ``batch``, ``manual``, ``paper``.
    channel: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: The time the device said it scanned, when it sent one.
    scanned_at: so.Mapped[dt.datetime | None]
    #: When the server received it.
    received_at: so.Mapped[dt.datetime]
    #: The time the scan counts at: `scanned_at` when plausible, else `received_at`.
    counted_at: so.Mapped[dt.datetime]
    #: The event's local day of `counted_at`: the day this scan is tallied for.
    local_day: so.Mapped[dt.date]
    #: For a correction, the accepted scan it cancels (at most one correction each).
    voids_scan_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("scan.id"))


class BoothVisit(Base):
    """A ticket's accepted visit at a booth on a day: its primary key makes a second one a duplicate.

    Derived state, written by the scan service in the same transaction as the scan.
    """

    __tablename__ = "booth_visit"

    registration_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("registration.id"), primary_key=True)
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id"), primary_key=True)
    local_day: so.Mapped[dt.date] = so.mapped_column(primary_key=True)
