"""The health day's own endpoints (API.md's extensions): a resident's services (health staff and
organizers only), a station's queue (a number for a scanned resident, the next number called)
and its now-serving figures (public: numbers only)."""

from flask import Blueprint, jsonify

from eventdesk.activities.health import queries, queues
from eventdesk.activities.health.permissions import may_read_health, may_serve_at
from eventdesk.activities.health.vocabulary import KIND_NAME
from eventdesk.api.auth import Principal, authenticate
from eventdesk.api.common import json_object
from eventdesk.api.openapi import ACTIVITY_ID, BEARER, ID, UNAUTHORIZED, error_content, json_content, ref
from eventdesk.core.access import can_work_at
from eventdesk.core.models import Activity, Registration
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

bp = Blueprint("health_api", __name__, url_prefix="/api/v1")
STATION = "/activities/<int:activity_id>/health/stations/<int:booth_id>"


def _caller() -> Principal:
    return authenticate(borrowed_connection())


def _health_day(principal: Principal, activity_id: int) -> Activity:
    activity = principal.activity_for(activity_id)
    if activity.kind != KIND_NAME:
        raise ServiceError("not_found", status=404)
    return activity


def _rfc3339(moment, activity: Activity) -> str:
    return moment.astimezone(activity.event.zone).isoformat(timespec="seconds")


@bp.get("/activities/<int:activity_id>/health/residents/<int:registration_id>/services")
def resident_services(activity_id: int, registration_id: int):
    """What a resident received today and before: the day's health staff and organizers only."""
    principal = _caller()
    activity = _health_day(principal, activity_id)
    user = principal.require_staff()
    if not may_read_health(user, activity):
        raise ServiceError("forbidden", status=403)
    registration = queries.resident_of(activity, registration_id)
    if registration is None:
        raise ServiceError("not_found", status=404)
    rows = queries.services_of_resident(registration)
    return _private(
        jsonify(
            {
                "services": [
                    {
                        "action_id": row.action_id,
                        "service": row.service.code,
                        "label": row.service.label,
                        "station_id": row.station.id,
                        "given_at": _rfc3339(row.given_at, activity),
                        "referral": row.referral,
                        "note": row.note,
                    }
                    for row in rows
                ]
            }
        )
    )


def _ticket_of(activity: Activity, body: dict) -> Registration:
    registration_id = body.get("registration_id")
    if registration_id is not None:
        if isinstance(registration_id, bool) or not isinstance(registration_id, int):
            raise ServiceError("malformed", field="registration_id")
        return queries.checked_ticket(activity, queries.resident_of(activity, registration_id))
    presented = body.get("token", body.get("ticket_code"))
    if not isinstance(presented, str) or not presented.strip():
        raise ServiceError("invalid_field", status=422, field="token")
    return queries.presented_ticket(activity, presented)


def _station_for(principal: Principal, activity: Activity, booth_id: int):
    booth = queues.station_of(activity, booth_id)
    if principal.scanner.booth_id is not None and principal.scanner.booth_id != booth.id:
        raise ServiceError("wrong_booth", status=409)
    return booth


@bp.post(f"{STATION}/queue")
def join_queue(activity_id: int, booth_id: int):
    """A resident scanned at the station's queue: their number (the same one while they wait)."""
    body = json_object()
    principal = _caller()
    activity = _health_day(principal, activity_id)
    booth = _station_for(principal, activity, booth_id)
    if principal.is_staff and not can_work_at(principal.user, activity, booth.id):
        raise ServiceError("forbidden", status=403)
    registration = _ticket_of(activity, body)
    ticket, new = queues.join_queue(activity, booth, registration)
    db.session.commit()
    queue = queues.station_queue(activity, booth)
    answer = {"number": ticket.number, "ahead": queues.ahead_of(ticket), "waiting": queue.waiting}
    return jsonify(answer), 201 if new else 200


@bp.post(f"{STATION}/call-next")
def call_next(activity_id: int, booth_id: int):
    """Call the station's next number: its providers, the organizers, or the station's own scanner."""
    principal = _caller()
    activity = _health_day(principal, activity_id)
    booth = _station_for(principal, activity, booth_id)
    if principal.is_staff and not may_serve_at(principal.user, activity, booth):
        raise ServiceError("forbidden", status=403)
    if not principal.is_staff and principal.scanner.booth_id != booth.id:
        raise ServiceError("forbidden", status=403)
    ticket = queues.call_next(activity, booth)
    db.session.commit()
    return jsonify(now_serving_json(activity, booth) | {"called": ticket.number})


def now_serving_json(activity: Activity, booth) -> dict:
    queue = queues.station_queue(activity, booth)
    return {"serving": queue.serving, "next": queue.next_numbers, "waiting": queue.waiting}


