"""The stand's two actions: a seeker applies for a posting; later the stand marks what came of it.

Both are recorded through the core's action service (`eventdesk.core.actions`), which has
checked the caller, the stand, the ticket and the fields' types before these run.

- ``apply``: a posting of this stand, once per seeker (``already_applied``; the database's
  unique index has the last word when two devices race). A posting of another stand is
  ``wrong_booth``.
- ``outcome``: interviewed, intention reached, hired or not suitable, for an application of
  this stand. A hire takes one of the posting's positions by a conditional UPDATE, so hires
  never pass the positions however many devices mark them at once (``positions_filled``).
"""

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from eventdesk.activities.jobfair import tally as fair_tally
from eventdesk.activities.jobfair.employers import employer_at
from eventdesk.activities.jobfair.models import Application, Employer, Outcome, Posting
from eventdesk.activities.jobfair.vocabulary import HIRED
from eventdesk.core.actions import voided_ids
from eventdesk.core.fields import Choice
from eventdesk.core.identity import mask_name
from eventdesk.core.kinds import ActionContext, ActionOutcome
from eventdesk.core.models import Action, Activity, Booth, Person, Registration, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db


def is_stand(_activity: Activity, booth: Booth | None) -> bool:
    """The stand's actions are offered at an employer's stand only (not at a desk of the fair)."""
    return employer_at(booth) is not None


# -- choices, computed for the stand ----------------------------------------------------------


def stand_postings(_activity: Activity, booth: Booth | None) -> list[Choice]:
    """The postings of this stand, with the positions left."""
    if booth is None:
        return []
    postings = db.session.scalars(
        sa.select(Posting).join(Employer).where(Employer.booth_id == booth.id).order_by(Posting.id)
    )
    return [
        Choice(str(posting.id), _("%(title)s (%(left)s left)", title=posting.title, left=posting.remaining))
        for posting in postings
    ]


def fair_postings(activity: Activity, _booth: Booth | None) -> list[Choice]:
    """Every posting of the fair: another stand's is refused by `record_apply` with its own reason."""
    ids = db.session.scalars(sa.select(Posting.id).join(Employer).where(Employer.activity_id == activity.id))
    return [Choice(str(posting_id), "") for posting_id in ids]


