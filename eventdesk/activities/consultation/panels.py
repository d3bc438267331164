"""What the consultation fair adds to the core's pages: links on the activity's page, the visitor's
questions and answers on their ticket, its dashboard tiles, its section of the written report
(by department, the way the departments report upward), and its open follow-ups."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from eventdesk.activities.consultation import queries
from eventdesk.activities.consultation import tally as fair_tally
from eventdesk.activities.consultation.departments import follow_up_days_by_activity, taking_part
from eventdesk.activities.consultation.models import Consultation
from eventdesk.activities.consultation.permissions import serves_department
from eventdesk.activities.consultation.vocabulary import TOPICS, label_of
from eventdesk.core.access import can_view_activity
from eventdesk.core.kinds import FollowUp, Link, Panel
from eventdesk.core.models import Action, Activity, Department, Registration, User
from eventdesk.extensions import db

#: The figures a department's row shows, in order.
REPORTED = (
    fair_tally.CONSULTATIONS,
    fair_tally.FOLLOW_UPS_OPENED,
    fair_tally.FOLLOW_UPS_CLOSED,
    fair_tally.MATERIALS_HANDED_OUT,
    fair_tally.DIGITAL_HANDOUTS,
)
#: The topics named in a department's row, most asked first.
TOPICS_NAMED = 3


def activity_links(activity: Activity, user: User):
    if can_view_activity(user, activity):
        yield Link(_("Department booths"), url_for("consultation.fair", activity_id=activity.id))
        yield Link(_("Materials stock"), url_for("consultation_stock.materials", activity_id=activity.id))
    # A department's own staff go straight to the questions it owes.
    for department in taking_part(activity):
        if serves_department(user, department.id, activity):
            yield Link(
                _("Follow-ups of %(department)s", department=department.label),
                url_for("consultation_follow_ups.follow_ups", department_id=department.id),
            )


def ticket_panel(registration: Registration) -> Panel | None:
    """The visitor's questions at the fair's booths and the answers given."""
    rows = queries.consultations(Consultation.registration_id == registration.id)
    if not rows:
        return None
    return Panel(template="consultation/_ticket_panel.html", context={"rows": rows})


# -- the dashboard ----------------------------------------------------------------------------


def dashboard_departments(activity: Activity, day: dt.date) -> list[dict]:
    """The fair's consultations of `day` by department, and the follow-ups each still owes."""
    waiting = queries.open_follow_ups_by_department([activity.id])
    return [
        {
            "department": row.department,
            "consultations": row.figures[fair_tally.CONSULTATIONS],
            "waiting": waiting[row.department.id],
        }
        for row in queries.figures_by_department([activity.id], day)
    ]


def dashboard_topics(metrics: dict) -> list[tuple[str, int]]:
    """(topic label, consultations) of the topics asked about, most asked first."""
    found = [
        (str(choice.label), metrics.get(fair_tally.topic_metric(choice.value), 0))
        for choice in TOPICS
        if metrics.get(fair_tally.topic_metric(choice.value), 0)
    ]
    return sorted(found, key=lambda item: -item[1])


def open_follow_ups_of(activity: Activity) -> int:
    return sum(queries.open_follow_ups_by_department([activity.id]).values())


# -- the written report -----------------------------------------------------------------------


@dataclass
class DepartmentRow:
    label: str
    sort_key: tuple
    booths: int = 0
    figures: Counter = field(default_factory=Counter)

    @property
    def topics(self) -> str:
        prefix = f"{fair_tally.CONSULTATIONS}."
        asked = sorted(
            (
                (name[len(prefix) :], value)
                for name, value in self.figures.items()
                if name.startswith(prefix) and value
            ),
            key=lambda item: (-item[1], item[0]),
        )
        return _(", ").join(
            _("%(topic)s %(count)s", topic=label_of(TOPICS, topic), count=count)
            for topic, count in asked[:TOPICS_NAMED]
        )


