"""Employers and their postings: set up by the organizers, or by an employer's own staff at
its stand; imported from spreadsheets through the same functions.

An employer has exactly one stand, a booth of the activity made when the employer is new.
Every change feeds the stand's standing figures (employers, postings, positions,
public-welfare positions) in the same transaction.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from eventdesk.activities.jobfair import tally as fair_tally
from eventdesk.activities.jobfair.models import Application, Employer, Posting
from eventdesk.activities.jobfair.vocabulary import ANY_EDUCATION, EDUCATION, EMPLOYER_KINDS
from eventdesk.core import audit, identity, tally
from eventdesk.core.fields import Field
from eventdesk.core.models import Activity, Booth, User
from eventdesk.core.services import activities
from eventdesk.core.services.setup import SORT_ORDER_MAX, apply_changes, is_taken, record_update
from eventdesk.core.text import clean_line, clean_paragraphs
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

NAME_MAX_LENGTH = 100
CONTACT_NAME_MAX_LENGTH = 50
STAND_NUMBER_MAX_LENGTH = 20
TITLE_MAX_LENGTH = 100
WORKPLACE_MAX_LENGTH = 100
REQUIREMENTS_MAX_LENGTH = 1000
MAX_POSITIONS = 100_000
MAX_PAY = 1_000_000
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")
_WHOLE_NUMBER = re.compile(r"\d{1,9}")
#: What people write for an education level besides its label (a spreadsheet's own words).
EDUCATION_ALIASES = {
    "技校": "vocational",
    "中职": "vocational",
    "职高": "vocational",
    "中专/技校": "vocational",
    "专科": "college",
    "高职": "college",
    "大学本科": "bachelor",
    "硕士": "master",
    "研究生": "master",
    "博士": "master",
}
_ANY_EDUCATION_WORDS = frozenset({"不限", "无", "无要求", "any", "none"})
_KIND_FIELD = Field("kind", "kind", "choice")
_EDUCATION_FIELD = Field("education", "education", "choice")
_YES_NO_FIELD = Field("public_welfare", "public_welfare", "boolean")


@dataclass
class EmployerInput:
    """An employer as typed (a form, a spreadsheet row) or sent: text or plain values."""

    name: Any
    kind: Any
    contact_name: Any
    contact_phone: Any
    stand_number: Any = None


@dataclass
class PostingInput:
    """A posting as typed or sent; numbers and yes/no may come as text (是, 3 000 …)."""

    title: Any
    positions: Any
    public_welfare: Any = False
    pay_min: Any = None
    pay_max: Any = None
    education: Any = None
    workplace: Any = None
    requirements: Any = None


# -- employers --------------------------------------------------------------------------------


def employer_named(activity: Activity, name: str) -> Employer | None:
    return db.session.scalar(
        sa.select(Employer).where(Employer.activity_id == activity.id, Employer.name == name)
    )


def employer_at(booth: Booth | None) -> Employer | None:
    """The employer whose stand `booth` is (None for a desk that is no employer's)."""
    if booth is None:
        return None
    return db.session.scalar(sa.select(Employer).where(Employer.booth_id == booth.id))


def create_employer(activity: Activity, data: EmployerInput, *, actor: User | None = None) -> Employer:
    """A new employer at a job fair, with its stand.

    :raises ServiceError: ``text_required``, ``text_too_long``, ``invalid_text``,
        ``unknown_employer_kind``, ``invalid_contact_phone`` (400); ``name_taken``,
        ``stand_taken`` (409).
    """
    values = _employer_values(activity, data, exclude=None)
    employer = Employer(
        activity_id=activity.id, booth_id=_stand_for(activity, values["name"], actor).id, **values
    )
    db.session.add(employer)
    db.session.flush()
    tally.feed(fair_tally.standing(activity, employer.booth_id, employers=1))
    audit.record("jobfair.employer_created", employer, user=actor, activity_id=activity.id)
    return employer


def update_employer(employer: Employer, data: EmployerInput, *, actor: User | None = None) -> list[str]:
    """Change an employer's details; its stand keeps its place and takes its new name."""
    values = _employer_values(employer.activity, data, exclude=employer)
    changed = apply_changes(employer, values)
    if "name" in changed:
        booth = employer.booth
        activities.update_booth(
            booth,
            name=employer.name,
            name_en=booth.name_en,
            department_id=booth.department_id,
            sort_order=booth.sort_order,
            actor=actor,
        )
    record_update("jobfair.employer_updated", employer, changed, actor)
    return changed


def delete_employer(employer: Employer, *, actor: User | None = None) -> None:
    """Remove an employer entered by mistake, with its postings and their standing figures.
    Its stand stays a booth of the fair, for the employer that takes its place.

    :raises ServiceError: ``employer_has_applications`` (409).
    """
    applied = sa.select(Application.id).join(Posting).where(Posting.employer_id == employer.id).limit(1)
    if db.session.scalar(applied):
        raise ServiceError("employer_has_applications", status=409)
    figures = [change for posting in employer.postings for change in fair_tally.posting_figures(posting, -1)]
    tally.feed([*figures, *fair_tally.standing(employer.activity, employer.booth_id, employers=-1)])
    audit.record(
        "jobfair.employer_deleted", employer, user=actor, activity_id=employer.activity_id, name=employer.name
    )
    db.session.delete(employer)
    db.session.flush()


def _employer_values(activity: Activity, data: EmployerInput, exclude: Employer | None) -> dict:
    name = clean_line(_text(data.name), field="name", max_length=NAME_MAX_LENGTH)
    values = {
        "name": name,
        "kind": _choice(_KIND_FIELD, data.kind, EMPLOYER_KINDS, "unknown_employer_kind"),
        "contact_name": clean_line(
            _text(data.contact_name), field="contact_name", max_length=CONTACT_NAME_MAX_LENGTH
        ),
        "contact_phone": clean_contact_phone(data.contact_phone),
        "stand_number": clean_line(
            _text(data.stand_number), field="stand_number", max_length=STAND_NUMBER_MAX_LENGTH, required=False
        ),
    }
    if values["kind"] is None:
        raise ServiceError("unknown_employer_kind", field="kind")
    mine = Employer.activity_id == activity.id
    if is_taken(Employer, mine, Employer.name == name, exclude=exclude):
        raise ServiceError("name_taken", field="name", status=409)
    if values["stand_number"] and is_taken(
        Employer, mine, Employer.stand_number == values["stand_number"], exclude=exclude
    ):
        raise ServiceError("stand_taken", field="stand_number", status=409)
    return values


def clean_contact_phone(value: Any) -> str:
    """A mobile number (11 digits), or a landline with its area code (0919-3152100)."""
    text = unicodedata.normalize("NFKC", _text(value) or "").strip()
    try:
        return identity.normalise_phone(text)
    except ServiceError:
        pass
    landline = re.sub(r"[\s()]", "", text).replace("—", "-").replace("–", "-")
    if _LANDLINE.fullmatch(landline):
        return landline
    raise ServiceError("invalid_contact_phone", field="contact_phone")


def _stand_for(activity: Activity, name: str, actor: User | None) -> Booth:
    """The employer's stand: a booth already set up under its name and free, else a new one."""
    booth = db.session.scalar(sa.select(Booth).where(Booth.activity_id == activity.id, Booth.name == name))
    if booth is not None:
        if booth.department_id is not None or employer_at(booth) is not None:
            raise ServiceError("name_taken", field="name", status=409)
        return booth
    last = db.session.scalar(sa.select(sa.func.max(Booth.sort_order)).where(Booth.activity_id == activity.id))
    return activities.create_booth(
        activity, name=name, sort_order=min((last or 0) + 10, SORT_ORDER_MAX), actor=actor
    )


# -- postings ---------------------------------------------------------------------------------


def posting_titled(employer: Employer, title: str) -> Posting | None:
    return db.session.scalar(
        sa.select(Posting).where(Posting.employer_id == employer.id, Posting.title == title)
    )


def create_posting(employer: Employer, data: PostingInput, *, actor: User | None = None) -> Posting:
    """A new posting of an employer, counted in its stand's standing figures.

    :raises ServiceError: ``text_required`` …, ``invalid_positions``, ``invalid_pay``,
        ``pay_out_of_order``, ``unknown_education``, ``invalid_yes_no`` (400); ``name_taken`` (409).
    """
    values = posting_values(data)
    if is_taken(Posting, Posting.employer_id == employer.id, Posting.title == values["title"]):
        raise ServiceError("name_taken", field="title", status=409)
    posting = Posting(employer=employer, **values)
    db.session.add(posting)
    db.session.flush()
    tally.feed(fair_tally.posting_figures(posting))
    audit.record("jobfair.posting_created", posting, user=actor, employer_id=employer.id)
    return posting


def update_posting(posting: Posting, data: PostingInput, *, actor: User | None = None) -> list[str]:
    """Change a posting; its positions never go below the people already hired for it.

    :raises ServiceError: as `create_posting`, and ``positions_below_hires`` (409).
    """
    values = posting_values(data)
    if is_taken(
        Posting, Posting.employer_id == posting.employer_id, Posting.title == values["title"], exclude=posting
    ):
        raise ServiceError("name_taken", field="title", status=409)
    # Read the hires under a lock: a hire being recorded now must not slip past the new limit.
    hired = db.session.scalar(sa.select(Posting.hired).where(Posting.id == posting.id).with_for_update())
    if values["positions"] < hired:
        raise ServiceError("positions_below_hires", field="positions", status=409)
    before = fair_tally.posting_figures(posting, -1)
    changed = apply_changes(posting, values)
    if changed:
        tally.feed([*before, *fair_tally.posting_figures(posting)])
    record_update("jobfair.posting_updated", posting, changed, actor)
    return changed


def delete_posting(posting: Posting, *, actor: User | None = None) -> None:
    """Remove a posting nobody has applied for (a mistake), and its standing figures.

    :raises ServiceError: ``posting_has_applications`` (409).
    """
    if db.session.scalar(sa.select(Application.id).where(Application.posting_id == posting.id).limit(1)):
        raise ServiceError("posting_has_applications", status=409)
    tally.feed(fair_tally.posting_figures(posting, -1))
    audit.record("jobfair.posting_deleted", posting, user=actor, title=posting.title)
    db.session.delete(posting)
    db.session.flush()


def posting_values(data: PostingInput) -> dict:
    """The checked values of a posting's columns."""
    values = {
        "title": clean_line(_text(data.title), field="title", max_length=TITLE_MAX_LENGTH),
        "positions": _whole_number(data.positions, "positions", "invalid_positions", 1, MAX_POSITIONS),
        "public_welfare": _yes_no(data.public_welfare),
        "pay_min": _whole_number(data.pay_min, "pay_min", "invalid_pay", 0, MAX_PAY, required=False),
        "pay_max": _whole_number(data.pay_max, "pay_max", "invalid_pay", 0, MAX_PAY, required=False),
        "education": _education(data.education),
        "workplace": clean_line(
            _text(data.workplace), field="workplace", max_length=WORKPLACE_MAX_LENGTH, required=False
        ),
        "requirements": clean_paragraphs(
            _text(data.requirements), field="requirements", max_length=REQUIREMENTS_MAX_LENGTH
        )
        or None,
    }
    if (
        values["pay_min"] is not None
        and values["pay_max"] is not None
        and values["pay_min"] > values["pay_max"]
    ):
        raise ServiceError("pay_out_of_order", field="pay_max")
    return values


# -- reading what was typed -----------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole_number(
    value: Any, field: str, code: str, minimum: int, maximum: int, *, required=True
) -> int | None:
    if _empty(value):
        if required:
            raise ServiceError(code, field=field)
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", value))
        value = int(text) if _WHOLE_NUMBER.fullmatch(text) else None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ServiceError(code, field=field)
    return value


def _yes_no(value: Any) -> bool:
    if _empty(value):
        return False
    try:
        return _YES_NO_FIELD.parse(value, from_text=True)
    except ServiceError:
        raise ServiceError("invalid_yes_no", field="public_welfare") from None


def _choice(field: Field, value: Any, choices, code: str) -> str | None:
    if _empty(value):
        return None
    try:
        return field.parse(value, choices, from_text=True)
    except ServiceError:
        raise ServiceError(code, field=field.name) from None


def _education(value: Any) -> str | None:
    if _empty(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.lower() in _ANY_EDUCATION_WORDS:
        return None
    if text in EDUCATION_ALIASES:
        return EDUCATION_ALIASES[text]
    # "Any education" is a choice too, by its label (不限), stored as no requirement.
    return _choice(_EDUCATION_FIELD, text, (ANY_EDUCATION, *EDUCATION), "unknown_education") or None
