"""Personal data kept no longer than needed (PIPL): anonymising past events' people, what a ticket
holder can see about themselves, and their requests for deletion.

Anonymising replaces who a person is (name, phone, ID number) and what the kinds keep about them
(`ActivityKind.forget`), never a registration, a scan, an action or a tally figure: every count and
report stays as it was.
"""

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from eventdesk.core import audit
from eventdesk.core.kinds import get_kind
from eventdesk.core.models import (
    Activity,
    DeletionRequest,
    Event,
    Person,
    Registration,
    Scan,
    User,
    utcnow,
)
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: What an anonymised person is called: nobody in particular, the same in every language.
ANONYMOUS_NAME = "—"


def anonymise_before(day: dt.date, *, actor: User | None = None, now: dt.datetime | None = None) -> int:
    """Anonymise the people of events that ended before `day` (and of no later event); returns how
    many people were anonymised."""
    now = now or utcnow()
    past_activities = sa.select(Activity.id).join(Event).where(Event.ends_on < day)
    later_people = sa.select(Registration.person_id).join(Activity).join(Event).where(Event.ends_on >= day)
    people = db.session.scalars(
        sa.select(Person).where(
            Person.anonymised_at.is_(None),
            Person.id.in_(
                sa.select(Registration.person_id).where(Registration.activity_id.in_(past_activities))
            ),
            Person.id.not_in(later_people),
        )
    ).all()
    activity_ids = db.session.scalars(past_activities).all()
    _forget_in_kinds(activity_ids, None)
    for person in people:
        _anonymise(person, now)
    if people or activity_ids:
        audit.record(
            "privacy.anonymised",
            target_type="person",
            target_id=None,
            user=actor,
            after={"before_day": day.isoformat(), "people": len(people)},
        )
    return len(people)


def _anonymise(person: Person, now: dt.datetime) -> None:
    # The phone placeholder starts with 0, so no mobile number ever matches it, and keeps the
    # name-at-a-number pair unique.
    person.name = ANONYMOUS_NAME
    person.phone = f"{person.id:011d}"
    person.id_number_masked = None
    person.id_number_digest = None
    person.anonymised_at = now


def _forget_in_kinds(activity_ids, registration_ids) -> None:
    kinds = db.session.scalars(sa.select(Activity.kind).where(Activity.id.in_(activity_ids)).distinct()).all()
    for name in kinds:
        kind = get_kind(name)
        if kind is not None and kind.forget is not None:
            ids = db.session.scalars(
                sa.select(Activity.id).where(Activity.id.in_(activity_ids), Activity.kind == name)
            ).all()
            kind.forget(ids, registration_ids)


@dataclass(frozen=True)
class RetentionDue:
    """An event whose people's data has been kept past its retention period."""

    event: Event
    due_on: dt.date
    people: int

    @property
    def anonymise_before(self) -> dt.date:
        """The day to give ``flask privacy anonymise --before`` for this event."""
        return self.event.ends_on + dt.timedelta(days=1)


def retention_due(today: dt.date) -> list[RetentionDue]:
    """The events whose retention period has ended and whose people are not yet anonymised."""
    due = []
    for event in db.session.scalars(sa.select(Event).order_by(Event.ends_on)):
        due_on = event.ends_on + dt.timedelta(days=event.retention_days)
        if due_on > today:
            continue
        people = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Person.id)))
            .select_from(Person)
            .join(Registration, Registration.person_id == Person.id)
            .join(Activity, Activity.id == Registration.activity_id)
            .where(Activity.event_id == event.id, Person.anonymised_at.is_(None))
        )
        if people:
            due.append(RetentionDue(event, due_on, people))
    return due


@dataclass(frozen=True)
class HeldData:
    """What EventDesk holds about a ticket holder, as shown on their ticket page."""

    person: Person
    registrations: list[Registration]
    scans: int
    deletion_requested_at: dt.datetime | None


def held_about(registration: Registration) -> HeldData:
    """Everything kept about the holder of `registration`: who they are, where they registered,
    how often their tickets were scanned, and whether they asked for deletion."""
    person = registration.person
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.person_id == person.id).order_by(Registration.created_at)
    ).all()
    scans = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Scan)
        .where(Scan.registration_id.in_([each.id for each in registrations]))
    )
    pending = db.session.scalar(
        sa.select(DeletionRequest.requested_at).where(
            DeletionRequest.person_id == person.id, DeletionRequest.carried_out_at.is_(None)
        )
    )
    return HeldData(person, list(registrations), scans, pending)


def request_deletion(registration: Registration) -> DeletionRequest:
    """The holder of `registration` asks for their personal data to be deleted (once: asking again
    while a request waits returns it)."""
    if registration.person.anonymised_at is not None:
        raise ServiceError("already_anonymised", status=409)
    pending = db.session.scalar(
        sa.select(DeletionRequest).where(
            DeletionRequest.person_id == registration.person_id, DeletionRequest.carried_out_at.is_(None)
        )
    )
    if pending is not None:
        return pending
    request = DeletionRequest(person_id=registration.person_id, registration_id=registration.id)
    db.session.add(request)
    db.session.flush()
    audit.record("deletion.requested", request, activity_id=registration.activity_id)
    return request


def pending_deletions(activity: Activity) -> list[DeletionRequest]:
    """Deletion requests made from tickets of `activity`, still waiting, oldest first."""
    return db.session.scalars(
        sa.select(DeletionRequest)
        .join(Registration, Registration.id == DeletionRequest.registration_id)
        .where(Registration.activity_id == activity.id, DeletionRequest.carried_out_at.is_(None))
        .order_by(DeletionRequest.requested_at)
    ).all()


def carry_out_deletion(request: DeletionRequest, *, actor: User, now: dt.datetime | None = None) -> None:
    """An organizer deletes the requester's personal data: the person is anonymised everywhere;
    their registrations, scans and every count stay."""
    if request.carried_out_at is not None:
        raise ServiceError("already_carried_out", status=409)
    now = now or utcnow()
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.person_id == request.person_id)
    ).all()
    _forget_in_kinds({each.activity_id for each in registrations}, [each.id for each in registrations])
    _anonymise(db.session.get(Person, request.person_id), now)
    request.carried_out_at = now
    request.carried_out_by_id = actor.id
    audit.record("deletion.carried_out", request, user=actor, activity_id=request.registration.activity_id)
