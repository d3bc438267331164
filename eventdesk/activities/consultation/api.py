"""``GET /api/v1/activities/{id}/booths/{booth_id}/consultation``: what a booth's device keeps on
screen — today's consultations at the booth by topic, and its materials with what is left —
and its OpenAPI description."""

from flask import Blueprint, jsonify

from eventdesk.activities.consultation import materials, queries
from eventdesk.activities.consultation import tally as fair_tally
from eventdesk.activities.consultation.vocabulary import KIND_NAME, MATERIAL_KINDS, TOPICS, values
from eventdesk.api.auth import authenticate
from eventdesk.api.openapi import ACTIVITY_ID, ID, error_content, json_content, ref
from eventdesk.core.access import can_work_at
from eventdesk.core.models import Booth, utcnow
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

bp = Blueprint("consultation_api", __name__, url_prefix="/api/v1")


@bp.get("/activities/<int:activity_id>/booths/<int:booth_id>/consultation")
def booth_counter(activity_id: int, booth_id: int):
    """Today's consultations at the booth by topic, and its stock (staff and scanners working there)."""
    principal = authenticate(borrowed_connection())
    activity = principal.activity_for(activity_id)
    booth = db.session.get(Booth, booth_id)
    if activity.kind != KIND_NAME or booth is None or booth.activity_id != activity.id:
        raise ServiceError("not_found", status=404)
    bound = principal.scanner.booth_id
    if (bound is not None and bound != booth.id) or (
        principal.is_staff and not can_work_at(principal.user, activity, booth.id)
    ):
        raise ServiceError("forbidden", status=403)
    day = activity.event.local_day(utcnow())
    today = queries.today_at_booth(booth, day)
    stock = materials.materials_of(activity).get(booth.id, [])
    response = jsonify(
        {
            "booth_id": booth.id,
            "day": day.isoformat(),
            "consultations": today[fair_tally.CONSULTATIONS],
            "topics": {topic: today[fair_tally.topic_metric(topic)] for topic in values(TOPICS)},
            "follow_ups_opened": today[fair_tally.FOLLOW_UPS_OPENED],
            "materials": [
                {
                    "id": material.id,
                    "name": material.name,
                    "kind": material.kind,
                    "brought": material.brought,
                    "handed_out": material.handed_out,
                    "left": material.left,
                }
                for material in stock
            ],
        }
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


_COUNT = {"type": "integer", "minimum": 0}
OPENAPI_SCHEMAS = {
    "ConsultationBoothCounter": {
        "type": "object",
        "required": ["booth_id", "day", "consultations", "topics", "follow_ups_opened", "materials"],
        "additionalProperties": False,
        "properties": {
            "booth_id": ID,
            "day": {"type": "string", "format": "date", "description": "the activity's local day today"},
            "consultations": _COUNT,
            "topics": {
                "type": "object",
                "required": list(values(TOPICS)),
                "additionalProperties": False,
                "properties": {topic: _COUNT for topic in values(TOPICS)},
            },
            "follow_ups_opened": _COUNT,
            "materials": {"type": "array", "items": ref("ConsultationMaterial")},
        },
    },
    "ConsultationMaterial": {
        "type": "object",
        "required": ["id", "name", "kind", "brought", "handed_out", "left"],
        "additionalProperties": False,
        "properties": {
            "id": ID,
            "name": {"type": "string"},
            "kind": {"enum": list(values(MATERIAL_KINDS))},
            "brought": _COUNT,
            "handed_out": _COUNT,
            "left": _COUNT,
        },
    },
}
OPENAPI_PATHS = {
    "/activities/{activity_id}/booths/{booth_id}/consultation": {
        "get": {
            "summary": "Today's consultations at a booth by topic, and its materials with what is left",
            "parameters": [ACTIVITY_ID, {"name": "booth_id", "in": "path", "required": True, "schema": ID}],
            "responses": {
                "200": json_content(ref("ConsultationBoothCounter"), "the booth's counter and stock"),
                "401": error_content("unauthorized"),
                "403": error_content(
                    "forbidden: a device bound to another booth, or staff not working there"
                ),
                "404": error_content("not_found: no such activity or booth, or not a consultation fair"),
            },
        }
    }
}
