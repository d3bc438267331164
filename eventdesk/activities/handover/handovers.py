"""The desk's action: a household's keys handed to its head or to a named proxy, who signs.

Recorded through the core's action service (`eventdesk.core.actions`), which has checked the
caller, the desk, the head's ticket and the fields' types (the signature a PNG within its size)
before this runs. The keys of a home are handed over once (``already_handed_over``; the
database's unique index has the last word when two desks race). A household not yet checked
in is checked in at the desk by the same request, while the ceremony is open; keys delivered
after it count on their own day and leave the household absent from the ceremony.
"""

import re
import unicodedata
import uuid

import sqlalchemy as sa

from eventdesk.activities.handover import tally as ceremony_tally
from eventdesk.activities.handover.households import household_of
from eventdesk.activities.handover.models import Handover, Household
from eventdesk.activities.handover.presence import visit_desk
from eventdesk.activities.handover.vocabulary import PROXY
from eventdesk.core.fields import image_bytes
from eventdesk.core.kinds import ActionContext, ActionOutcome
from eventdesk.core.models import Registration, utcnow
from eventdesk.core.scans.model import Scanner
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: A signature drawn on a phone is a few KB; this leaves room for a large tablet's.
SIGNATURE_MAX_BYTES = 100_000
#: The last 4 characters of an ID number: digits, the check character may be X.
_ID_TAIL = re.compile(r"\d{3}[\dX]")
#: The check-in a handover makes gets the scan id uuid5(namespace, action id): one per action.
CHECK_IN_NAMESPACE = uuid.UUID("6f1c3e0a-4b7d-4f4e-9a51-2d8c0b6e7a13")


def record_handover(context: ActionContext) -> ActionOutcome:
    household = household_of(context.registration.id)
    if household is None:
        raise ServiceError("not_a_household", status=409)
    fields = context.fields
    proxy_name, proxy_relation, proxy_id_tail = (
        _proxy(fields) if fields["recipient"] == PROXY else (None, None, None)
    )
    if _live_handover(household.id) is not None:
        raise ServiceError("already_handed_over", status=409)
    handover = Handover(
        action_id=context.action_id,
        household_id=household.id,
        activity_id=context.activity.id,
        booth_id=context.booth.id,
        recipient=fields["recipient"],
        proxy_name=proxy_name,
        proxy_relation=proxy_relation,
        proxy_id_tail=proxy_id_tail,
        signature=image_bytes(fields["signature"]),
    )
    try:
        with db.session.begin_nested():
            db.session.add(handover)
            db.session.flush()
    except sa.exc.IntegrityError:
        # Another desk handed the same keys over a moment ago.
        raise ServiceError("already_handed_over", status=409) from None
    _check_in(context)
    return ActionOutcome(
        figures=ceremony_tally.handed_over(context.local_day, household, context.booth.id),
        answer={"handover_id": handover.id, "household_id": household.id},
    )


def void_handover(context: ActionContext) -> ActionOutcome:
    """The keys go back on the list to hand over; the household stays present if it came."""
    handover = db.session.scalar(sa.select(Handover).where(Handover.action_id == context.action_id))
    handover.voided_at = utcnow()
    household = db.session.get(Household, handover.household_id)
    return ActionOutcome(
        figures=ceremony_tally.handed_over(context.local_day, household, handover.booth_id, sign=-1)
    )


def _proxy(fields: dict) -> tuple[str, str, str]:
    for name in ("proxy_name", "proxy_relation", "proxy_id_tail"):
        if not fields.get(name):
            raise ServiceError("proxy_incomplete", status=422, field=name)
    tail = unicodedata.normalize("NFKC", fields["proxy_id_tail"]).strip().upper()
    if not _ID_TAIL.fullmatch(tail):
        raise ServiceError("invalid_id_tail", status=422, field="proxy_id_tail")
    return fields["proxy_name"], fields["proxy_relation"], tail


def _live_handover(household_id: int) -> int | None:
    return db.session.scalar(
        sa.select(Handover.id).where(Handover.household_id == household_id, Handover.voided_at.is_(None))
    )


def _check_in(context: ActionContext) -> None:
    """The household is present: a visit at the desk, judged as any scan, checks its head in.

    Only while the ceremony is open: keys taken to a household later do not make it present.
    """
    activity, registration = context.activity, context.registration
    checked_in_at = db.session.scalar(
        sa.select(Registration.checked_in_at).where(Registration.id == registration.id)
    )
    if checked_in_at is not None or not activity.opens_at <= context.counted_at < activity.closes_at:
        return
    scanner = Scanner(label=context.device, credential_id=context.credential_id, user_id=context.user_id)
    # The visit is part of the action: judged at the action's time, however late it was sent.
    visit_desk(
        activity,
        registration,
        context.booth,
        scanner,
        client_scan_id=str(uuid.uuid5(CHECK_IN_NAMESPACE, str(context.action_id))),
        at=context.counted_at,
    )
    db.session.expire(registration, ["checked_in_at", "inside"])
