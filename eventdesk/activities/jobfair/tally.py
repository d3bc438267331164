"""The job fair's figures: what it feeds to the daily tally, and how they are rebuilt from the facts.

Standing figures (employers, postings, positions, public-welfare positions) count at the
employer's stand on the activity's day, whenever they were entered. Applications count at
the stand on the day they were made. An application's statuses count once each, when first
reached (``hired`` reaches an intention too), on the day of the earliest outcome not undone
that reached it; undoing that outcome hands the figure to the next one, as a check-in does.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventdesk.activities.jobfair.models import Application, Employer, Outcome, Posting
from eventdesk.activities.jobfair.vocabulary import HIRED, INTENTION
from eventdesk.core.actions import voided_ids
from eventdesk.core.kinds import Metric, TallyKey
from eventdesk.core.models import Action, Activity, Event
from eventdesk.extensions import db

EMPLOYERS = "employers"
POSTINGS = "postings"
POSITIONS = "positions"
PUBLIC_WELFARE_POSITIONS = "public_welfare_positions"
POOR_LABOURERS_PRESENT = "poor_labourers_present"
APPLICATIONS = "applications"
INTENTIONS = "intentions"
HIRES = "hired"

METRICS = (
    Metric(EMPLOYERS, _l("Employers taking part"), public=True, standing=True),
    Metric(POSTINGS, _l("Postings"), public=True, standing=True),
    Metric(POSITIONS, _l("Positions offered"), public=True, standing=True),
    Metric(PUBLIC_WELFARE_POSITIONS, _l("Public-welfare positions"), public=True, standing=True),
    Metric(POOR_LABOURERS_PRESENT, _l("Registered poor labourers present")),
    Metric(APPLICATIONS, _l("Applications"), public=True),
    Metric(INTENTIONS, _l("Intentions reached"), public=True),
    Metric(HIRES, _l("Hired"), public=True),
)

#: The statuses that reach each status metric.
REACHED_BY = {INTENTIONS: (INTENTION, HIRED), HIRES: (HIRED,)}

Figures = list[tuple[TallyKey, int]]


def present_metrics(fields) -> list[str]:
    """A registered poor labourer (建档立卡贫困劳动力) counts as present once checked in."""
    return [POOR_LABOURERS_PRESENT] if fields.get("poor_labourer") is True else []


def metrics_reached(status: str) -> list[str]:
    return [metric for metric, statuses in REACHED_BY.items() if status in statuses]


def standing(activity: Activity, booth_id: int, *, employers=0, postings=0, positions=0, public_welfare=0):
    """Standing figures at a stand, on the activity's day."""
    key = (activity.day, activity.id, booth_id)
    changes = {EMPLOYERS: employers, POSTINGS: postings, POSITIONS: positions}
    changes[PUBLIC_WELFARE_POSITIONS] = public_welfare
    return [((*key, metric), amount) for metric, amount in changes.items() if amount]


def posting_figures(posting: Posting, sign: int = 1) -> Figures:
    """What a posting adds to its stand's standing figures (or takes away, with sign -1)."""
    employer = posting.employer
    return standing(
        employer.booth.activity,
        employer.booth_id,
        postings=sign,
        positions=sign * posting.positions,
        public_welfare=sign * posting.positions if posting.public_welfare else 0,
    )


# -- rebuilding ------------------------------------------------------------------------------


def rebuild_tally(day: dt.date | None) -> Iterable[tuple[TallyKey, int]]:
    """The job fair's figures from its facts (one local day, or all)."""
    figures: Counter = Counter()
    _standing(figures, day)
    _applications(figures, day)
    _statuses(figures, day)
    return figures.items()


def _standing(figures: Counter, day: dt.date | None) -> None:
    postings = (
        sa.select(
            Posting.employer_id,
            sa.func.count(Posting.id).label("postings"),
            sa.func.sum(Posting.positions).label("positions"),
            sa.func.sum(sa.case((Posting.public_welfare, Posting.positions), else_=0)).label("welfare"),
        )
        .group_by(Posting.employer_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Employer.activity_id,
            Employer.booth_id,
            Activity.opens_at,
            Event.timezone,
            postings.c.postings,
            postings.c.positions,
            postings.c.welfare,
        )
        .join(Activity, Activity.id == Employer.activity_id)
        .join(Event, Event.id == Activity.event_id)
        .outerjoin(postings, postings.c.employer_id == Employer.id)
    )
    for activity_id, booth_id, opens_at, timezone, count, positions, welfare in rows:
        activity_day = opens_at.astimezone(ZoneInfo(timezone)).date()
        if day is not None and activity_day != day:
            continue
        key = (activity_day, activity_id, booth_id)
        figures[(*key, EMPLOYERS)] += 1
        figures[(*key, POSTINGS)] += int(count or 0)
        figures[(*key, POSITIONS)] += int(positions or 0)
        figures[(*key, PUBLIC_WELFARE_POSITIONS)] += int(welfare or 0)


def _applications(figures: Counter, day: dt.date | None) -> None:
    statement = (
        sa.select(Action.local_day, Application.activity_id, Application.booth_id, sa.func.count())
        .join(Action, Action.id == Application.action_id)
        .where(Action.id.not_in(voided_ids()))
        .group_by(Action.local_day, Application.activity_id, Application.booth_id)
    )
    if day is not None:
        statement = statement.where(Action.local_day == day)
    for local_day, activity_id, booth_id, count in db.session.execute(statement):
        figures[(local_day, activity_id, booth_id, APPLICATIONS)] += count


def _statuses(figures: Counter, day: dt.date | None) -> None:
    """Each application's statuses, counted at the first live outcome that reached them."""
    statement = (
        sa.select(
            Outcome.application_id,
            Outcome.status,
            Action.local_day,
            Application.activity_id,
            Application.booth_id,
        )
        .join(Action, Action.id == Outcome.action_id)
        .join(Application, Application.id == Outcome.application_id)
        .where(Action.id.not_in(voided_ids()))
        .order_by(Action.counted_at, Action.id)
    )
    counted: set[tuple[int, str]] = set()
    for application_id, status, local_day, activity_id, booth_id in db.session.execute(statement):
        for metric in metrics_reached(status):
            if (application_id, metric) in counted:
                continue
            counted.add((application_id, metric))
            if day is None or local_day == day:
                figures[(local_day, activity_id, booth_id, metric)] += 1