def report_section(entries: Sequence, unit) -> Panel:
    """The written report's consultation section: each department's booths, consultations by topic,
    follow-ups opened and answered, materials handed out; a department's own report shows its row."""
    rows: dict[int, DepartmentRow] = {}
    for entry in entries:
        for booth in entry.booths:
            department = booth.booth.department or entry.activity.lead_department
            if unit.department is not None and department.id != unit.department.id:
                continue
            row = rows.setdefault(
                department.id, DepartmentRow(department.label, (department.sort_order, department.id))
            )
            row.booths += 1
            row.figures.update({name: value for name, value in booth.figures.items() if value})
    ordered = sorted(rows.values(), key=lambda row: row.sort_key)
    total = sum((row.figures for row in ordered), Counter())
    # Each counted thing is worded on its own, singular or plural, then put into the sentence.
    summary = ngettext(
        "%(num)d department answered %(consultations)s at %(booths)s and handed out %(materials)s "
        "(%(digital)d of them read on phones from the booth posters); %(opened)s and %(closed)s.",
        "%(num)d departments answered %(consultations)s at %(booths)s and handed out %(materials)s "
        "(%(digital)d of them read on phones from the booth posters); %(opened)s and %(closed)s.",
        len(ordered),
        consultations=ngettext(
            "%(num)d consultation", "%(num)d consultations", total[fair_tally.CONSULTATIONS]
        ),
        booths=ngettext("%(num)d booth", "%(num)d booths", sum(row.booths for row in ordered)),
        materials=ngettext(
            "%(num)d item of material", "%(num)d items of material", total[fair_tally.MATERIALS_HANDED_OUT]
        ),
        digital=total[fair_tally.DIGITAL_HANDOUTS],
        opened=ngettext(
            "%(num)d question was taken down for an answer later",
            "%(num)d questions were taken down for an answer later",
            total[fair_tally.FOLLOW_UPS_OPENED],
        ),
        closed=ngettext("%(num)d was answered", "%(num)d were answered", total[fair_tally.FOLLOW_UPS_CLOSED]),
    )
    return Panel(
        template="consultation/_report.html",
        title=_l("Policy consultations by department"),
        context={
            "rows": ordered,
            "total": total if len(ordered) > 1 else None,
            "summary": summary,
            "columns": [(name, _column_label(name)) for name in REPORTED],
        },
    )


def _column_label(name: str) -> str:
    if name == fair_tally.DIGITAL_HANDOUTS:
        return _("Of which read on phones")
    return str(next(metric.label for metric in fair_tally.METRICS if metric.name == name))


# -- follow-ups -------------------------------------------------------------------------------


def follow_ups(activity_ids: Sequence[int], day: dt.date) -> Iterable[FollowUp]:
    """The fairs' questions waiting for an answer, by department and topic, the overdue apart: no
    personal data (the report goes upward)."""
    rows = db.session.execute(
        sa.select(
            Consultation.activity_id,
            Consultation.department_id,
            Consultation.topic,
            Action.local_day,
            Consultation.asked_days_earlier,
        )
        .join(Action, Action.id == Consultation.action_id)
        .where(
            Consultation.activity_id.in_(list(activity_ids)),
            Consultation.follow_up.is_(True),
            Consultation.answer_action_id.is_(None),
            Consultation.voided_at.is_(None),
            Action.local_day <= day,
        )
    ).all()
    days = follow_up_days_by_activity({row[0] for row in rows})
    groups: dict[tuple, list[dt.date]] = {}
    for activity_id, department_id, topic, recorded_on, days_earlier in rows:
        asked_on = recorded_on - dt.timedelta(days=days_earlier)
        overdue = (day - asked_on).days > days[activity_id]
        groups.setdefault((activity_id, department_id, topic, overdue), []).append(asked_on)
    labels = {
        department.id: department.label
        for department in db.session.scalars(
            sa.select(Department).where(Department.id.in_({key[1] for key in groups}))
        )
    }
    # The overdue first: they are what the report's reader must act on.
    for (activity_id, department_id, topic, overdue), asked in sorted(
        groups.items(), key=lambda item: (not item[0][3], item[0])
    ):
        due_on = min(asked) + dt.timedelta(days=days[activity_id])
        words = dict(department=labels[department_id], topic=label_of(TOPICS, topic))
        summary = (
            ngettext(
                "%(department)s: %(num)d question on %(topic)s is past its answer date",
                "%(department)s: %(num)d questions on %(topic)s are past their answer date",
                len(asked),
                **words,
            )
            if overdue
            else ngettext(
                "%(department)s: %(num)d question on %(topic)s awaits an answer",
                "%(department)s: %(num)d questions on %(topic)s await an answer",
                len(asked),
                **words,
            )
        )
        yield FollowUp(
            activity_id=activity_id,
            summary=summary,
            department_id=department_id,
            count=len(asked),
            due_on=due_on,
            overdue=overdue,
        )
