"""Scanner credentials: one per volunteer's device, issued by an organizer, enrolled by a QR code."""

import datetime as dt

import sqlalchemy as sa

from eventdesk.core import audit, tokens
from eventdesk.core.models import Activity, Booth, ScannerCredential, User, utcnow
from eventdesk.core.scans import recent
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

DEFAULT_HOURS = 24
MAX_HOURS = 24 * 14
LABEL_MAX_LENGTH = 100


def issue(
    activity: Activity,
    *,
    label: str,
    booth: Booth | None = None,
    hours: int = DEFAULT_HOURS,
    actor: User | None = None,
) -> tuple[ScannerCredential, str, str]:
    """A new credential for one device; returns it with its bearer token and enrolment code.

    Both secrets are shown once and stored hashed. The enrolment code goes into the QR
    code the volunteer scans; opening it exchanges the code for a fresh token.
    """
    label = " ".join((label or "").split())[:LABEL_MAX_LENGTH]
    if not label:
        raise ServiceError("invalid_field", field="label")
    if not 1 <= hours <= MAX_HOURS:
        raise ServiceError("invalid_field", field="hours")
    if booth is not None and booth.activity_id != activity.id:
        raise ServiceError("wrong_booth", field="booth")
    token = tokens.new_bearer_token()
    code = tokens.new_bearer_token()
    credential = ScannerCredential(
        activity_id=activity.id,
        booth_id=booth.id if booth else None,
        label=label,
        token_hash=tokens.token_digest(token),
        enrol_code_hash=tokens.token_digest(code),
        expires_at=utcnow() + dt.timedelta(hours=hours),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(credential)
    db.session.flush()
    audit.record("credential.issued", credential, user=actor, label=label, hours=hours)
    return credential, token, code


def _usable(credential: ScannerCredential | None) -> bool:
    return credential is not None and credential.revoked_at is None and not credential.is_expired()


def held_access(token: str | None) -> ScannerCredential | None:
    """The credential a phone already scans with (its bearer token), while it is valid."""
    if not token or len(token) > 128:
        return None
    credential = db.session.scalar(
        sa.select(ScannerCredential).where(ScannerCredential.token_hash == tokens.token_digest(token))
    )
    return credential if _usable(credential) else None


def enrol(code: str, *, held_token: str | None = None) -> tuple[ScannerCredential, str | None]:
    """Exchange a one-time enrolment code for the device's bearer token.

    The token issued with the credential stops working: the enrolled device holds the
    only valid one. A used, expired or revoked code is refused, unless the phone opening
    it already holds a valid access (`held_token`): a volunteer who opens the link again
    from the chat it was sent in keeps that access, and no new token is issued (None).
    """
    credential = None
    if code and len(code) <= 128:
        credential = db.session.scalar(
            sa.select(ScannerCredential)
            .where(ScannerCredential.enrol_code_hash == tokens.token_digest(code))
            .with_for_update()
        )
    if not _usable(credential):
        held = held_access(held_token)
        if held is None:
            raise ServiceError("enrol_code_used", status=400)
        return held, None
    token = tokens.new_bearer_token()
    credential.token_hash = tokens.token_digest(token)
    credential.enrol_code_hash = None
    credential.enrolled_at = utcnow()
    audit.record("credential.enrolled", credential, credential=credential)
    return credential, token


def revoke(credential: ScannerCredential, *, actor: User | None = None) -> None:
    """Stop a credential at once: its next request is refused, even to sync old scans."""
    if credential.revoked_at is None:
        recent.forget(credential.id)
        credential.revoked_at = utcnow()
        credential.enrol_code_hash = None
        audit.record("credential.revoked", credential, user=actor)
