"""Recording and voiding actions (API.md, "Activity kinds"): the one place an action is judged.

The scanner API, the staff desk and the demo all call `record_action` and `void_action`.
What every action shares is decided here, in order:

1. Replay: a `client_action_id` stored before gets its first answer again when the content
   is the same, and is refused (``client_action_id_reused``) when it is not.
2. Where: the booth belongs to the activity and offers the action; a booth-bound scanner
   records only at its booth, staff only where they work (``wrong_booth``, ``not_offered``,
   ``forbidden``).
3. Whom: the ticket, when the action takes one (``unknown_token``, ``wrong_activity``,
   ``revoked``).
4. What: the fields, against the action's declaration (``invalid_field``, 422).
5. When: `recorded_at` when plausible (as for scans), else the time it arrived.

Then the kind's own rules and details, the action's row and the figures go in one
transaction: a refusal by the kind leaves nothing behind.
"""

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eventdesk.core import access, audit, tally
from eventdesk.core.fields import clean_fields
from eventdesk.core.kinds import Action as ActionSpec
from eventdesk.core.kinds import ActionContext, ActivityKind, get_kind
from eventdesk.core.models import (
    Action,
    ActionVoid,
    Activity,
    Booth,
    Registration,
    ScannerCredential,
    User,
    utcnow,
)
from eventdesk.core.scans.model import Scanner
from eventdesk.core.scans.requests import (
    MalformedScan,
    looks_like_token,
    parse_client_scan_id,
    parse_scanned_at,
    token_from_presented,
)
from eventdesk.core.scans.service import counted_time
from eventdesk.core.text import clean_line
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: A scanner may void the actions it recorded for this long; staff who manage the activity, always.
VOID_WINDOW = dt.timedelta(minutes=30)
REASON_MAX_LENGTH = 500
#: What an answer says of a recorded action (API.md).
RESULT_RECORDED = "recorded"


@dataclass(frozen=True)
class ActionRequest:
    """What a device or a desk asks to record, checked for shape but not yet judged."""

    client_action_id: str
    booth_id: int | None = None
    token: str | None = None
    ticket_code: str | None = None
    registration_id: int | None = None
    fields: Any = None
    recorded_at: dt.datetime | None = None
    #: Whether `fields` were typed as text (the staff desk's form) rather than sent as JSON values.
    fields_from_text: bool = False

    def fingerprint(self, action_name: str) -> str:
        """What tells a replay (same content) from a reused action id (other content)."""
        content = [
            action_name,
            self.booth_id,
            self.token,
            self.ticket_code,
            self.registration_id,
            self.fields,
            self.recorded_at.isoformat() if self.recorded_at else None,
        ]
        encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Recorded:
    """An action as answered: the stored row, and whether this request was a replay of it."""

    action: Action
    replayed: bool

    def answer(self) -> dict:
        return {
            "action_id": self.action.id,
            "action": self.action.name,
            "result": RESULT_RECORDED,
            **(self.action.answer or {}),
        }


def new_action_id() -> str:
    return str(uuid.uuid4())


def kind_of(activity: Activity) -> ActivityKind:
    kind = get_kind(activity.kind)
    if kind is None:
        raise ServiceError("unknown_kind", status=404)
    return kind


def offered_actions(
    activity: Activity, booth: Booth | None, scanner: Scanner, user: User | None
) -> list[ActionSpec]:
    """The actions this caller may record at `booth` (or at the activity, without one)."""
    if not _may_work_there(activity, booth, scanner, user):
        return []
    return [
        spec
        for spec in kind_of(activity).actions
        if spec.offered_at(activity, booth)
        and (user is None or spec.staff_rule is None or spec.staff_rule(user, activity, booth))
    ]