def stand_applications(_activity: Activity, booth: Booth | None) -> list[Choice]:
    """This stand's applications, newest first, named without full personal data."""
    if booth is None:
        return []
    rows = db.session.execute(
        sa.select(Application.id, Person.name, Person.phone, Posting.title)
        .join(Registration, Registration.id == Application.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .join(Posting, Posting.id == Application.posting_id)
        .where(Application.booth_id == booth.id, Application.voided_at.is_(None))
        .order_by(Application.id.desc())
    )
    return [
        Choice(str(application_id), application_label(name, phone, title))
        for application_id, name, phone, title in rows
    ]


def application_label(name: str, phone: str, title: str) -> str:
    return _("%(name)s, phone ending %(tail)s: %(title)s", name=mask_name(name), tail=phone[-4:], title=title)


def fair_applications(activity: Activity, _booth: Booth | None) -> list[Choice]:
    """Every application of the fair not undone: another stand's is refused with its own reason."""
    ids = db.session.scalars(
        sa.select(Application.id).where(
            Application.activity_id == activity.id, Application.voided_at.is_(None)
        )
    )
    return [Choice(str(application_id), "") for application_id in ids]


# -- apply ------------------------------------------------------------------------------------


def record_apply(context: ActionContext) -> ActionOutcome:
    posting = db.session.get(Posting, int(context.fields["posting_id"]))
    if posting.employer.booth_id != context.booth.id:
        raise ServiceError("wrong_booth", status=409, field="posting_id")
    if _live_application(context.registration.id, posting.id) is not None:
        raise ServiceError("already_applied", status=409)
    application = Application(
        action_id=context.action_id,
        activity_id=context.activity.id,
        booth_id=context.booth.id,
        posting_id=posting.id,
        registration_id=context.registration.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except sa.exc.IntegrityError:
        # Another device recorded the same application a moment ago.
        raise ServiceError("already_applied", status=409) from None
    key = (context.local_day, context.activity.id, context.booth.id, fair_tally.APPLICATIONS)
    return ActionOutcome(figures=[(key, 1)], answer={"application_id": application.id})


def void_apply(context: ActionContext) -> ActionOutcome:
    application = db.session.scalar(sa.select(Application).where(Application.action_id == context.action_id))
    if _live_outcomes(application.id):
        raise ServiceError("application_has_outcomes", status=409)
    application.voided_at = utcnow()
    key = (context.local_day, context.activity.id, context.booth.id, fair_tally.APPLICATIONS)
    return ActionOutcome(figures=[(key, -1)])


def _live_application(registration_id: int, posting_id: int) -> int | None:
    return db.session.scalar(
        sa.select(Application.id).where(
            Application.registration_id == registration_id,
            Application.posting_id == posting_id,
            Application.voided_at.is_(None),
        )
    )


# -- outcome ----------------------------------------------------------------------------------


def record_outcome(context: ActionContext) -> ActionOutcome:
    application = _locked_application(int(context.fields["application_id"]))
    if application.booth_id != context.booth.id:
        raise ServiceError("wrong_booth", status=409, field="application_id")
    if application.voided_at is not None:  # undone since the fields were checked
        raise ServiceError("invalid_field", status=422, field="application_id")
    status = context.fields["status"]
    reached = fair_tally.metrics_reached(status)
    before = {metric: _first_reaching(application.id, metric) for metric in reached}
    if status == HIRED and before[fair_tally.HIRES] is None:
        _take_position(application.posting_id)
    db.session.add(Outcome(action_id=context.action_id, application_id=application.id, status=status))
    db.session.flush()
    after = {metric: _first_reaching(application.id, metric) for metric in reached}
    return ActionOutcome(
        figures=_moved(application, before, after), answer={"application_id": application.id}
    )


def void_outcome(context: ActionContext) -> ActionOutcome:
    outcome = db.session.get(Outcome, context.action_id)
    application = _locked_application(outcome.application_id)
    reached = fair_tally.metrics_reached(outcome.status)
    # The core has stored the void already: "before" counts this outcome as it stood.
    before = {metric: _first_reaching(application.id, metric, also=outcome.action_id) for metric in reached}
    after = {metric: _first_reaching(application.id, metric) for metric in reached}
    if outcome.status == HIRED and before[fair_tally.HIRES] is not None and after[fair_tally.HIRES] is None:
        db.session.execute(
            sa.update(Posting).where(Posting.id == application.posting_id).values(hired=Posting.hired - 1)
        )
    return ActionOutcome(figures=_moved(application, before, after))


def _locked_application(application_id: int) -> Application:
    """The application, locked until commit: its outcomes are judged one at a time (PostgreSQL;
    SQLite writers already take turns)."""
    return db.session.scalars(
        sa.select(Application)
        .where(Application.id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _take_position(posting_id: int) -> None:
    """One more hire for the posting, if a position is left: one statement, so two devices
    cannot both take the last position."""
    taken = db.session.execute(
        sa.update(Posting)
        .where(Posting.id == posting_id, Posting.hired < Posting.positions)
        .values(hired=Posting.hired + 1)
    )
    if taken.rowcount != 1:
        raise ServiceError("positions_filled", status=409)


def _first_reaching(
    application_id: int, metric: str, *, also: int | None = None
) -> tuple[int, dt.date] | None:
    """The earliest outcome not undone (or `also`) that reached `metric`: (action id, local day)."""
    live = Action.id.not_in(voided_ids())
    if also is not None:
        live = sa.or_(live, Action.id == also)
    row = db.session.execute(
        sa.select(Action.id, Action.local_day)
        .join(Outcome, Outcome.action_id == Action.id)
        .where(
            Outcome.application_id == application_id,
            Outcome.status.in_(fair_tally.REACHED_BY[metric]),
            live,
        )
        .order_by(Action.counted_at, Action.id)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def _moved(application: Application, before: dict, after: dict) -> list:
    """The figures that change when the first outcome reaching a status changes."""
    figures = []
    for metric in before:
        if before[metric] == after[metric]:
            continue
        for first, amount in ((before[metric], -1), (after[metric], 1)):
            if first is not None:
                figures.append(((first[1], application.activity_id, application.booth_id, metric), amount))
    return figures


def _live_outcomes(application_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Outcome.action_id)
            .where(Outcome.application_id == application_id, Outcome.action_id.not_in(voided_ids()))
            .limit(1)
        )
        is not None
    )
