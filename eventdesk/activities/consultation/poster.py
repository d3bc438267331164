"""A booth's poster: the policy its department writes, its PDF leaflets, and what a visitor who
scans the poster does there — reading the page counts as a digital hand-out, and a question
left with a phone number becomes a follow-up of the department, through the booth's
``consult`` action (`eventdesk.core.actions.record_action`) like any other consultation."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from werkzeug.datastructures import FileStorage

from eventdesk.activities.consultation import tally as fair_tally
from eventdesk.activities.consultation.consultations import POSTER_DEVICE, QUESTION_MAX_LENGTH
from eventdesk.activities.consultation.models import BoothPage, Leaflet, PosterRead
from eventdesk.core import audit, identity, tally
from eventdesk.core.actions import ActionRequest, record_action
from eventdesk.core.models import Booth, User, utcnow
from eventdesk.core.scans.model import Scanner
from eventdesk.core.text import clean_line, clean_paragraphs
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.urls import base_url

#: Enough for a few pages of policy, while the page stays light on a phone (under 60 KB).
POLICY_MAX_LENGTH = 6_000
LEAFLET_TITLE_MAX_LENGTH = 100
#: Leaflets are a page or two, downloaded on phones over mobile data (and never more than the
#: installation's upload limit).
LEAFLET_MAX_BYTES = 1_500_000


@dataclass
class Question:
    """What a visitor typed on the poster page."""

    topic: Any
    question: Any
    contact_phone: Any
    consent: Any


def poster_url(booth: Booth) -> str:
    """The public page's address, as the poster's QR code carries it."""
    return f"{base_url()}{url_for('consultation_public.poster', booth_id=booth.id)}"


def page_of(booth: Booth) -> BoothPage | None:
    return db.session.get(BoothPage, booth.id)


def leaflets_of(booth: Booth) -> list[Leaflet]:
    return list(
        db.session.scalars(sa.select(Leaflet).where(Leaflet.booth_id == booth.id).order_by(Leaflet.id))
    )


def set_policy_text(booth: Booth, text: Any, *, actor: User | None = None) -> BoothPage:
    """The policy the booth's department shows on its poster page (several paragraphs).

    :raises ServiceError: ``text_too_long``, ``invalid_text`` (400).
    """
    cleaned = clean_paragraphs(
        text if isinstance(text, str) else None, field="policy_text", max_length=POLICY_MAX_LENGTH
    )
    page = page_of(booth)
    if page is None:
        page = BoothPage(booth_id=booth.id)
        db.session.add(page)
    page.policy_text = cleaned
    page.updated_at = utcnow()
    db.session.flush()
    audit.record("consultation.policy_text_set", booth, user=actor)
    return page


def add_leaflet(
    booth: Booth, title: Any, upload: FileStorage | None, *, actor: User | None = None
) -> Leaflet:
    """A PDF leaflet for the booth's poster page.

    :raises ServiceError: ``text_required`` … (title), ``leaflet_not_pdf`` (400), ``leaflet_too_large`` (413).
    """
    title = clean_line(
        title if isinstance(title, str) else None, field="title", max_length=LEAFLET_TITLE_MAX_LENGTH
    )
    if upload is None or not upload.filename:
        raise ServiceError("leaflet_not_pdf", field="file")
    limit = min(LEAFLET_MAX_BYTES, current_app.config.get("EVENTDESK_UPLOAD_MAX_BYTES", LEAFLET_MAX_BYTES))
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise ServiceError("leaflet_too_large", status=413, field="file")
    if not data.startswith(b"%PDF-"):
        raise ServiceError("leaflet_not_pdf", field="file")
    leaflet = Leaflet(booth_id=booth.id, title=title, size=len(data), data=data)
    db.session.add(leaflet)
    db.session.flush()
    audit.record("consultation.leaflet_added", leaflet, user=actor, booth_id=booth.id)
    return leaflet


def delete_leaflet(leaflet: Leaflet, *, actor: User | None = None) -> None:
    audit.record("consultation.leaflet_deleted", leaflet, user=actor, title=leaflet.title)
    db.session.delete(leaflet)
    db.session.flush()


def record_read(booth: Booth, *, now: dt.datetime | None = None) -> PosterRead:
    """A visitor opened the booth's poster page: one digital hand-out, on the day it was read."""
    now = now or utcnow()
    read = PosterRead(
        activity_id=booth.activity_id,
        booth_id=booth.id,
        read_at=now,
        local_day=booth.activity.event.local_day(now),
    )
    db.session.add(read)
    db.session.flush()
    tally.feed(fair_tally.poster_read_figures(read))
    return read


def ask(booth: Booth, question: Question, *, now: dt.datetime | None = None) -> int:
    """A visitor's question left on the poster page: a consultation with a follow-up of the booth's
    department, recorded as the booth's ``consult``; returns its consultation id.

    :raises ServiceError: ``consent_required``, ``invalid_phone``, ``text_required``,
        ``text_too_long`` (400 or 422 with the field at fault), ``invalid_field`` (422, topic).
    """
    if question.consent is not True:
        raise ServiceError("consent_required", field="consent")
    try:
        phone = identity.normalise_phone(question.contact_phone or "")
    except ServiceError:
        raise ServiceError("invalid_phone", field="contact_phone") from None
    text = clean_paragraphs(
        question.question if isinstance(question.question, str) else None,
        field="question",
        max_length=QUESTION_MAX_LENGTH,
    )
    if not text:
        raise ServiceError("text_required", field="question")
    request = ActionRequest(
        client_action_id=str(uuid.uuid4()),
        booth_id=booth.id,
        fields={"topic": question.topic, "follow_up": True, "contact_phone": phone, "question": text},
    )
    recorded = record_action(
        booth.activity, "consult", request, scanner=Scanner(label=POSTER_DEVICE), now=now
    )
    return recorded.action.answer["consultation_id"]
