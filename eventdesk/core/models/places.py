"""Where activities happen and who runs them: districts, sites and departments."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.core.models.base import Archivable, Base, BilingualName, in_reader_language, intpk, str20


class District(Archivable, BilingualName, Base):
    """A district, county or new-area management committee (区县, 新区管委会); districts report too."""

    __tablename__ = "district"

    id: so.Mapped[intpk]
    #: Short stable code used by the command line and imports, e.g. ``xinqu``.
    code: so.Mapped[str20] = so.mapped_column(unique=True)
    #: Order in lists and reports.
    sort_order: so.Mapped[int] = so.mapped_column(default=0)

    sites: so.Mapped[list["Site"]] = so.relationship(back_populates="district")


class Site(Archivable, BilingualName, Base):
    """A place: a square, a venue, a village clinic, a resettlement estate."""

    __tablename__ = "site"
    __table_args__ = (sa.UniqueConstraint("district_id", "name"),)

    id: so.Mapped[intpk]
    district_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("district.id"), index=True)
    #: Street address or directions for visitors.
    address: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    #: The same in English, for English readers; empty: they read the Chinese one.
    address_en: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    district: so.Mapped[District] = so.relationship(back_populates="sites")

    @property
    def address_for_reader(self) -> str | None:
        return in_reader_language(self.address, self.address_en)


class Department(Archivable, BilingualName, Base):
    """A government department (市人社局 …): leads or cooperates in activities, staffs booths."""

    __tablename__ = "department"

    id: so.Mapped[intpk]
    #: Short stable code used by the command line and imports, e.g. ``hrss``.
    code: so.Mapped[str20] = so.mapped_column(unique=True)
    #: Order in lists and reports.
    sort_order: so.Mapped[int] = so.mapped_column(default=0)
