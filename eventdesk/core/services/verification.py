"""Optional proof that a self-registering person holds the phone they type
(``EVENTDESK_SMS_VERIFICATION``): a six-digit code sent by text message, asked back once.

Invented numbers then cannot fill an activity. Codes and phones are kept only as digests.
"""

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from eventdesk.core import identity, sms
from eventdesk.core.models import PhoneVerification, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

CODE_LIFETIME = dt.timedelta(minutes=10)
#: Wrong codes before a sent code is spent: six digits are not to be guessed.
MAX_ATTEMPTS = 5


def required() -> bool:
    return bool(current_app.config.get("EVENTDESK_SMS_VERIFICATION"))


def _digest(text: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def send_code(phone_typed: str, *, now: dt.datetime | None = None) -> None:
    """Text a new code to the phone (any earlier one is replaced).

    :raises ServiceError: ``invalid_phone``.
    """
    phone = identity.normalise_phone(phone_typed)
    now = now or utcnow()
    code = f"{secrets.randbelow(10**6):06d}"
    phone_digest = _digest(f"phone:{phone}")
    db.session.execute(sa.delete(PhoneVerification).where(PhoneVerification.phone_digest == phone_digest))
    db.session.add(
        PhoneVerification(
            phone_digest=phone_digest,
            code_digest=_digest(f"code:{phone}:{code}"),
            expires_at=now + CODE_LIFETIME,
        )
    )
    db.session.flush()
    sms.sender().send(phone, _("Your EventDesk registration code is %(code)s (valid 10 minutes).", code=code))


def check_code(phone: str, code: str | None, *, now: dt.datetime | None = None) -> None:
    """Accept the code last sent to `phone` (a normalised number) once; it is spent then.

    :raises ServiceError: ``verification_required`` when no code is given or none is valid.
    """
    now = now or utcnow()
    pending = db.session.scalar(
        sa.select(PhoneVerification).where(PhoneVerification.phone_digest == _digest(f"phone:{phone}"))
    )
    if pending is None or pending.expires_at <= now or pending.attempts >= MAX_ATTEMPTS:
        raise ServiceError("verification_required", field="verification_code")
    if not code or not hmac.compare_digest(pending.code_digest, _digest(f"code:{phone}:{code.strip()}")):
        pending.attempts += 1
        raise ServiceError("verification_required", field="verification_code")
    db.session.delete(pending)
