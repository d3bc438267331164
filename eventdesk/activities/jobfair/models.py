"""The job fair's own facts: employers (each with one stand), their postings, and the
applications and outcomes recorded at the stands (details of the core's actions)."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.activities.jobfair.vocabulary import EDUCATION, EMPLOYER_KINDS, STATUSES, values
from eventdesk.core.models import Activity, Booth
from eventdesk.core.models.base import Base, CreatedAt, intpk, str20, str50, str100


def _one_of(column: str, choices) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values(choices))})"


class Employer(Base):
    """An employer at a job fair, with its contact and its one stand (a booth of the activity)."""

    __tablename__ = "jobfair_employer"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "name"),
        sa.UniqueConstraint("activity_id", "stand_number"),
        sa.CheckConstraint(_one_of("kind", EMPLOYER_KINDS), name="kind_known"),
    )

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    #: The employer's stand: one booth, one employer.
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"), unique=True)
    name: so.Mapped[str100]
    #: One of `EMPLOYER_KINDS` (党政机关, 事业单位 …).
    kind: so.Mapped[str20]
    contact_name: so.Mapped[str50]
    #: A mobile number, or a landline with its area code.
    contact_phone: so.Mapped[str20]
    #: The stand's number on the floor plan (展位号), when there is one.
    stand_number: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    created_at: so.Mapped[CreatedAt]

    activity: so.Mapped[Activity] = so.relationship()
    booth: so.Mapped[Booth] = so.relationship()
    postings: so.Mapped[list["Posting"]] = so.relationship(
        back_populates="employer", order_by="Posting.id", cascade="all, delete-orphan"
    )


class Posting(Base):
    """A job an employer offers: how many people it takes, and how many it has hired.

    `hired` counts the applications that reached "hired" and are not undone; it only moves
    by a conditional UPDATE, so two stands' devices can never hire past `positions`.
    """

    __tablename__ = "jobfair_posting"
    __table_args__ = (
        sa.UniqueConstraint("employer_id", "title"),
        sa.CheckConstraint("positions >= 1", name="positions_positive"),
        sa.CheckConstraint("hired >= 0 AND hired <= positions", name="hires_within_positions"),
        sa.CheckConstraint("pay_min IS NULL OR pay_max IS NULL OR pay_min <= pay_max", name="pay_ordered"),
        sa.CheckConstraint(f"education IS NULL OR {_one_of('education', EDUCATION)}", name="education_known"),
    )

    id: so.Mapped[intpk]
    employer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("jobfair_employer.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str100]
    positions: so.Mapped[int]
    #: A public-welfare post (公益性岗位), counted on its own.
    public_welfare: so.Mapped[bool] = so.mapped_column(default=False)
    #: Monthly pay in yuan; either may be left open (面议).
    pay_min: so.Mapped[int | None]
    pay_max: so.Mapped[int | None]
    #: The least education asked for (one of `EDUCATION`); empty: any.
    education: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    workplace: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    requirements: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    hired: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[CreatedAt]

    employer: so.Mapped[Employer] = so.relationship(back_populates="postings")

    @property
    def remaining(self) -> int:
        return self.positions - self.hired


class Application(Base):
    """A seeker applied for a posting at its employer's stand (the details of an ``apply`` action).

    `voided_at` mirrors the action's void, so that the database itself refuses a second live
    application for the same posting (two devices racing included).
    """

    __tablename__ = "jobfair_application"
    __table_args__ = (
        sa.Index(
            "uq_jobfair_application_live",
            "registration_id",
            "posting_id",
            unique=True,
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        ),
    )

    id: so.Mapped[intpk]
    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), unique=True)
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id"), index=True)
    booth_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("booth.id"), index=True)
    posting_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("jobfair_posting.id"), index=True)
    registration_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("registration.id"), index=True)
    voided_at: so.Mapped[dt.datetime | None]

    posting: so.Mapped[Posting] = so.relationship()


class Outcome(Base):
    """What came of an application, as its stand marked it (the details of an ``outcome`` action)."""

    __tablename__ = "jobfair_outcome"
    __table_args__ = (sa.CheckConstraint(_one_of("status", STATUSES), name="status_known"),)

    action_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("action.id"), primary_key=True)
    application_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("jobfair_application.id"), index=True)
    #: One of `STATUSES`.
    status: so.Mapped[str20]
