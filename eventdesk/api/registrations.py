"""Registering a person at an activity: the public on their phones, or staff on their behalf."""

import json

import sqlalchemy as sa
from flask import jsonify, request

from eventdesk import ratelimit
from eventdesk.api import bp
from eventdesk.api.auth import authenticate
from eventdesk.api.common import json_object
from eventdesk.core import access
from eventdesk.core.models import Activity, RegistrationSource
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.services import registrations, verification
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.urls import ticket_url

#: An activity kind's own answers are a few short fields, not documents.
MAX_FIELDS_SIZE = 4096


def _phone_in_body() -> str | None:
    # An unreadable phone is refused by the service anyway; it must not share one bucket
    # that would rate-limit everybody else's typos.
    try:
        return ratelimit.phone_key(str(json_object().get("phone", "")))
    except ServiceError:
        return None


def _anonymous(key) -> str | None:
    # Staff registering people at the desk (a bearer token, checked by the view) are not held
    # up by a flood of anonymous registrations.
    return None if request.headers.get("Authorization") else key()


def _text(body: dict, name: str, *, required: bool = False, max_length: int = 200) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > max_length:
        raise ServiceError("invalid_field", field=name)
    return value


@bp.post("/activities/<int:activity_id>/registrations")
# A whole venue shares one address; a flood of invented registrations comes from many.
@ratelimit.limit("300/minute")
@ratelimit.limit("500/hour", key=lambda: _anonymous(ratelimit.network_key))
@ratelimit.limit("300/10minutes", key=lambda: _anonymous(ratelimit.activity_key))
@ratelimit.limit("10/hour", key=_phone_in_body)
def create_registration(activity_id: int):
    """Register a person; 201 with the ticket's address, code and token (200 with those of the
    earlier registration, to a person who proved their phone and registered before)."""
    body = json_object()
    source = RegistrationSource.self_service
    actor = None
    if request.headers.get("Authorization"):
        actor = authenticate(borrowed_connection()).require_staff()
        source = RegistrationSource.staff
    activity = db.session.scalar(sa.select(Activity).where(Activity.id == activity_id))
    if activity is None:
        raise ServiceError("not_found", status=404)
    if actor is not None and not access.can_work_at(actor, activity):
        raise ServiceError("forbidden", status=403)
    consent = body.get("consent")
    if not isinstance(consent, bool):
        raise ServiceError("consent_required", field="consent")
    fields = body.get("fields") or {}
    if not isinstance(fields, dict) or len(json.dumps(fields)) > MAX_FIELDS_SIZE:
        raise ServiceError("invalid_field", field="fields")
    registration_request = registrations.RegistrationRequest(
        name=_text(body, "name", required=True, max_length=100),
        phone=_text(body, "phone", required=True, max_length=40),
        id_number=_text(body, "id_number", max_length=40),
        village=_text(body, "village", max_length=200),
        consent=consent,
        fields=fields,
        verification_code=_text(body, "verification_code", max_length=10),
    )
    if actor is None:
        registration, new = registrations.register_oneself(activity, registration_request)
    else:
        registration = registrations.register(activity, registration_request, source=source, actor=actor)
        new = True
    db.session.commit()
    return (
        jsonify(
            registration_id=registration.id,
            ticket_url=ticket_url(registration.token),
            ticket_code=registration.ticket_code,
            token=registration.token,
        ),
        201 if new else 200,
    )


@bp.post("/phone-verifications")
@ratelimit.limit("300/minute")
@ratelimit.limit("3/10minutes", key=_phone_in_body)
def send_phone_code():
    """Text a registration code to `{"phone"}` (when self-registration must prove the phone)."""
    if not verification.required():
        raise ServiceError("verification_off", status=409)
    verification.send_code(_text(json_object(), "phone", required=True, max_length=40))
    db.session.commit()
    return "", 204