def record_action(
    activity: Activity,
    action_name: str,
    request: ActionRequest,
    *,
    scanner: Scanner,
    user: User | None = None,
    now: dt.datetime | None = None,
) -> Recorded:
    """Record an action at `activity` in the session's transaction (the caller commits).

    :param scanner: who records it (a device, or a staff member as `Scanner.for_user`).
    :param user: the staff member, when it is one (their scopes decide where they may record).
    :raises ServiceError: ``not_found`` (404, no such action), ``forbidden`` (403),
        ``client_action_id_reused``, ``wrong_booth``, ``not_offered``, ``unknown_token``,
        ``wrong_activity``, ``revoked`` (409), ``invalid_field`` (422), and the kind's own
        refusals (409).
    """
    now = now or utcnow()
    spec = kind_of(activity).action(action_name)
    if spec is None:
        raise ServiceError("not_found", status=404)
    fingerprint = request.fingerprint(action_name)
    stored = _stored(request.client_action_id)
    if stored is not None:
        return _replay(stored, activity, fingerprint)

    booth = _booth(activity, request.booth_id if request.booth_id is not None else scanner.booth_id)
    if scanner.booth_id is not None and (booth is None or booth.id != scanner.booth_id):
        raise ServiceError("wrong_booth", status=409)
    if not _may_work_there(activity, booth, scanner, user):
        raise ServiceError("forbidden", status=403)
    if user is not None and spec.staff_rule is not None and not spec.staff_rule(user, activity, booth):
        raise ServiceError("forbidden", status=403)
    if not spec.offered_at(activity, booth):
        raise ServiceError("not_offered", status=409)
    registration = _registration(activity, spec, request)
    fields = clean_fields(
        spec.fields, request.fields, activity=activity, booth=booth, from_text=request.fields_from_text
    )
    counted_at = counted_time(request.recorded_at, now)
    local_day = activity.event.local_day(counted_at)

    action = Action(
        client_action_id=request.client_action_id,
        fingerprint=fingerprint,
        kind=activity.kind,
        name=spec.name,
        activity_id=activity.id,
        booth_id=booth.id if booth else None,
        registration_id=registration.id if registration else None,
        credential_id=scanner.credential_id,
        user_id=scanner.user_id,
        device=scanner.label[:100],
        recorded_at=request.recorded_at,
        received_at=now,
        counted_at=counted_at,
        local_day=local_day,
        answer={},
    )
    try:
        with db.session.begin_nested():
            db.session.add(action)
            db.session.flush()
            outcome = spec.record(
                ActionContext(
                    activity=activity,
                    booth=booth,
                    registration=registration,
                    fields=fields,
                    action_id=action.id,
                    counted_at=counted_at,
                    local_day=local_day,
                    user_id=scanner.user_id,
                    credential_id=scanner.credential_id,
                    device=action.device,
                )
            )
            action.answer = dict(outcome.answer)
            db.session.flush()
    except sa.exc.IntegrityError:
        # The same action id stored by another request a moment ago (a retried upload).
        stored = _stored(request.client_action_id)
        if stored is None:
            raise
        return _replay(stored, activity, fingerprint)
    tally.feed(outcome.figures)
    return Recorded(action=action, replayed=False)


def void_action(
    action: Action,
    reason: str | None,
    *,
    scanner: Scanner,
    may_void_any: bool = False,
    now: dt.datetime | None = None,
) -> Action:
    """Take back a recorded action: the fact stays with its void, its figures are undone.

    :param may_void_any: staff who manage the activity; otherwise only who recorded it, for
        `VOID_WINDOW`.
    :raises ServiceError: ``invalid_field`` (422, no reason), ``forbidden`` (403),
        ``already_voided``, ``void_window_passed`` (409).
    """
    now = now or utcnow()
    try:
        reason = clean_line(reason, field="reason", max_length=REASON_MAX_LENGTH)
    except ServiceError:
        raise ServiceError("invalid_field", status=422, field="reason") from None
    if db.session.get(ActionVoid, action.id) is not None:
        raise ServiceError("already_voided", status=409)
    if not may_void_any:
        if not _made_by(action, scanner):
            raise ServiceError("forbidden", status=403)
        if now - action.received_at > VOID_WINDOW:
            raise ServiceError("void_window_passed", status=409)
    activity = db.session.get(Activity, action.activity_id)
    spec = kind_of(activity).action(action.name)
    try:
        with db.session.begin_nested():
            db.session.add(
                ActionVoid(
                    action_id=action.id,
                    voided_at=now,
                    reason=reason,
                    credential_id=scanner.credential_id,
                    user_id=scanner.user_id,
                    device=scanner.label[:100],
                )
            )
            db.session.flush()
    except sa.exc.IntegrityError:
        raise ServiceError("already_voided", status=409) from None
    booth = db.session.get(Booth, action.booth_id) if action.booth_id else None
    registration = db.session.get(Registration, action.registration_id) if action.registration_id else None
    outcome = spec.void(
        ActionContext(
            activity=activity,
            booth=booth,
            registration=registration,
            fields={},
            action_id=action.id,
            counted_at=action.counted_at,
            local_day=action.local_day,
            user_id=scanner.user_id,
            credential_id=scanner.credential_id,
            device=scanner.label[:100],
        )
    )
    tally.feed(outcome.figures)
    audit.record(
        "action.voided",
        action,
        user=db.session.get(User, scanner.user_id) if scanner.user_id else None,
        credential=db.session.get(ScannerCredential, scanner.credential_id)
        if scanner.credential_id
        else None,
        action_name=action.name,
        reason=reason,
    )
    return action


