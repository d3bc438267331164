"""Staff accounts, what they may reach, and the credentials devices and scripts use."""

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from eventdesk.core.models.base import Base, CreatedAt, intpk, str100, utcnow

if TYPE_CHECKING:
    from eventdesk.core.models.events import Activity, Booth


class Role(enum.StrEnum):
    """What a staff account may do, before its scopes narrow it down.

    - admin: everything, including staff accounts.
    - organizer: sets up and watches events; with scopes, only their district or department.
    - staff: works at the activities and booths of their scopes (register, check in, scan).
    """

    admin = "admin"
    organizer = "organizer"
    staff = "staff"


class User(UserMixin, Base):
    """A staff member who logs in: organizer, department staff, booth staff."""

    __tablename__ = "staff_user"
    __table_args__ = (sa.CheckConstraint("role IN ('admin', 'organizer', 'staff')", name="role_known"),)

    id: so.Mapped[intpk]
    #: Login name; stored lower-case.
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    #: Name shown to colleagues and in the audit log.
    name: so.Mapped[str100]
    #: Salted, slow hash (werkzeug's scrypt).
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    #: One of `Role`.
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: Preferred language (``zh_Hans`` or ``en``); empty follows the browser.
    locale: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    #: A deactivated account cannot log in and its tokens stop working.
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[CreatedAt]
    last_login_at: so.Mapped[dt.datetime | None]
    #: Raised when the account signs out, gets a new password, or has its role, scopes or
    #: activity changed: sessions and remember-me cookies of an earlier generation stop working.
    session_generation: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    scopes: so.Mapped[list["UserScope"]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What the session and the remember-me cookie keep: the account and its generation."""
        return f"{self.id}.{self.session_generation}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class UserScope(Base):
    """One thing a staff account is limited to: a district, a department, an activity or a booth.

    An account with no scope is city-wide (organizers) or reaches nothing (staff).
    """

    __tablename__ = "user_scope"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN district_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN department_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN activity_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN booth_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_target",
        ),
    )

    id: so.Mapped[intpk]
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    district_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("district.id"))
    department_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("department.id"))
    activity_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    booth_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"))

    user: so.Mapped[User] = so.relationship(back_populates="scopes")


class ApiToken(Base):
    """A staff member's personal bearer token for the JSON API (``flask users token``)."""

    __tablename__ = "api_token"

    id: so.Mapped[intpk]
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[CreatedAt]
    expires_at: so.Mapped[dt.datetime]
    revoked_at: so.Mapped[dt.datetime | None]

    user: so.Mapped[User] = so.relationship()


class ScannerCredential(Base):
    """What one volunteer's device scans with: one activity, optionally one booth, until it expires.

    The enrolment code (in the QR shown to the volunteer) is exchanged once for the bearer
    token, so a photographed poster is useless afterwards. Both are stored hashed.
    """

    __tablename__ = "scanner_credential"

    id: so.Mapped[intpk]
    activity_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    #: The booth this device scans for; empty scans at the entrance (or any booth it names).
    booth_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"))
    #: Who holds the device, e.g. the volunteer's name; recorded with every scan.
    label: so.Mapped[str100]
    #: SHA-256 of the current bearer token.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    #: SHA-256 of the one-time enrolment code; emptied once it has been used.
    enrol_code_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    enrolled_at: so.Mapped[dt.datetime | None]
    expires_at: so.Mapped[dt.datetime]
    #: A revoked credential stops at once, even for scans made before.
    revoked_at: so.Mapped[dt.datetime | None]
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("staff_user.id"))
    created_at: so.Mapped[CreatedAt]

    activity: so.Mapped["Activity"] = so.relationship()
    booth: so.Mapped["Booth | None"] = so.relationship()

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or utcnow()) >= self.expires_at
