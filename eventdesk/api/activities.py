"""Activities, their booths, their counts, and looking up a ticket by name or phone tail."""

import sqlalchemy as sa
from flask import jsonify, request

from eventdesk import ratelimit
from eventdesk.api import bp
from eventdesk.api.auth import Principal, authenticate
from eventdesk.api.common import language, rfc3339
from eventdesk.core.access import activity_clause
from eventdesk.core.calendar import current_event
from eventdesk.core.identity import mask_name, mask_phone
from eventdesk.core.models import Activity, Person, Registration
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.counts import activity_counts
from eventdesk.core.search import SEARCH_MAX_LENGTH, registration_matches, search_text
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.reports.days import requested_event_id

LOOKUP_LIMIT = 20


def _caller() -> Principal:
    return authenticate(borrowed_connection())


def activity_json(activity: Activity) -> dict:
    timezone = activity.event.timezone
    return {
        "id": activity.id,
        "kind": activity.kind,
        "name": activity.label,
        "site": activity.site.label,
        "district": activity.site.district.label,
        "opens_at": rfc3339(activity.opens_at, timezone),
        "closes_at": rfc3339(activity.closes_at, timezone),
        "registration_open": activity.registration_open,
    }


@bp.get("/activities")
def list_activities():
    """The current event's activities the calling staff member may see."""
    user = _caller().require_staff()
    event_id = requested_event_id()
    event = current_event(event_id)
    if event is None:
        if event_id is not None:
            raise ServiceError("not_found", status=404)
        return jsonify([])
    activities = db.session.scalars(
        sa.select(Activity)
        .where(Activity.event_id == event.id, activity_clause(user), Activity.archived_at.is_(None))
        .order_by(Activity.opens_at, Activity.id)
    ).all()
    return jsonify([activity_json(a) for a in activities])


@bp.get("/activities/<int:activity_id>")
def get_activity(activity_id: int):
    """One activity."""
    return jsonify(activity_json(_caller().activity_for(activity_id)))


@bp.get("/activities/<int:activity_id>/booths")
def list_booths(activity_id: int):
    """The booths of an activity."""
    activity = _caller().activity_for(activity_id)
    return jsonify(
        [
            {"id": b.id, "name": b.label, "department": b.department.label if b.department else None}
            for b in activity.booths
        ]
    )


@bp.get("/activities/<int:activity_id>/counts")
def get_counts(activity_id: int):
    """The activity's live counts."""
    activity = _caller().activity_for(activity_id)
    return jsonify(activity_counts(borrowed_connection(), activity.id, activity.kind, language=language()))


@bp.get("/activities/<int:activity_id>/lookup")
# Far more than a volunteer types, far fewer than trying every name and phone tail.
@ratelimit.limit("120/minute", key=ratelimit.credential_key, methods=("GET",))
def lookup(activity_id: int):
    """Find a ticket by name, the last four digits of the phone, or the ticket code; masked results."""
    activity = _caller().activity_for(activity_id)
    raw = request.args.get("q") or ""
    query = search_text(raw)
    if not query or len(raw) > SEARCH_MAX_LENGTH:
        raise ServiceError("invalid_field", field="q")
    rows = db.session.execute(
        sa.select(Registration, Person)
        .join(Person)
        .where(Registration.activity_id == activity.id, registration_matches(query))
        .order_by(Person.name, Registration.id)
        .limit(LOOKUP_LIMIT)
    ).all()
    return jsonify(
        {
            "results": [
                {
                    "registration_id": registration.id,
                    "name_masked": mask_name(person.name),
                    "phone_masked": mask_phone(person.phone),
                    "category": person.category,
                    "checked_in": registration.checked_in_at is not None,
                    "inside": registration.inside,
                    "revoked": registration.revoked_at is not None,
                }
                for registration, person in rows
            ]
        }
    )
