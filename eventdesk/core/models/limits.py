"""Rate-limit counters kept in the database when there is no Redis, so that every worker and host
counts together; codes texted to prove a phone."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models.base import Base


class RateLimitCounter(Base):
    """How many requests one key made in one fixed window.

    The key is a digest of the limit and of who is counted (a phone number, an e-mail, an
    address): the table holds no personal data.
    """

    __tablename__ = "rate_limit_counter"

    key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    #: The window's number: seconds since the epoch divided by the window's length.
    window: so.Mapped[int] = so.mapped_column(sa.BigInteger, primary_key=True)
    count: so.Mapped[int]
    #: When the window ends (seconds since the epoch), for clearing old counters.
    expires_at: so.Mapped[int] = so.mapped_column(sa.BigInteger, index=True)


class PhoneVerification(Base):
    """The code last texted to a phone for proving it at registration (digests only)."""

    __tablename__ = "phone_verification"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    phone_digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    code_digest: so.Mapped[str] = so.mapped_column(sa.String(64))
    expires_at: so.Mapped[dt.datetime]
    attempts: so.Mapped[int] = so.mapped_column(default=0)