def is_voided(action_id: int) -> bool:
    return db.session.get(ActionVoid, action_id) is not None


def voided_ids() -> sa.Select:
    """The ids of voided actions, for a kind's queries and rebuilds (``Action.id.not_in(...)``)."""
    return sa.select(ActionVoid.action_id)


def live_actions() -> sa.ColumnElement[bool]:
    """A WHERE clause on `Action`: not voided."""
    return Action.id.not_in(voided_ids())


# -- the steps -------------------------------------------------------------------------------


def _stored(client_action_id: str) -> Action | None:
    return db.session.scalar(sa.select(Action).where(Action.client_action_id == client_action_id))


def _replay(stored: Action, activity: Activity, fingerprint: str) -> Recorded:
    if stored.fingerprint != fingerprint or stored.activity_id != activity.id:
        raise ServiceError("client_action_id_reused", status=409)
    return Recorded(action=stored, replayed=True)


def _booth(activity: Activity, booth_id: int | None) -> Booth | None:
    if booth_id is None:
        return None
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.activity_id != activity.id:
        raise ServiceError("wrong_booth", status=409)
    return booth


def _may_work_there(activity: Activity, booth: Booth | None, scanner: Scanner, user: User | None) -> bool:
    if user is not None:
        return access.can_work_at(user, activity, booth.id if booth else None)
    # A scanner credential reaches its own activity (checked by the caller), and its booth if bound.
    return scanner.booth_id is None or (booth is not None and booth.id == scanner.booth_id)


def _registration(activity: Activity, spec: ActionSpec, request: ActionRequest) -> Registration | None:
    named = [v for v in (request.token, request.ticket_code, request.registration_id) if v is not None]
    if spec.ticket == "none":
        if named:
            raise ServiceError("invalid_field", status=422, field="token")
        return None
    if not named:
        if spec.ticket == "required":
            raise ServiceError("invalid_field", status=422, field="token")
        return None
    registration = None
    if request.token is not None and looks_like_token(request.token):
        registration = db.session.scalar(sa.select(Registration).where(Registration.token == request.token))
    elif request.ticket_code is not None:
        registration = db.session.scalar(
            sa.select(Registration).where(Registration.ticket_code == request.ticket_code)
        )
    elif request.registration_id is not None:
        registration = db.session.get(Registration, request.registration_id)
        if registration is not None and registration.activity_id != activity.id:
            # An id is no secret: another activity's registration is simply unknown here.
            registration = None
    if registration is None:
        raise ServiceError("unknown_token", status=409)
    if registration.activity_id != activity.id:
        raise ServiceError("wrong_activity", status=409)
    if registration.revoked_at is not None:
        raise ServiceError("revoked", status=409)
    return registration


def _made_by(action: Action, scanner: Scanner) -> bool:
    if scanner.credential_id is not None:
        return action.credential_id == scanner.credential_id
    return scanner.user_id is not None and action.user_id == scanner.user_id


# -- reading what a device sent ------------------------------------------------------------


def _id(value, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ServiceError("malformed", field=field)
    return value


def parse_action(body: dict) -> ActionRequest:
    """An action request from its JSON object (API.md); a bad envelope is ``malformed`` (400)."""
    try:
        client_action_id = parse_client_scan_id(body.get("client_action_id"))
    except MalformedScan:
        raise ServiceError("malformed", field="client_action_id") from None
    token = body.get("token")
    ticket_code = body.get("ticket_code")
    registration_id = _id(body.get("registration_id"), "registration_id")
    if sum(value is not None for value in (token, ticket_code, registration_id)) > 1:
        raise ServiceError("malformed", field="token")
    if token is not None:
        if not isinstance(token, str) or not token.strip() or len(token) > 2048:
            raise ServiceError("malformed", field="token")
        token = token_from_presented(token)
    if ticket_code is not None:
        if (
            not isinstance(ticket_code, str)
            or len(ticket_code) > 32
            or not normalise_ticket_code(ticket_code)
        ):
            raise ServiceError("malformed", field="ticket_code")
        ticket_code = normalise_ticket_code(ticket_code)
    fields = body.get("fields")
    if fields is not None and not isinstance(fields, dict):
        raise ServiceError("invalid_field", status=422, field="fields")
    try:
        recorded_at = parse_scanned_at(body.get("recorded_at"))
    except MalformedScan:
        raise ServiceError("malformed", field="recorded_at") from None
    return ActionRequest(
        client_action_id=client_action_id,
        booth_id=_id(body.get("booth_id"), "booth_id"),
        token=token,
        ticket_code=ticket_code,
        registration_id=registration_id,
        fields=fields or {},
        recorded_at=recorded_at,
    )
