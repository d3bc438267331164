"""The consultation fair's lists to download: consultations per department, and follow-ups with
their answers (phone numbers in full for organizers only)."""

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventdesk.activities.consultation import queries
from eventdesk.activities.consultation.models import Consultation
from eventdesk.activities.consultation.vocabulary import TOPICS, label_of
from eventdesk.core.identity import mask_phone
from eventdesk.core.models import Action, Activity, utcnow
from eventdesk.reports.exports import Column
from eventdesk.reports.registry import ListExport


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _how(row: queries.ConsultationRow) -> str:
    if row.consultation.from_poster:
        return _("Booth poster")
    if row.consultation.registration_id is not None:
        return _("Ticket scanned")
    return _("Walk-in")


def _by_department(rows: list[queries.ConsultationRow]) -> list[queries.ConsultationRow]:
    return sorted(
        rows,
        key=lambda row: (row.department.sort_order, row.department.id, row.booth.sort_order, row.asked_at),
    )


def consultation_rows(activity: Activity, day: dt.date | None):
    conditions = [Consultation.activity_id == activity.id]
    if day is not None:
        conditions.append(Action.local_day == day)
    zone = activity.event.zone
    for row in _by_department(queries.consultations(*conditions)):
        yield {
            "department": row.department.label,
            "booth": row.booth.label,
            "asked_at": row.asked_at.astimezone(zone),
            "topic": label_of(TOPICS, row.consultation.topic),
            "how": _how(row),
            "follow_up": _yes_no(row.consultation.follow_up),
            "answered": _yes_no(row.answer is not None) if row.consultation.follow_up else "",
        }


CONSULTATIONS = ListExport(
    name="consultations",
    label=_l("Consultations per department"),
    columns=(
        Column("department", _l("Department")),
        Column("booth", _l("Booth")),
        Column("asked_at", _l("Asked at"), "datetime"),
        Column("topic", _l("Topic")),
        Column("how", _l("How")),
        Column("follow_up", _l("Needs an answer later")),
        Column("answered", _l("Answered")),
    ),
    rows=consultation_rows,
    by_day=True,
)


def follow_up_rows(activity: Activity, day: dt.date | None):
    conditions = [Consultation.activity_id == activity.id]
    if day is not None:
        conditions.append(Action.local_day == day)
    zone = activity.event.zone
    today = activity.event.local_day(utcnow())
    for row in _by_department(queries.follow_ups(*conditions, today=today)):
        yield {
            # The number the visitor was told and the department's page shows.
            "question_number": row.consultation.id,
            "department": row.department.label,
            "booth": row.booth.label,
            "asked_at": row.asked_at.astimezone(zone),
            "asked_on": row.asked_on,
            "topic": label_of(TOPICS, row.consultation.topic),
            "question": row.consultation.question,
            "contact_phone": row.consultation.contact_phone,
            "status": _("Overdue") if row.overdue else (_("Waiting") if row.is_open else _("Answered")),
            "answered_at": row.answered_at.astimezone(zone) if row.answered_at else None,
            "answer": row.answer.note if row.answer else None,
        }


FOLLOW_UPS = ListExport(
    name="follow_ups",
    label=_l("Follow-ups and their answers"),
    columns=(
        Column("question_number", _l("Question No."), "int"),
        Column("department", _l("Department")),
        Column("booth", _l("Booth")),
        Column("asked_at", _l("Asked at"), "datetime"),
        Column("asked_on", _l("Asked on"), "date"),
        Column("topic", _l("Topic")),
        Column("question", _l("Question")),
        Column("contact_phone", _l("Contact phone"), mask=mask_phone),
        Column("status", _l("State")),
        Column("answered_at", _l("Answered at"), "datetime"),
        Column("answer", _l("Answer")),
    ),
    rows=follow_up_rows,
    by_day=True,
)

LISTS = (CONSULTATIONS, FOLLOW_UPS)
