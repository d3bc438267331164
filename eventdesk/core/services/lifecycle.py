"""Taking back what was set up by mistake: events, activities, booths, sites, districts and
departments are deleted while nothing refers to them, and archived otherwise.

An archived object is hidden from lists and forms and kept in reports: the facts recorded
against it stay true. Both are written to the audit log.
"""

import sqlalchemy as sa

from eventdesk.core import audit
from eventdesk.core.models import Activity, Base, Booth, Department, District, Event, Site, User, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: What can be taken back, by the name pages and the audit log use.
ARCHIVABLE: dict[str, type[Base]] = {
    "event": Event,
    "activity": Activity,
    "booth": Booth,
    "site": Site,
    "district": District,
    "department": Department,
}
#: Rows that only link an object to another and go with it (an activity's cooperating departments).
_LINKS = frozenset({"activity_cooperator"})


def _referring_columns(obj: Base):
    """(table, column) for every column of the schema that refers to `obj`'s table."""
    target = obj.__table__
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table is target and key.column.primary_key:
                yield table, key.parent


def references(obj: Base) -> int:
    """How many rows of other tables refer to `obj` (links excepted), the activity kinds' included."""
    return sum(
        db.session.scalar(sa.select(sa.func.count()).select_from(table).where(column == obj.id))
        for table, column in _referring_columns(obj)
        if table.name not in _LINKS
    )


def delete(obj: Base, *, actor: User | None = None) -> None:
    """Delete something made by mistake.

    :raises ServiceError: ``in_use`` (409) when anything refers to it: archive it instead.
    """
    if references(obj):
        raise ServiceError("in_use", status=409)
    audit.record(f"{obj.__tablename__}.deleted", obj, user=actor, name=obj.name)
    db.session.flush()
    for table, column in _referring_columns(obj):
        db.session.execute(sa.delete(table).where(column == obj.id))
    db.session.execute(sa.delete(type(obj)).where(type(obj).id == obj.id))
    db.session.expunge(obj)


def archive(obj: Base, *, actor: User | None = None) -> None:
    """Hide it from lists and forms; reports keep it."""
    if obj.archived_at is None:
        obj.archived_at = utcnow()
        audit.record(f"{obj.__tablename__}.archived", obj, user=actor)


def restore(obj: Base, *, actor: User | None = None) -> None:
    """Bring an archived object back into lists and forms."""
    if obj.archived_at is not None:
        obj.archived_at = None
        audit.record(f"{obj.__tablename__}.restored", obj, user=actor)