@bp.get(f"{STATION}/now-serving")
def now_serving(activity_id: int, booth_id: int):
    """The station's current and next numbers, for its screen: no sign-in, numbers only."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.kind != KIND_NAME:
        raise ServiceError("not_found", status=404)
    try:
        booth = queues.station_of(activity, booth_id)
    except ServiceError:
        raise ServiceError("not_found", status=404) from None
    response = jsonify(now_serving_json(activity, booth))
    response.headers["Cache-Control"] = "no-store"
    return response


def _private(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


_STATION_PARAMETERS = [ACTIVITY_ID, {"name": "booth_id", "in": "path", "required": True, "schema": ID}]
_NUMBERS = {"type": "array", "items": {"type": "integer", "minimum": 1}}
OPENAPI_SCHEMAS = {
    "HealthServices": {
        "type": "object",
        "required": ["services"],
        "additionalProperties": False,
        "properties": {"services": {"type": "array", "items": ref("HealthServiceGiven")}},
    },
    "HealthServiceGiven": {
        "type": "object",
        "required": ["action_id", "service", "label", "station_id", "given_at", "referral", "note"],
        "additionalProperties": False,
        "properties": {
            "action_id": ID,
            "service": {"type": "string", "description": "the service's code"},
            "label": {"type": "string"},
            "station_id": ID,
            "given_at": {"type": "string", "format": "date-time"},
            "referral": {"type": "boolean"},
            "note": {"type": ["string", "null"]},
        },
    },
    "HealthQueueRequest": {
        "type": "object",
        "description": "The resident: registration_id, else token, else ticket_code.",
        "properties": {
            "registration_id": ID,
            "token": {"type": "string", "minLength": 1, "description": "read from the ticket's QR code"},
            "ticket_code": {"type": "string", "minLength": 1},
        },
    },
    "HealthQueueNumber": {
        "type": "object",
        "required": ["number", "ahead", "waiting"],
        "additionalProperties": False,
        "properties": {
            "number": {"type": "integer", "minimum": 1},
            "ahead": {"type": "integer", "minimum": 0, "description": "numbers waiting before it"},
            "waiting": {"type": "integer", "minimum": 0},
        },
    },
    "HealthNowServing": {
        "type": "object",
        "required": ["serving", "next", "waiting"],
        "properties": {
            "serving": {"type": ["integer", "null"], "description": "the number called last"},
            "next": _NUMBERS,
            "waiting": {"type": "integer", "minimum": 0},
            "called": {"type": "integer", "minimum": 1},
        },
    },
}
OPENAPI_PATHS = {
    "/activities/{activity_id}/health/residents/{registration_id}/services": {
        "get": {
            "summary": "A resident's services at a health service day (its health staff and organizers only)",
            "parameters": [
                ACTIVITY_ID,
                {"name": "registration_id", "in": "path", "required": True, "schema": ID},
            ],
            "security": BEARER,
            "responses": {
                "200": json_content(ref("HealthServices"), "the services given, not undone"),
                **UNAUTHORIZED,
                "404": error_content("not_found"),
            },
        }
    },
    "/activities/{activity_id}/health/stations/{booth_id}/queue": {
        "post": {
            "summary": "A resident's number in a station's queue (by token, ticket_code or registration_id)",
            "parameters": _STATION_PARAMETERS,
            "security": BEARER,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("HealthQueueRequest")}},
            },
            "responses": {
                "201": json_content(ref("HealthQueueNumber"), "a new number"),
                "200": json_content(ref("HealthQueueNumber"), "the number the resident is waiting with"),
                "400": error_content("invalid_json, or malformed (registration_id)"),
                **UNAUTHORIZED,
                "409": error_content("not_a_station, wrong_booth, unknown_token, wrong_activity, revoked"),
                "422": error_content("invalid_field (token)"),
            },
        }
    },
    "/activities/{activity_id}/health/stations/{booth_id}/call-next": {
        "post": {
            "summary": "Call a station's next number",
            "parameters": _STATION_PARAMETERS,
            "security": BEARER,
            "responses": {
                "200": json_content(ref("HealthNowServing"), "the number called, and the queue now"),
                **UNAUTHORIZED,
                "409": error_content("queue_empty, not_a_station, wrong_booth"),
            },
        }
    },
    "/activities/{activity_id}/health/stations/{booth_id}/now-serving": {
        "get": {
            "summary": "A station's current and next numbers (public, numbers only)",
            "parameters": _STATION_PARAMETERS,
            "security": [],
            "responses": {
                "200": json_content(ref("HealthNowServing"), "the queue"),
                "404": error_content("not_found: no such station"),
            },
        }
    },
}
