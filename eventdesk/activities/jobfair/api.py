"""``GET /api/v1/activities/{id}/postings`` (API.md): a job fair's postings with the positions left,
for anyone (no personal data), and its OpenAPI description."""

from flask import Blueprint, jsonify

from eventdesk.activities.jobfair import queries
from eventdesk.activities.jobfair.vocabulary import EDUCATION, KIND_NAME, values
from eventdesk.api.openapi import ACTIVITY_ID, ID, error_content, json_content, ref
from eventdesk.core.models import Activity
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

bp = Blueprint("jobfair_api", __name__, url_prefix="/api/v1")

#: Positions left change slowly; a phone or a proxy may keep the list this long.
MAX_AGE = 30


def describe(posting) -> dict:
    employer = posting.employer
    return {
        "id": posting.id,
        "employer": employer.name,
        "booth_id": employer.booth_id,
        "title": posting.title,
        "positions": posting.positions,
        "remaining": posting.remaining,
        "public_welfare": posting.public_welfare,
        "pay_min": posting.pay_min,
        "pay_max": posting.pay_max,
        "education": posting.education,
        "workplace": posting.workplace,
    }


@bp.get("/activities/<int:activity_id>/postings")
def postings(activity_id: int):
    """A job fair's postings, by employer in the order of their stands."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.kind != KIND_NAME:
        raise ServiceError("not_found", status=404)
    response = jsonify({"postings": [describe(posting) for posting in queries.postings_of(activity)]})
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


_NULLABLE_AMOUNT = {"type": ["integer", "null"], "minimum": 0}
OPENAPI_SCHEMAS = {
    "JobfairPostings": {
        "type": "object",
        "required": ["postings"],
        "additionalProperties": False,
        "properties": {"postings": {"type": "array", "items": ref("JobfairPosting")}},
    },
    "JobfairPosting": {
        "type": "object",
        "required": [
            "id",
            "employer",
            "booth_id",
            "title",
            "positions",
            "remaining",
            "public_welfare",
            "pay_min",
            "pay_max",
            "education",
            "workplace",
        ],
        "additionalProperties": False,
        "properties": {
            "id": ID,
            "employer": {"type": "string"},
            "booth_id": {**ID, "description": "the employer's stand"},
            "title": {"type": "string"},
            "positions": {"type": "integer", "minimum": 1},
            "remaining": {
                "type": "integer",
                "minimum": 0,
                "description": "positions not yet filled by a hire",
            },
            "public_welfare": {"type": "boolean", "description": "a public-welfare post (公益性岗位)"},
            "pay_min": {**_NULLABLE_AMOUNT, "description": "monthly pay in yuan; null: open"},
            "pay_max": {**_NULLABLE_AMOUNT, "description": "monthly pay in yuan; null: open"},
            "education": {
                "enum": [*values(EDUCATION), None],
                "description": "the least education asked for; null: any",
            },
            "workplace": {"type": ["string", "null"]},
        },
    },
}
OPENAPI_PATHS = {
    "/activities/{activity_id}/postings": {
        "get": {
            "summary": "A job fair's postings with the positions left (public, no personal data)",
            "parameters": [ACTIVITY_ID],
            "security": [],
            "responses": {
                "200": json_content(ref("JobfairPostings"), "the postings, by employer"),
                "404": error_content("not_found: no such activity, or not a job fair"),
            },
        }
    }
}
