"""A booth's three actions: a consultation, materials handed out, and the answer to a follow-up.

All are recorded through the core's action service (`eventdesk.core.actions`), which has
checked the caller, the booth, the ticket and the fields' types before these run; the
booth's poster page records its questions through the same service.

- ``consult``: a topic, perhaps the visitor's ticket, perhaps a follow-up with a contact phone
  and the question. Without a ticket at the booth it is a walk-in, counted as a booth walk-in
  too. A follow-up is owed by the booth's department. A question written down before the fair
  (a village's question box) says the day it was asked (``asked_on``): its age counts from
  then, and nobody walked in with it.
- ``handout``: a quantity of one of the booth's materials; more than is left is refused
  (``out_of_stock``) by a conditional UPDATE, whatever the number of devices.
- ``answer``: a note that closes an open follow-up of the booth's department, asked at any of
  its booths (``not_open_follow_up`` when it is closed already or none was asked for).
"""

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from eventdesk.activities.consultation import tally as fair_tally
from eventdesk.activities.consultation.departments import department_id_of
from eventdesk.activities.consultation.models import Answer, Consultation, Handout, Material
from eventdesk.activities.consultation.vocabulary import TOPICS, label_of
from eventdesk.core import identity
from eventdesk.core.fields import Choice
from eventdesk.core.kinds import ActionContext, ActionOutcome
from eventdesk.core.models import Activity, Booth, utcnow
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

#: The device a booth's poster page records its visitors' questions as.
POSTER_DEVICE = "booth poster"
QUESTION_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 1000
MAX_QUANTITY = 100_000
#: A question written down before the fair is brought to the booth within this time.
MAX_QUESTION_AGE_DAYS = 365


def from_poster(context: ActionContext) -> bool:
    """Asked on the booth's poster page, not in person at the booth."""
    return context.device == POSTER_DEVICE and context.user_id is None and context.credential_id is None


# -- choices, computed for the booth ----------------------------------------------------------


def booth_materials(_activity: Activity, booth: Booth | None) -> list[Choice]:
    """The booth's materials, with what is left."""
    if booth is None:
        return []
    materials = db.session.scalars(
        sa.select(Material).where(Material.booth_id == booth.id).order_by(Material.id)
    )
    return [
        Choice(str(material.id), _("%(name)s (%(left)s left)", name=material.name, left=material.left))
        for material in materials
    ]


def fair_materials(activity: Activity, _booth: Booth | None) -> list[Choice]:
    """Every material of the fair: another booth's is refused by `record_handout` with its own reason."""
    ids = db.session.scalars(sa.select(Material.id).where(Material.activity_id == activity.id))
    return [Choice(str(material_id), "") for material_id in ids]


def open_follow_ups(activity: Activity, booth: Booth | None) -> list[Choice]:
    """The follow-ups the booth's department owes at this fair, oldest first, without full personal data."""
    if booth is None:
        return []
    rows = db.session.execute(
        sa.select(Consultation.id, Consultation.topic, Consultation.contact_phone, Consultation.question)
        .where(
            Consultation.activity_id == activity.id,
            Consultation.department_id == department_id_of(activity, booth),
            Consultation.follow_up.is_(True),
            Consultation.answer_action_id.is_(None),
            Consultation.voided_at.is_(None),
        )
        .order_by(Consultation.id)
    )
    return [
        Choice(str(number), follow_up_label(number, topic, phone, question))
        for number, topic, phone, question in rows
    ]


def follow_up_label(number: int, topic: str, phone: str, question: str | None) -> str:
    label = _(
        "No. %(number)s, %(topic)s, phone ending %(tail)s",
        number=number,
        topic=label_of(TOPICS, topic),
        tail=phone[-4:],
    )
    return f"{label}: {question[:40]}" if question else label


def fair_consultations(activity: Activity, _booth: Booth | None) -> list[Choice]:
    """Every consultation of the fair: one that is not an open follow-up of the booth's department
    is refused by `record_answer` with its own reason."""
    ids = db.session.scalars(sa.select(Consultation.id).where(Consultation.activity_id == activity.id))
    return [Choice(str(number), "") for number in ids]


# -- consult ----------------------------------------------------------------------------------


