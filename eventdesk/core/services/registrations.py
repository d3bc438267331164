"""Registering people at activities, and cancelling their tickets."""

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from eventdesk.core import audit, identity, tally, tokens
from eventdesk.core.fields import clean_fields
from eventdesk.core.kinds import get_kind
from eventdesk.core.models import (
    Activity,
    Person,
    PersonCategory,
    Registration,
    RegistrationSource,
    User,
    utcnow,
)
from eventdesk.core.scans.requests import looks_like_token
from eventdesk.core.services import verification
from eventdesk.core.text import clean_line
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: Family members may share one phone; this many may register with it at one activity.
MAX_REGISTRATIONS_PER_PHONE = 5
VILLAGE_MAX_LENGTH = 100


@dataclass
class RegistrationRequest:
    """What a person (or staff on their behalf) gives to register."""

    name: str
    phone: str
    consent: bool
    id_number: str | None = None
    village: str | None = None
    category: str = PersonCategory.general
    #: The activity kind's own answers (its `registration_fields`), by field name.
    fields: dict = field(default_factory=dict)
    #: Whether `fields` were typed as text (a form, a spreadsheet) rather than sent as JSON values.
    fields_from_text: bool = False
    #: The code texted to the phone, when self-registration must prove it (`verification`).
    verification_code: str | None = None


