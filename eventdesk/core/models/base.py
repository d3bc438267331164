"""The declarative base, the naming convention and the column types every model shares."""

import datetime as dt
from typing import Annotated

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so that Alembic can find and change them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A point in time, always stored in UTC and always read back time-zone aware.

    PostgreSQL keeps it as `timestamptz`; SQLite has no time zones, so the UTC wall
    time is stored and UTC is attached again on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.DateTime())
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


intpk = Annotated[int, so.mapped_column(primary_key=True)]
CreatedAt = Annotated[dt.datetime, so.mapped_column(UTCDateTime, default=utcnow)]
str20 = Annotated[str, so.mapped_column(sa.String(20))]
str50 = Annotated[str, so.mapped_column(sa.String(50))]
str100 = Annotated[str, so.mapped_column(sa.String(100))]
str200 = Annotated[str, so.mapped_column(sa.String(200))]


class Base(so.DeclarativeBase):
    registry = so.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime},
    )


class Archivable:
    """Something made by mistake or no longer used, hidden from lists and forms but kept in reports.

    Set up objects that other records refer to are archived rather than deleted.
    """

    #: When it was archived; empty while it is in use.
    archived_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


def in_reader_language(chinese: str | None, english: str | None) -> str | None:
    """The English text to English readers when there is one; the Chinese text otherwise."""
    from flask_babel import get_locale

    locale = get_locale()
    if english and locale is not None and locale.language == "en":
        return english
    return chinese


class BilingualName:
    """A Chinese name, an optional English one, and the one to show in the current language."""

    #: The official (Chinese) name.
    name: so.Mapped[str100]
    #: The English name, shown to English readers when set.
    name_en: so.Mapped[str | None] = so.mapped_column(sa.String(100))

    @property
    def label(self) -> str:
        return in_reader_language(self.name, self.name_en)

    def __str__(self) -> str:
        return self.label
