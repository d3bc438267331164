"""Who is calling the API: a scanner credential (one device, one activity) or a staff member.

`Authorization: Bearer <token>`. No valid credential: 401; a valid one without the right: 403.
"""

from dataclasses import dataclass

from flask import request

from eventdesk.core import access
from eventdesk.core.models import Activity, User, utcnow
from eventdesk.core.rawdb import RawConnection
from eventdesk.core.scans import recent
from eventdesk.core.scans.model import ActivityInfo, Scanner
from eventdesk.core.tokens import token_digest
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

_CREDENTIAL_LOOKUP = (
    "SELECT c.id, c.label, c.booth_id, c.expires_at, c.revoked_at, "
    "a.id, a.event_id, a.kind, a.name, a.name_en, e.timezone, a.opens_at, a.closes_at "
    "FROM scanner_credential c JOIN activity a ON a.id = c.activity_id JOIN event e ON e.id = a.event_id "
    "WHERE c.token_hash = ?"
)
_STAFF_LOOKUP = (
    "SELECT t.user_id, t.expires_at, t.revoked_at, u.active, u.name "
    "FROM api_token t JOIN staff_user u ON u.id = t.user_id WHERE t.token_hash = ?"
)


@dataclass
class Principal:
    """The caller: `scanner` says who scans; `activity` is set for scanner credentials."""

    scanner: Scanner
    activity: ActivityInfo | None = None
    user_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.user_id is not None

    @property
    def user(self) -> User:
        return db.session.get(User, self.user_id)

    def require_staff(self) -> User:
        if not self.is_staff:
            raise ServiceError("forbidden", status=403)
        return self.user

    def scan_activity(self, activity_id: int | None, booth_ids: set[int | None]) -> ActivityInfo:
        """The activity a scan request is for, once the caller may scan there."""
        if self.activity is not None:
            if activity_id is not None and activity_id != self.activity.id:
                raise ServiceError("forbidden", status=403)
            return self.activity
        if activity_id is None:
            raise ServiceError("invalid_field", field="activity_id")
        activity = db.session.get(Activity, activity_id)
        if activity is None:
            raise ServiceError("not_found", status=404)
        user = self.user
        if not all(access.can_work_at(user, activity, booth_id) for booth_id in booth_ids):
            raise ServiceError("forbidden", status=403)
        info = ActivityInfo.of(activity)
        # The ORM is done; end its read transaction before the check-in writes.
        db.session.rollback()
        return info

    def manages(self, activity_id: int) -> bool:
        """A staff member who manages the activity (may undo anyone's scans there)."""
        if not self.is_staff:
            return False
        activity = db.session.get(Activity, activity_id)
        allowed = activity is not None and access.allowed(self.user, activity, access.Need.manage)
        db.session.rollback()
        return allowed

    def activity_for(self, activity_id: int, need: access.Need = access.Need.view) -> Activity:
        """The activity in the URL, once the caller may do what `need` says there: a scanner
        credential reaches its own activity only (and never manages it).

        :raises ServiceError: ``not_found`` (404), ``forbidden`` (403).
        """
        if self.activity is None:
            return access.load_activity(self.user, activity_id, need)
        activity = db.session.get(Activity, activity_id)
        if activity is None:
            raise ServiceError("not_found", status=404)
        if activity.id != self.activity.id or need == access.Need.manage:
            raise ServiceError("forbidden", status=403)
        return activity


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 256:
        raise ServiceError("unauthorized", status=401)
    return token


def authenticate(
    connection: RawConnection, *, allow_expired: bool = False, revocation_checked_by_scan: bool = False
) -> Principal:
    """The caller of this request.

    :param allow_expired: an expired (not revoked) scanner credential may still sync the
        scans it made before it expired (``POST /scans/batch``).
    :param revocation_checked_by_scan: the request is one scan, judged by `judge_scans`, which
        checks a credential taken from `recent` memory for revocation in its own look-up.
    :raises ServiceError: 401 ``unauthorized``, ``credential_expired``, ``credential_revoked``.
    """
    digest = token_digest(bearer_token())
    now = utcnow()
    row = recent.recall(digest) if revocation_checked_by_scan else None
    from_memory = row is not None
    if row is None:
        row = connection.one(_CREDENTIAL_LOOKUP, (digest,))
        if row is not None and row[4] is None:
            recent.remember(digest, row)
    if row is not None:
        expires_at = connection.time_value(row[3])
        if row[4] is not None:
            raise ServiceError("credential_revoked", status=401)
        if expires_at <= now and not allow_expired:
            raise ServiceError("credential_expired", status=401)
        activity = ActivityInfo(
            id=row[5],
            event_id=row[6],
            kind=row[7],
            name=row[8],
            name_en=row[9],
            timezone=row[10],
            opens_at=connection.time_value(row[11]),
            closes_at=connection.time_value(row[12]),
        )
        scanner = Scanner(
            label=row[1],
            credential_id=row[0],
            booth_id=row[2],
            expires_at=expires_at,
            revocation_unchecked=from_memory,
        )
        return Principal(scanner=scanner, activity=activity)
    row = connection.one(_STAFF_LOOKUP, (digest,))
    if row is None or not row[3] or row[2] is not None:
        raise ServiceError("unauthorized", status=401)
    if connection.time_value(row[1]) <= now:
        raise ServiceError("unauthorized", status=401)
    return Principal(scanner=Scanner(label=row[4], user_id=row[0]), user_id=row[0])
