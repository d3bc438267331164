"""A volunteer's phone becomes a scanner: the one-time enrolment code is exchanged for a token."""

from flask import jsonify

from eventdesk import ratelimit
from eventdesk.api import bp
from eventdesk.api.auth import bearer_token
from eventdesk.api.common import json_object, rfc3339
from eventdesk.core.services import credentials
from eventdesk.errors import ServiceError
from eventdesk.extensions import db


def _code_typed() -> str | None:
    code = json_object().get("code")
    return f"code:{code}"[:100] if isinstance(code, str) and code else None


#: A morning's volunteers enrol behind one address; one code is tried only a few times.
ENROLMENTS_PER_ADDRESS_A_MINUTE = 120


@bp.post("/scanner/enrol")
@ratelimit.limit(f"{ENROLMENTS_PER_ADDRESS_A_MINUTE}/minute")
@ratelimit.limit("10/minute", key=_code_typed)
def enrol():
    """Exchange `{"code"}` for the device's bearer token (once; the code is then spent).

    A phone that already holds a valid access sends it as its bearer token: opening a spent
    link again answers with that access (``already_enrolled``, no new token).
    """
    code = json_object().get("code")
    if not isinstance(code, str):
        raise ServiceError("invalid_field", field="code")
    credential, token = credentials.enrol(code, held_token=_held_token())
    db.session.commit()
    activity = credential.activity
    return jsonify(
        already_enrolled=token is None,
        token=token,
        label=credential.label,
        expires_at=rfc3339(credential.expires_at, activity.event.timezone),
        activity={
            "id": activity.id,
            "name": activity.label,
            "names": _names(activity),
            "kind": activity.kind,
        },
        booth=(
            {"id": credential.booth.id, "name": credential.booth.label, "names": _names(credential.booth)}
            if credential.booth
            else None
        ),
    )


def _names(named) -> dict[str, str]:
    """Both languages' names, so that the scanner shows the one of the language it is switched to."""
    return {"zh_Hans": named.name, "en": named.name_en or named.name}


def _held_token() -> str | None:
    """The access the phone already holds, if it sent one."""
    try:
        return bearer_token()
    except ServiceError:
        return None
