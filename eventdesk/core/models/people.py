"""People and their registrations (tickets) at activities."""

import datetime as dt
import enum

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models.base import Base, CreatedAt, intpk, str20, str50
from eventdesk.core.models.events import Activity


class PersonCategory(enum.StrEnum):
    """Who a person is for the purposes of the day's reporting."""

    general = "general"
    registered_poor = "registered_poor"
    low_income = "low_income"
    employment_difficulty = "employment_difficulty"
    disabled = "disabled"


class RegistrationSource(enum.StrEnum):
    """How a registration came about."""

    self_service = "self"
    staff = "staff"
    imported = "import"


class Person(Base):
    """A resident, job seeker or household member, known by name and mobile number."""

    __tablename__ = "person"
    # Family members may share one phone, so a person is a name at a number.
    __table_args__ = (
        sa.UniqueConstraint("phone", "name"),
        sa.CheckConstraint("length(phone) = 11", name="phone_length"),
        sa.CheckConstraint(
            "id_number_masked IS NULL OR length(id_number_masked) = 18", name="id_number_masked_length"
        ),
    )

    id: so.Mapped[intpk]
    #: Name as written, whitespace-normalised.
    name: so.Mapped[str50]
    #: Mainland mobile number, 11 digits, no country code.
    phone: so.Mapped[str] = so.mapped_column(sa.String(11))
    #: Resident ID number (GB 11643, check digit verified, only given with consent), never kept in
    #: full: its masked form (``1101**********1234``) to show and to find by its last characters …
    id_number_masked: so.Mapped[str | None] = so.mapped_column(sa.String(18))
    #: … and its keyed digest (`identity.id_number_digest`) to recognise it when given again.
    id_number_digest: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    #: Village or township the person lives in.
    village: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    #: One of `PersonCategory`.
    category: so.Mapped[str] = so.mapped_column(sa.String(30), default=PersonCategory.general)
    created_at: so.Mapped[CreatedAt]
    #: When name, phone and ID number were replaced (their retention ended, or the person asked):
    #: the person still counts, but is nobody in particular.
    anonymised_at: so.Mapped[dt.datetime | None]


class Registration(Base):
    """A person at an activity, with the ticket that admits them.

    `inside` and `checked_in_at` are state derived from scans; only the scan service writes them.
    """

    __tablename__ = "registration"
    __table_args__ = (
        sa.UniqueConstraint("activity_id", "person_id"),
        sa.CheckConstraint("source IN ('self', 'staff', 'import')", name="source_known"),
    )

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("activity.id"), index=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("person.id"), index=True)
    #: The secret in the QR code (at least 96 random bits, URL-safe).
    token: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    #: A short code to read aloud or type when a QR code will not scan.
    ticket_code: so.Mapped[str20] = so.mapped_column(unique=True)
    #: One of `RegistrationSource`.
    source: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: The activity kind's own answers (skills, education, household …).
    fields: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: When the person agreed to the stated purpose of the data.
    consent_at: so.Mapped[dt.datetime | None]
    created_at: so.Mapped[CreatedAt]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    #: Set when the ticket no longer admits anyone; scans of it are rejected as ``revoked``.
    revoked_at: so.Mapped[dt.datetime | None]
    #: Whether the holder is inside the activity's entrance now.
    inside: so.Mapped[bool] = so.mapped_column(default=False)
    #: Counted time of the first accepted scan (entrance or booth); empty before check-in.
    checked_in_at: so.Mapped[dt.datetime | None]
    #: Registered with an ID number other than the one on record for this name and phone: staff
    #: check the holder's papers at the desk.
    identity_conflict: so.Mapped[bool] = so.mapped_column(default=False)
    #: The activity kind's metrics this registration adds to when its holder is checked in
    #: (``poor_labourers_present``), space-separated; set from its fields at registration.
    present_metrics: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    activity: so.Mapped[Activity] = so.relationship()
    person: so.Mapped[Person] = so.relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DeletionRequest(Base):
    """A ticket holder's request that their personal data be deleted, and who carried it out."""

    __tablename__ = "deletion_request"

    id: so.Mapped[intpk]
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("person.id"), index=True)
    #: The ticket whose page the request was made from: the activity whose organizers carry it out.
    registration_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("registration.id"), index=True)
    requested_at: so.Mapped[CreatedAt]
    carried_out_at: so.Mapped[dt.datetime | None]
    carried_out_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))

    registration: so.Mapped[Registration] = so.relationship()
