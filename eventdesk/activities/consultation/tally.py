"""The consultation fair's figures: what it feeds to the daily tally, and how they are rebuilt
from the facts.

Every figure counts at the booth, on the local day of the fact: a consultation (and its topic,
and a follow-up opened) on the day it was asked; a walk-in consultation counts a booth walk-in
too; a follow-up closed on the day it was answered, at the booth it was asked at; materials on
the day they were handed out, and a read of the booth's poster page as a digital hand-out
(``materials_handed_out.digital``, part of ``materials_handed_out``).
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventdesk.activities.consultation.models import Answer, Consultation, Handout, Material, PosterRead
from eventdesk.activities.consultation.vocabulary import TOPICS
from eventdesk.core.actions import voided_ids
from eventdesk.core.kinds import Metric, TallyKey
from eventdesk.core.models import Action
from eventdesk.core.tally import WALK_INS
from eventdesk.extensions import db

CONSULTATIONS = "consultations"
FOLLOW_UPS_OPENED = "follow_ups_opened"
FOLLOW_UPS_CLOSED = "follow_ups_closed"
MATERIALS_HANDED_OUT = "materials_handed_out"
DIGITAL = "digital"
DIGITAL_HANDOUTS = f"{MATERIALS_HANDED_OUT}.{DIGITAL}"

METRICS = (
    Metric(
        CONSULTATIONS,
        _l("Consultations"),
        breakdown={choice.value: choice.label for choice in TOPICS},
    ),
    Metric(FOLLOW_UPS_OPENED, _l("Follow-ups opened")),
    Metric(FOLLOW_UPS_CLOSED, _l("Follow-ups answered")),
    Metric(
        MATERIALS_HANDED_OUT,
        _l("Materials handed out"),
        breakdown={DIGITAL: _l("Read on a phone (booth poster)")},
    ),
)

Figures = list[tuple[TallyKey, int]]


def topic_metric(topic: str) -> str:
    return f"{CONSULTATIONS}.{topic}"


def consultation_figures(day: dt.date, consultation: Consultation, sign: int = 1) -> Figures:
    key = (day, consultation.activity_id, consultation.booth_id)
    figures = [((*key, CONSULTATIONS), sign), ((*key, topic_metric(consultation.topic)), sign)]
    if consultation.follow_up:
        figures.append(((*key, FOLLOW_UPS_OPENED), sign))
    if consultation.walk_in:
        figures.append(((*key, WALK_INS), sign))
    return figures


def handout_figures(day: dt.date, material: Material, quantity: int) -> Figures:
    return [((day, material.activity_id, material.booth_id, MATERIALS_HANDED_OUT), quantity)]


def answer_figures(day: dt.date, consultation: Consultation, sign: int = 1) -> Figures:
    return [((day, consultation.activity_id, consultation.booth_id, FOLLOW_UPS_CLOSED), sign)]


def poster_read_figures(read: PosterRead) -> Figures:
    key = (read.local_day, read.activity_id, read.booth_id)
    return [((*key, MATERIALS_HANDED_OUT), 1), ((*key, DIGITAL_HANDOUTS), 1)]


# -- rebuilding ------------------------------------------------------------------------------


def rebuild_tally(day: dt.date | None) -> Iterable[tuple[TallyKey, int]]:
    """The consultation fair's figures from its facts (one local day, or all)."""
    figures: Counter = Counter()
    _consultations(figures, day)
    _handouts(figures, day)
    _answers(figures, day)
    _poster_reads(figures, day)
    return figures.items()


def _live(statement: sa.Select, day: dt.date | None) -> sa.Select:
    statement = statement.where(Action.id.not_in(voided_ids()))
    return statement if day is None else statement.where(Action.local_day == day)


def _consultations(figures: Counter, day: dt.date | None) -> None:
    statement = sa.select(
        Action.local_day,
        Consultation.activity_id,
        Consultation.booth_id,
        Consultation.topic,
        Consultation.follow_up,
        Consultation.walk_in,
    ).join(Action, Action.id == Consultation.action_id)
    for local_day, activity_id, booth_id, topic, follow_up, walk_in in db.session.execute(
        _live(statement, day)
    ):
        key = (local_day, activity_id, booth_id)
        figures[(*key, CONSULTATIONS)] += 1
        figures[(*key, topic_metric(topic))] += 1
        figures[(*key, FOLLOW_UPS_OPENED)] += follow_up
        figures[(*key, WALK_INS)] += walk_in


def _handouts(figures: Counter, day: dt.date | None) -> None:
    statement = (
        sa.select(Action.local_day, Material.activity_id, Material.booth_id, sa.func.sum(Handout.quantity))
        .select_from(Handout)
        .join(Action, Action.id == Handout.action_id)
        .join(Material, Material.id == Handout.material_id)
        .group_by(Action.local_day, Material.activity_id, Material.booth_id)
    )
    for local_day, activity_id, booth_id, quantity in db.session.execute(_live(statement, day)):
        figures[(local_day, activity_id, booth_id, MATERIALS_HANDED_OUT)] += int(quantity)


def _answers(figures: Counter, day: dt.date | None) -> None:
    statement = (
        sa.select(Action.local_day, Consultation.activity_id, Consultation.booth_id, sa.func.count())
        .select_from(Answer)
        .join(Action, Action.id == Answer.action_id)
        .join(Consultation, Consultation.id == Answer.consultation_id)
        .group_by(Action.local_day, Consultation.activity_id, Consultation.booth_id)
    )
    for local_day, activity_id, booth_id, count in db.session.execute(_live(statement, day)):
        figures[(local_day, activity_id, booth_id, FOLLOW_UPS_CLOSED)] += count


def _poster_reads(figures: Counter, day: dt.date | None) -> None:
    statement = sa.select(
        PosterRead.local_day, PosterRead.activity_id, PosterRead.booth_id, sa.func.count()
    ).group_by(PosterRead.local_day, PosterRead.activity_id, PosterRead.booth_id)
    if day is not None:
        statement = statement.where(PosterRead.local_day == day)
    for local_day, activity_id, booth_id, count in db.session.execute(statement):
        key = (local_day, activity_id, booth_id)
        figures[(*key, MATERIALS_HANDED_OUT)] += count
        figures[(*key, DIGITAL_HANDOUTS)] += count