def record_consult(context: ActionContext) -> ActionOutcome:
    fields = context.fields
    follow_up = fields.get("follow_up") is True
    phone = None
    if follow_up:
        if not fields.get("contact_phone"):
            raise ServiceError("contact_phone_required", status=422, field="contact_phone")
        try:
            phone = identity.normalise_phone(fields["contact_phone"])
        except ServiceError:
            raise ServiceError("invalid_phone", status=422, field="contact_phone") from None
    poster = from_poster(context)
    days_earlier = _days_earlier(fields.get("asked_on"), context.local_day)
    consultation = Consultation(
        action_id=context.action_id,
        activity_id=context.activity.id,
        booth_id=context.booth.id,
        department_id=department_id_of(context.activity, context.booth),
        topic=fields["topic"],
        asked_days_earlier=days_earlier,
        registration_id=context.registration.id if context.registration else None,
        # Someone at the booth without a ticket; not a question written down elsewhere.
        walk_in=context.registration is None and not poster and days_earlier == 0,
        from_poster=poster,
        follow_up=follow_up,
        contact_phone=phone,
        question=fields.get("question"),
    )
    db.session.add(consultation)
    db.session.flush()
    return ActionOutcome(
        figures=fair_tally.consultation_figures(context.local_day, consultation),
        answer={"consultation_id": consultation.id},
    )


def _days_earlier(asked_on: str | None, day: dt.date) -> int:
    """How long before the consultation's day `asked_on` is: 0 when it was asked at the booth."""
    if asked_on is None:
        return 0
    earlier = (day - dt.date.fromisoformat(asked_on)).days
    if not 0 <= earlier <= MAX_QUESTION_AGE_DAYS:
        raise ServiceError("invalid_asked_on", status=422, field="asked_on")
    return earlier


def void_consult(context: ActionContext) -> ActionOutcome:
    consultation = _locked(Consultation.action_id == context.action_id)
    if consultation.answer_action_id is not None:
        raise ServiceError("consultation_answered", status=409)
    consultation.voided_at = utcnow()
    return ActionOutcome(figures=fair_tally.consultation_figures(context.local_day, consultation, -1))


# -- handout ----------------------------------------------------------------------------------


def record_handout(context: ActionContext) -> ActionOutcome:
    material = db.session.get(Material, int(context.fields["material_id"]))
    if material.booth_id != context.booth.id:
        raise ServiceError("wrong_booth", status=409, field="material_id")
    quantity = context.fields["quantity"]
    # One statement, so that two devices cannot both hand out the last leaflets.
    taken = db.session.execute(
        sa.update(Material)
        .where(Material.id == material.id, Material.handed_out + quantity <= Material.brought)
        .values(handed_out=Material.handed_out + quantity)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise ServiceError("out_of_stock", status=409, field="quantity")
    db.session.add(Handout(action_id=context.action_id, material_id=material.id, quantity=quantity))
    db.session.flush()
    db.session.expire(material, ["handed_out"])
    return ActionOutcome(
        figures=fair_tally.handout_figures(context.local_day, material, quantity),
        answer={"material_id": material.id, "left": material.left},
    )


def void_handout(context: ActionContext) -> ActionOutcome:
    handout = db.session.get(Handout, context.action_id)
    material = db.session.get(Material, handout.material_id)
    db.session.execute(
        sa.update(Material)
        .where(Material.id == material.id)
        .values(handed_out=Material.handed_out - handout.quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(material, ["handed_out"])
    return ActionOutcome(figures=fair_tally.handout_figures(context.local_day, material, -handout.quantity))


# -- answer -----------------------------------------------------------------------------------


def record_answer(context: ActionContext) -> ActionOutcome:
    consultation = _locked(Consultation.id == int(context.fields["consultation_id"]))
    if consultation.department_id != department_id_of(context.activity, context.booth):
        raise ServiceError("wrong_booth", status=409, field="consultation_id")
    if not consultation.follow_up or consultation.voided_at is not None:
        raise ServiceError("not_open_follow_up", status=409, field="consultation_id")
    closed = db.session.execute(
        sa.update(Consultation)
        .where(
            Consultation.id == consultation.id,
            Consultation.answer_action_id.is_(None),
            Consultation.voided_at.is_(None),
        )
        .values(answer_action_id=context.action_id)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        raise ServiceError("not_open_follow_up", status=409, field="consultation_id")
    db.session.add(
        Answer(action_id=context.action_id, consultation_id=consultation.id, note=context.fields["note"])
    )
    db.session.flush()
    db.session.expire(consultation, ["answer_action_id"])
    return ActionOutcome(
        figures=fair_tally.answer_figures(context.local_day, consultation),
        answer={"consultation_id": consultation.id},
    )


def void_answer(context: ActionContext) -> ActionOutcome:
    """The follow-up is open again."""
    answer = db.session.get(Answer, context.action_id)
    consultation = _locked(Consultation.id == answer.consultation_id)
    consultation.answer_action_id = None
    return ActionOutcome(figures=fair_tally.answer_figures(context.local_day, consultation, -1))


def _locked(condition) -> Consultation:
    """The consultation, locked until commit: its answers are judged one at a time (PostgreSQL;
    SQLite writers already take turns)."""
    return db.session.scalars(
        sa.select(Consultation).where(condition).with_for_update().execution_options(populate_existing=True)
    ).one()
