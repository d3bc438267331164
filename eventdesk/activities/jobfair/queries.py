"""What the job fair's pages, lists and API read: postings by employer, applications and what
came of them. Nothing here writes."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from eventdesk.activities.jobfair.models import Application, Employer, Outcome, Posting
from eventdesk.activities.jobfair.vocabulary import HIRED, INTENTION, INTERVIEWED
from eventdesk.core.actions import voided_ids
from eventdesk.core.models import Action, Activity, Booth, Person, Registration
from eventdesk.extensions import db


@dataclass
class Progress:
    """What came of one application: every status reached (not undone), and the latest."""

    latest: str | None = None
    reached: set[str] = field(default_factory=set)

    @property
    def intention(self) -> bool:
        """``hired`` implies an intention."""
        return bool(self.reached & {INTENTION, HIRED})


@dataclass
class ApplicationRow:
    application: Application
    applied_at: dt.datetime
    posting: Posting
    employer: Employer
    registration: Registration
    person: Person
    progress: Progress


def employers_of(activity: Activity) -> list[Employer]:
    """The fair's employers in the order of their stands, with their postings loaded (and each
    posting's employer set, so that pages listing hundreds of postings make no query per posting)."""
    employers = list(
        db.session.scalars(
            sa.select(Employer)
            .join(Booth, Booth.id == Employer.booth_id)
            .where(Employer.activity_id == activity.id)
            .options(so.selectinload(Employer.postings), so.joinedload(Employer.booth))
            .order_by(Booth.sort_order, Booth.id)
        )
    )
    for employer in employers:
        for posting in employer.postings:
            so.attributes.set_committed_value(posting, "employer", employer)
    return employers


def postings_of(activity: Activity) -> list[Posting]:
    return [posting for employer in employers_of(activity) for posting in employer.postings]


def progress_of(application_ids: Iterable[int]) -> dict[int, Progress]:
    """Each application's progress, from its outcomes not undone, in the order they count."""
    ids = list(application_ids)
    found: dict[int, Progress] = {application_id: Progress() for application_id in ids}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = db.session.execute(
            sa.select(Outcome.application_id, Outcome.status)
            .join(Action, Action.id == Outcome.action_id)
            .where(Outcome.application_id.in_(part), Action.id.not_in(voided_ids()))
            .order_by(Action.counted_at, Action.id)
        )
        for application_id, status in rows:
            progress = found[application_id]
            progress.latest = status
            progress.reached.add(status)
    return found


def applications(*conditions) -> list[ApplicationRow]:
    """Applications not undone that match `conditions` (on `Application`), oldest first."""
    rows = db.session.execute(
        sa.select(Application, Action.counted_at, Posting, Employer, Registration, Person)
        .join(Action, Action.id == Application.action_id)
        .join(Posting, Posting.id == Application.posting_id)
        .join(Employer, Employer.id == Posting.employer_id)
        .join(Registration, Registration.id == Application.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .where(Application.voided_at.is_(None), *conditions)
        .order_by(Action.counted_at, Application.id)
    ).all()
    progress = progress_of(row[0].id for row in rows)
    return [ApplicationRow(*row, progress=progress[row[0].id]) for row in rows]


@dataclass
class PostingResults:
    """A posting with what came of its applications."""

    posting: Posting
    applications: int = 0
    interviewed: int = 0
    intentions: int = 0
    hired: int = 0


def posting_results(activity: Activity) -> list[PostingResults]:
    results = {posting.id: PostingResults(posting) for posting in postings_of(activity)}
    for row in applications(Application.activity_id == activity.id):
        result = results[row.posting.id]
        result.applications += 1
        result.interviewed += INTERVIEWED in row.progress.reached
        result.intentions += row.progress.intention
        result.hired += HIRED in row.progress.reached
    return list(results.values())
