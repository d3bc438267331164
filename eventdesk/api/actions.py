"""Actions (API.md, "Activity kinds"): what a booth offers, recording one, voiding one.

The scanner draws every kind's actions from ``GET …/actions`` without knowing any kind.
"""

from flask import jsonify

from eventdesk.api import bp
from eventdesk.api.auth import Principal, authenticate
from eventdesk.api.common import json_object, language
from eventdesk.core.actions import offered_actions, parse_action, record_action, void_action
from eventdesk.core.models import Action, Activity, Booth
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.counts import activity_counts
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.web import id_arg


def _caller() -> Principal:
    return authenticate(borrowed_connection())


def _counts(activity: Activity) -> dict:
    return activity_counts(borrowed_connection(), activity.id, activity.kind, language=language())


def describe_actions(activity: Activity, booth: Booth | None, principal: Principal) -> list[dict]:
    user = principal.user if principal.is_staff else None
    return [
        {
            "name": spec.name,
            "label": str(spec.label),
            "ticket": spec.ticket,
            "fields": [field.describe(activity, booth) for field in spec.fields],
        }
        for spec in offered_actions(activity, booth, principal.scanner, user)
    ]


@bp.get("/activities/<int:activity_id>/actions")
def list_actions(activity_id: int):
    """The actions the caller may record at a booth of the activity (or at the activity itself)."""
    principal = _caller()
    activity = principal.activity_for(activity_id)
    booth = None
    booth_id = id_arg("booth_id")
    if booth_id is None and principal.scanner.booth_id is not None:
        booth_id = principal.scanner.booth_id
    if booth_id is not None:
        booth = db.session.get(Booth, booth_id)
        if booth is None or booth.activity_id != activity.id:
            raise ServiceError("not_found", status=404)
    return jsonify({"actions": describe_actions(activity, booth, principal)})


@bp.post("/activities/<int:activity_id>/actions/<name>")
def post_action(activity_id: int, name: str):
    """Record an action; the same client_action_id again is answered with the first answer."""
    body = json_object()
    principal = _caller()
    activity = principal.activity_for(activity_id)
    request = parse_action(body)
    recorded = record_action(
        activity,
        name[:30],
        request,
        scanner=principal.scanner,
        user=principal.user if principal.is_staff else None,
    )
    db.session.commit()
    answer = recorded.answer()
    answer["counts"] = _counts(activity)
    return jsonify(answer), 200 if recorded.replayed else 201


@bp.post("/actions/<int:action_id>/void")
def void_recorded_action(action_id: int):
    """Take an action back: its figures are undone, the fact stays with its void."""
    body = json_object()
    principal = _caller()
    action = db.session.get(Action, action_id)
    if action is None:
        raise ServiceError("not_found", status=404)
    activity = principal.activity_for(action.activity_id)
    may_void_any = principal.manages(activity.id)
    action = db.session.get(Action, action_id)
    activity = db.session.get(Activity, action.activity_id)
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise ServiceError("invalid_field", status=422, field="reason")
    void_action(action, reason, scanner=principal.scanner, may_void_any=may_void_any)
    db.session.commit()
    return jsonify({"action_id": action.id, "voided": True, "counts": _counts(activity)})