def register(
    activity: Activity,
    request: RegistrationRequest,
    *,
    source: str = RegistrationSource.self_service,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a person at an activity and issue their ticket.

    :raises ServiceError: ``registration_closed``, ``consent_required``, ``invalid_name``,
        ``invalid_phone``, ``invalid_id_number``, ``invalid_field`` (a kind's field, 422),
        ``identity_mismatch`` (an imported row only: elsewhere a conflict is marked for staff),
        ``already_registered``, ``phone_limit``, ``capacity_full``.
    """
    registration, _new = _register(activity, request, source=source, actor=actor, now=now)
    return registration


def register_oneself(
    activity: Activity, request: RegistrationRequest, *, now: dt.datetime | None = None
) -> tuple[Registration, bool]:
    """A person registers themselves: the registration, and whether it is new.

    Where phones are proven by a texted code (`verification`), a person registered before gets
    their ticket back instead of ``already_registered``: only the phone's holder gets that far,
    so nobody else learns who is registered. Without proof, the refusal stands (a stranger
    typing a name and phone would otherwise be handed that person's ticket).

    :raises ServiceError: as `register`.
    """
    return _register(
        activity, request, source=RegistrationSource.self_service, actor=None, now=now, give_back=True
    )


def _register(
    activity: Activity,
    request: RegistrationRequest,
    *,
    source: str,
    actor: User | None,
    now: dt.datetime | None,
    give_back: bool = False,
) -> tuple[Registration, bool]:
    now = now or utcnow()
    if source == RegistrationSource.self_service and not is_open_to_public(activity, now):
        raise ServiceError("registration_closed", status=403)
    if not request.consent and source != RegistrationSource.imported:
        raise ServiceError("consent_required", field="consent")
    name = identity.normalise_name(request.name)
    phone = identity.normalise_phone(request.phone)
    phone_proven = source == RegistrationSource.self_service and verification.required()
    if phone_proven:
        verification.check_code(phone, request.verification_code, now=now)
    id_number = identity.normalise_id_number(request.id_number)
    village = clean_line(request.village, field="village", max_length=VILLAGE_MAX_LENGTH, required=False)
    category = request.category if request.category in PersonCategory.__members__ else PersonCategory.general
    kind = get_kind(activity.kind)
    fields = clean_fields(
        kind.registration_fields if kind else (),
        request.fields,
        activity=activity,
        from_text=request.fields_from_text,
    )
    present_metrics = sorted(set(kind.present_metrics(fields))) if kind and kind.present_metrics else []

    # Lock the activity row so that capacity is checked and taken in one step
    # (SQLite already holds its write lock: requests that change things begin IMMEDIATE).
    db.session.execute(sa.select(Activity.id).where(Activity.id == activity.id).with_for_update())

    person, identity_conflict = _find_or_add_person(name, phone, id_number, village, category, source, actor)
    earlier = _registration_of(activity, person)
    if earlier is not None:
        if give_back and phone_proven and earlier.revoked_at is None:
            return earlier, False
        raise ServiceError("already_registered", status=409)
    if _count_on_phone(activity, phone) >= MAX_REGISTRATIONS_PER_PHONE:
        raise ServiceError("phone_limit", status=409, field="phone")
    if is_full(activity, for_public=source == RegistrationSource.self_service):
        raise ServiceError("capacity_full", status=409)

    registration = Registration(
        activity_id=activity.id,
        person_id=person.id,
        token=tokens.new_ticket_token(),
        ticket_code=_unused_ticket_code(),
        source=source,
        fields=fields,
        present_metrics=" ".join(present_metrics) or None,
        consent_at=now if request.consent else None,
        created_by_id=actor.id if actor else None,
        identity_conflict=identity_conflict,
    )
    db.session.add(registration)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        # The same person registered by another request a moment ago.
        raise ServiceError("already_registered", status=409) from None
    _feed_registered(activity, +1)
    if actor is not None:
        audit.record("registration.created", registration, user=actor, source=source)
    return registration, True


def is_open_to_public(activity: Activity, now: dt.datetime | None = None) -> bool:
    """Whether the public may register themselves now (staff and imports always may); never at an
    archived activity."""
    in_use = activity.archived_at is None
    return activity.registration_open and in_use and (now or utcnow()) < activity.closes_at


def open_to_public_clause(now: dt.datetime | None = None) -> sa.ColumnElement[bool]:
    """`is_open_to_public` as a WHERE clause on `Activity`, for lists of activities."""
    return sa.and_(
        Activity.registration_open.is_(True),
        Activity.archived_at.is_(None),
        Activity.closes_at > (now or utcnow()),
    )


def is_full(activity: Activity, *, for_public: bool = False) -> bool:
    """Whether the activity has taken as many registrations as its capacity allows (for the
    public: as many as it allows less the places kept for the desk)."""
    if activity.capacity is None:
        return False
    places = activity.capacity - (activity.desk_places if for_public else 0)
    return _count_registered(activity) >= places


def self_registration_refusal(activity: Activity, now: dt.datetime | None = None) -> str | None:
    """The reason code `register` would refuse a member of the public with, before they type anything.

    A hint for the form only: `register` decides again, with the activity locked.
    """
    if not is_open_to_public(activity, now):
        return "registration_closed"
    if is_full(activity, for_public=True):
        return "capacity_full"
    return None


def revoke(registration: Registration, *, actor: User | None = None) -> None:
    """Cancel a ticket: its scans are rejected from now on and it no longer counts as registered."""
    if registration.revoked_at is not None:
        return
    registration.revoked_at = utcnow()
    db.session.flush()
    _feed_registered(registration.activity, -1)
    audit.record("registration.revoked", registration, user=actor)


def find_by_token(token: str) -> Registration | None:
    if not token or not looks_like_token(token):
        return None
    return db.session.scalar(sa.select(Registration).where(Registration.token == token))


def _find_or_add_person(name, phone, id_number, village, category, source, actor) -> tuple[Person, bool]:
    """The person at this name and phone (added if new), and whether the ID number given conflicts
    with the one on record."""
    digest = identity.id_number_digest(id_number) if id_number else None
    person = db.session.scalar(sa.select(Person).where(Person.phone == phone, Person.name == name))
    if person is None:
        person = Person(name=name, phone=phone, village=village, category=category)
        _hold_id_number(person, id_number, digest)
        db.session.add(person)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except sa.exc.IntegrityError:
            person = db.session.scalar(sa.select(Person).where(Person.phone == phone, Person.name == name))
        return person, False
    conflict = bool(digest and person.id_number_digest and person.id_number_digest != digest)
    if conflict and source == RegistrationSource.imported:
        raise ServiceError("identity_mismatch", status=409, field="id_number")
    if conflict and source == RegistrationSource.staff:
        # Staff register with the papers in front of them: their number replaces a claimed one.
        before = person.id_number_masked
        _hold_id_number(person, id_number, digest)
        audit.record(
            "person.id_number_replaced", person, user=actor, before=before, after=person.id_number_masked
        )
        conflict = False
    if digest and not person.id_number_digest:
        _hold_id_number(person, id_number, digest)
    if village and not person.village:
        person.village = village
    # A number typed by anyone online never replaces the one on record: whoever typed first would
    # otherwise lock the real holder out. The registration goes ahead, marked for staff to check.
    return person, conflict


def _hold_id_number(person: Person, id_number: str | None, digest: str | None) -> None:
    person.id_number_masked = identity.mask_id_number(id_number) or None
    person.id_number_digest = digest


def _registration_of(activity: Activity, person: Person) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.activity_id == activity.id, Registration.person_id == person.id
        )
    )


def _count_on_phone(activity: Activity, phone: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .join(Person)
        .where(Registration.activity_id == activity.id, Person.phone == phone)
    )


def _count_registered(activity: Activity) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.activity_id == activity.id, Registration.revoked_at.is_(None))
    )


def _unused_ticket_code() -> str:
    # 25^8 codes: a clash is rare, but a second try costs nothing.
    for _ in range(10):
        code = tokens.new_ticket_code()
        if not db.session.scalar(sa.select(Registration.id).where(Registration.ticket_code == code)):
            return code
    raise RuntimeError("could not find an unused ticket code")


def _feed_registered(activity: Activity, amount: int) -> None:
    tally.feed([((activity.day, activity.id, None, tally.REGISTERED), amount)])
