"""Staff accounts: creating them, passwords, scopes and personal API tokens."""

import datetime as dt

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from eventdesk.core import audit, tokens
from eventdesk.core.models import ApiToken, Department, District, Role, User, UserScope, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

MIN_PASSWORD_LENGTH = 8
# A constant hash to compare against when the account does not exist, so that a wrong
# e-mail and a wrong password take the same time.
_DUMMY_HASH = generate_password_hash("eventdesk-no-such-account")


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise ServiceError("invalid_field", field="email")
    return email


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError("password_too_short", field="password")


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(
    email: str,
    *,
    name: str,
    role: str,
    password: str,
    district_codes: tuple[str, ...] = (),
    department_codes: tuple[str, ...] = (),
    actor: User | None = None,
) -> User:
    """Create a staff account, optionally limited to districts and departments."""
    email = normalise_email(email)
    if role not in Role.__members__:
        raise ServiceError("invalid_field", field="role")
    check_password_strength(password)
    if find_user(email) is not None:
        raise ServiceError("email_taken", field="email", status=409)
    user = User(
        email=email,
        name=(name or email.split("@")[0]).strip()[:100],
        role=role,
        password_hash=generate_password_hash(password),
    )
    db.session.add(user)
    for code in district_codes:
        district = db.session.scalar(sa.select(District).where(District.code == code))
        if district is None:
            raise ServiceError("not_found", field="district", status=404)
        user.scopes.append(UserScope(district_id=district.id))
    for code in department_codes:
        department = db.session.scalar(sa.select(Department).where(Department.code == code))
        if department is None:
            raise ServiceError("not_found", field="department", status=404)
        user.scopes.append(UserScope(department_id=department.id))
    db.session.flush()
    audit.record("user.created", user, user=actor, role=role)
    return user


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    check_password_strength(password)
    user.password_hash = generate_password_hash(password)
    audit.record("user.password_set", user, user=actor)


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None."""
    user = find_user(email or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def issue_api_token(user: User, *, hours: int = 24) -> str:
    """A new personal bearer token for the JSON API; returned once, stored hashed."""
    if hours <= 0:
        raise ServiceError("invalid_field", field="hours")
    token = tokens.new_bearer_token()
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=tokens.token_digest(token),
            expires_at=utcnow() + dt.timedelta(hours=hours),
        )
    )
    audit.record("user.token_issued", user, user=user, hours=hours)
    return token
