"""Staff accounts: creating and changing them, passwords, scopes and personal API tokens."""

import dataclasses
import datetime as dt
import re

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from eventdesk.core import access, audit, tokens
from eventdesk.core.languages import normalise_language
from eventdesk.core.models import (
    Activity,
    ApiToken,
    Booth,
    Department,
    District,
    Role,
    User,
    UserScope,
    utcnow,
)
from eventdesk.core.services.setup import apply_changes
from eventdesk.core.text import clean_line
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
NAME_MAX_LENGTH = 100
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# A constant hash to compare against when the account does not exist, so that a wrong
# e-mail and a wrong password take the same time.
_DUMMY_HASH = generate_password_hash("eventdesk-no-such-account")


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email) or not email.isprintable():
        raise ServiceError("invalid_field", field="email")
    return email


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError("password_too_short", field="password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ServiceError("text_too_long", field="password", max_length=MAX_PASSWORD_LENGTH)


@dataclasses.dataclass(frozen=True)
class Scopes:
    """What an account is limited to, by id; all empty is city-wide (organizers) or nothing (staff)."""

    district_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    activity_ids: tuple[int, ...] = ()
    booth_ids: tuple[int, ...] = ()

    def keys(self) -> set[tuple[str, int]]:
        return {
            (column, object_id)
            for column, ids in (
                ("district_id", self.district_ids),
                ("department_id", self.department_ids),
                ("activity_id", self.activity_ids),
                ("booth_id", self.booth_ids),
            )
            for object_id in ids
        }


_SCOPE_MODELS = {
    "district_id": (District, "district_ids"),
    "department_id": (Department, "department_ids"),
    "activity_id": (Activity, "activity_ids"),
    "booth_id": (Booth, "booth_ids"),
}


def scopes_from_codes(district_codes=(), department_codes=()) -> Scopes:
    """Scopes named the way the command line names them: district and department codes."""

    def ids(model, codes, field):
        found = []
        for code in codes:
            object_id = db.session.scalar(sa.select(model.id).where(model.code == code.strip().lower()))
            if object_id is None:
                raise ServiceError("not_found", field=field, status=404)
            found.append(object_id)
        return tuple(found)

    return Scopes(
        district_ids=ids(District, district_codes, "district"),
        department_ids=ids(Department, department_codes, "department"),
    )


def _check_scopes(role: str, scopes: Scopes) -> set[tuple[str, int]]:
    keys = scopes.keys()
    if keys and role == Role.admin:
        raise ServiceError("admin_not_scoped", field="role")
    for column, (model, field) in _SCOPE_MODELS.items():
        wanted = {object_id for key, object_id in keys if key == column}
        if wanted:
            found = set(db.session.scalars(sa.select(model.id).where(model.id.in_(wanted))))
            if found != wanted:
                raise ServiceError("not_found", field=field, status=404)
    return keys


def _refuse_beyond_reach(actor: User | None, role: str, keys: set[tuple[str, int]]) -> None:
    """Organizers hand out accounts inside their own scope: never an administrator's, and, when
    the organizer is scoped, only accounts limited to what the organizer reaches."""
    if actor is None or actor.role == Role.admin:
        return
    if actor.role != Role.organizer or role == Role.admin:
        raise ServiceError("outside_scope", field="role", status=403)
    if access.is_city_wide(actor):
        return
    if not keys:
        raise ServiceError("outside_scope", field="district_ids", status=403)
    for column, object_id in sorted(keys):
        if not access.scope_within(actor, column, object_id):
            raise ServiceError("outside_scope", field=f"{column}s", status=403)


def _set_scopes(user: User, keys: set[tuple[str, int]]) -> bool:
    """Make the account's scopes exactly `keys`, keeping the rows that stay; whether any changed."""
    current = {}
    for scope in user.scopes:
        column = next(c for c in _SCOPE_MODELS if getattr(scope, c) is not None)
        current[(column, getattr(scope, column))] = scope
    for key, scope in current.items():
        if key not in keys:
            user.scopes.remove(scope)
    for column, object_id in sorted(keys - current.keys()):
        user.scopes.append(UserScope(**{column: object_id}))
    return keys != current.keys()


def _clean_role(role: str) -> str:
    if role not in Role.__members__:
        raise ServiceError("invalid_field", field="role")
    return role


def _clean_user_name(name: str | None, email: str) -> str:
    return (
        clean_line(name, field="name", max_length=NAME_MAX_LENGTH, required=False)
        or email.split("@")[0][:NAME_MAX_LENGTH]
    )


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def check_new_account(
    email: str, role: str, *, district_codes: tuple[str, ...] = (), department_codes: tuple[str, ...] = ()
) -> Scopes:
    """What `create_user` checks before it needs a password: the e-mail is free, the role and the
    district and department codes exist. Returns the scopes the codes name.
    """
    email = normalise_email(email)
    role = _clean_role(role)
    scopes = scopes_from_codes(district_codes, department_codes)
    _check_scopes(role, scopes)
    if find_user(email) is not None:
        raise ServiceError("email_taken", field="email", status=409)
    return scopes


def create_user(
    email: str,
    *,
    name: str,
    role: str,
    password: str,
    district_codes: tuple[str, ...] = (),
    department_codes: tuple[str, ...] = (),
    scopes: Scopes | None = None,
    active: bool = True,
    actor: User | None = None,
) -> User:
    """Create a staff account, optionally limited to districts, departments, activities or booths.

    Scopes may be given by id (`scopes`) or, as the command line does, by district and
    department code; both are added together.
    """
    email = normalise_email(email)
    role = _clean_role(role)
    name = _clean_user_name(name, email)
    check_password_strength(password)
    by_code = scopes_from_codes(district_codes, department_codes)
    keys = _check_scopes(role, scopes or Scopes()) | _check_scopes(role, by_code)
    _refuse_beyond_reach(actor, role, keys)
    if find_user(email) is not None:
        raise ServiceError("email_taken", field="email", status=409)
    user = User(
        email=email, name=name, role=role, active=bool(active), password_hash=generate_password_hash(password)
    )
    _set_scopes(user, keys)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, user=actor, role=role)
    return user


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    role: str,
    active: bool,
    scopes: Scopes,
    actor: User | None = None,
) -> list[str]:
    """Change an account's e-mail, name, role, whether it may sign in, and what it is limited to.

    :raises ServiceError: ``own_access`` when an administrator would lock themselves out.
    """
    email = normalise_email(email)
    role = _clean_role(role)
    values = {"email": email, "name": _clean_user_name(name, email), "role": role, "active": bool(active)}
    keys = _check_scopes(role, scopes)
    if actor is not None and not access.account_within(actor, user):
        raise ServiceError("forbidden", status=403)
    _refuse_beyond_reach(actor, role, keys)
    if actor is not None and actor.id == user.id and (role != Role.admin or not active):
        raise ServiceError("own_access", field="role" if role != Role.admin else "active", status=409)
    other = find_user(email)
    if other is not None and other.id != user.id:
        raise ServiceError("email_taken", field="email", status=409)
    scopes_before = _scope_names(user)
    changed = apply_changes(user, values)
    if _set_scopes(user, keys):
        changed.add("scopes", scopes_before, _scope_names(user))
    if {"role", "scopes", "active"} & set(changed):
        end_sessions(user)
    if changed:
        db.session.flush()
        audit.record(
            "user.updated",
            user,
            user=actor,
            changed=list(changed),
            before=changed.before,
            after=changed.after,
        )
    return changed


def _scope_names(user: User) -> list[str]:
    """The account's scopes as the audit log keeps them: ``district_id=3``."""
    return sorted(
        f"{column}={getattr(scope, column)}"
        for scope in user.scopes
        for column in _SCOPE_MODELS
        if getattr(scope, column) is not None
    )


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    """Set a new password (there is no e-mail to reset it by)."""
    check_password_strength(password)
    user.password_hash = generate_password_hash(password)
    end_sessions(user)
    db.session.flush()
    audit.record("user.password_set", user, user=actor)


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: its sessions and remember-me cookies stop working."""
    user.session_generation = (user.session_generation or 0) + 1


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


def set_language(user: User, language: str) -> None:
    """The language `user` sees EventDesk in, wherever they sign in."""
    chosen = normalise_language(language)
    if chosen is None:
        raise ServiceError("invalid_field", field="language")
    user.locale = chosen
