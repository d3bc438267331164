"""What the consultation fair's pages, lists, report and dashboard read: consultations and
follow-ups with their answers, figures by department and topic. Nothing here writes."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from eventdesk.activities.consultation import tally as fair_tally
from eventdesk.activities.consultation.departments import follow_up_days_by_activity
from eventdesk.activities.consultation.models import Answer, Consultation
from eventdesk.core.models import Action, Activity, Booth, Department, TallyCount
from eventdesk.extensions import db


@dataclass
class ConsultationRow:
    """A consultation not undone, where and when it was asked, and its answer if it has one."""

    consultation: Consultation
    asked_at: dt.datetime
    #: The day it was asked (earlier than `asked_at` for a question written down before the fair).
    asked_on: dt.date
    activity: Activity
    booth: Booth
    department: Department
    answer: Answer | None
    answered_at: dt.datetime | None
    #: Days since it was asked (local days), and whether it waits longer than its fair allows.
    age_days: int = 0
    overdue: bool = False

    @property
    def is_open(self) -> bool:
        return self.consultation.follow_up and self.answer is None


def consultations(*conditions, today: dt.date | None = None) -> list[ConsultationRow]:
    """Consultations not undone that match `conditions` (on `Consultation`), oldest first; their
    age and overdue state are judged on `today` (local), when given."""
    rows = db.session.execute(
        sa.select(Consultation, Action.counted_at, Action.local_day, Activity, Booth, Department, Answer)
        .join(Action, Action.id == Consultation.action_id)
        .join(Activity, Activity.id == Consultation.activity_id)
        .join(Booth, Booth.id == Consultation.booth_id)
        .join(Department, Department.id == Consultation.department_id)
        .outerjoin(Answer, Answer.action_id == Consultation.answer_action_id)
        .where(Consultation.voided_at.is_(None), *conditions)
        .order_by(Action.counted_at, Consultation.id)
    ).all()
    answered_at = _answer_times([row[0].answer_action_id for row in rows if row[0].answer_action_id])
    days = follow_up_days_by_activity({row[3].id for row in rows})
    found = []
    for consultation, asked_at, day, activity, booth, department, answer in rows:
        row = ConsultationRow(
            consultation=consultation,
            asked_at=asked_at,
            asked_on=day - dt.timedelta(days=consultation.asked_days_earlier),
            activity=activity,
            booth=booth,
            department=department,
            answer=answer,
            answered_at=answered_at.get(consultation.answer_action_id),
        )
        if today is not None:
            row.age_days = (today - row.asked_on).days
            row.overdue = row.is_open and row.age_days > days[activity.id]
        found.append(row)
    return found


def _answer_times(action_ids: list[int]) -> dict[int, dt.datetime]:
    found = {}
    for start in range(0, len(action_ids), 500):
        part = action_ids[start : start + 500]
        found.update(
            db.session.execute(sa.select(Action.id, Action.counted_at).where(Action.id.in_(part))).all()
        )
    return found


def follow_ups(*conditions, today: dt.date) -> list[ConsultationRow]:
    """Follow-ups (open and answered) matching `conditions`: open ones first, oldest first; then
    the answered, latest answer first."""
    rows = consultations(Consultation.follow_up.is_(True), *conditions, today=today)
    open_ = [row for row in rows if row.is_open]
    answered = sorted((row for row in rows if not row.is_open), key=lambda row: row.answered_at, reverse=True)
    return open_ + answered


@dataclass
class DepartmentFigures:
    """A department's consultations at one or more fairs on a day (from the tally)."""

    department: Department
    booths: int = 0
    figures: Counter = field(default_factory=Counter)

    @property
    def topics(self) -> list[tuple[str, int]]:
        prefix = f"{fair_tally.CONSULTATIONS}."
        return sorted(
            ((name[len(prefix) :], value) for name, value in self.figures.items() if name.startswith(prefix)),
            key=lambda item: -item[1],
        )


def figures_by_department(activity_ids: Iterable[int], day: dt.date) -> list[DepartmentFigures]:
    """The fairs' figures of `day` at each department's booths (a booth of none counts for the
    fair's lead, which owes its answers), in the departments' order."""
    ids = list(activity_ids)
    owner = sa.func.coalesce(Booth.department_id, Activity.lead_department_id)
    booths = db.session.execute(
        sa.select(Booth.id, owner)
        .join(Activity, Activity.id == Booth.activity_id)
        .where(Booth.activity_id.in_(ids))
    ).all()
    department_of = dict(booths)
    departments = {
        department.id: DepartmentFigures(department)
        for department in db.session.scalars(
            sa.select(Department)
            .where(Department.id.in_(set(department_of.values())))
            .order_by(Department.sort_order, Department.id)
        )
    }
    for department_id in department_of.values():
        departments[department_id].booths += 1
    metrics = {metric.name for metric in fair_tally.METRICS}
    rows = db.session.execute(
        sa.select(TallyCount.booth_id, TallyCount.metric, sa.func.sum(TallyCount.value))
        .where(
            TallyCount.activity_id.in_(ids),
            TallyCount.local_day == day,
            TallyCount.booth_id.in_(department_of),
        )
        .group_by(TallyCount.booth_id, TallyCount.metric)
    )
    for booth_id, metric, value in rows:
        if metric.split(".", 1)[0] in metrics:
            departments[department_of[booth_id]].figures[metric] += int(value)
    return list(departments.values())


def open_follow_ups_by_department(activity_ids: Iterable[int]) -> Counter:
    """Department id → its follow-ups still waiting for an answer at these fairs."""
    return Counter(
        dict(
            db.session.execute(
                sa.select(Consultation.department_id, sa.func.count())
                .where(
                    Consultation.activity_id.in_(list(activity_ids)),
                    Consultation.follow_up.is_(True),
                    Consultation.answer_action_id.is_(None),
                    Consultation.voided_at.is_(None),
                )
                .group_by(Consultation.department_id)
            ).all()
        )
    )


def today_at_booth(booth: Booth, day: dt.date) -> Counter:
    """The booth's consultation figures of `day`: the counter its desk keeps on screen."""
    return Counter(
        {
            metric: int(value)
            for metric, value in db.session.execute(
                sa.select(TallyCount.metric, sa.func.sum(TallyCount.value))
                .where(
                    TallyCount.booth_id == booth.id,
                    TallyCount.local_day == day,
                    TallyCount.activity_id == booth.activity_id,
                )
                .group_by(TallyCount.metric)
            )
            if value
        }
    )
