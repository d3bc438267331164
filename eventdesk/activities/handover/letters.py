"""The invitation letter: its wording, which the organizers may change, and each household's copy.

Letters are printed in Chinese, whatever language the organizer reads the page in: the default
wording is the Chinese of the English below. ``{head}``, ``{settlement}``, ``{building}`` and
``{unit}`` in the body become the household's own.
"""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventdesk.activities.handover.models import Household, Letter
from eventdesk.core import audit
from eventdesk.core.models import Activity, Site, User, utcnow
from eventdesk.core.text import clean_line, clean_paragraphs
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.formatting import activity_when

LETTER_LANGUAGE = "zh_Hans"
PLACEHOLDERS = ("head", "settlement", "building", "unit")

DEFAULT_TITLE = _l("Invitation to the key-handover ceremony")
DEFAULT_BODY = _l(
    "Dear {head},\n"
    "Your family's new home, {settlement}, building {building}, unit {unit}, is ready. We warmly invite "
    "you to the key-handover ceremony to receive its keys.\n"
    "Please bring this letter: the staff scan its code to find your household at once. If the head of "
    "household cannot come, a family member may receive the keys on their behalf, with the head's ID "
    "card and their own."
)
DEFAULT_BRING = _l(
    "This letter\nThe head of household's ID card\nThe household register (户口簿)\n"
    "A proxy's own ID card, if someone else comes"
)


@dataclass(frozen=True)
class LetterText:
    title: str
    body: str
    place: str
    meeting_time: str
    bring: str

    @property
    def bring_items(self) -> list[str]:
        return [line for line in self.bring.split("\n") if line.strip()]

    def body_for(self, household: Household) -> list[str]:
        """The body's paragraphs with the household's own name and home."""
        values = {
            "head": household.registration.person.name,
            "settlement": household.settlement,
            "building": household.building,
            "unit": household.unit,
        }
        text = self.body
        for name in PLACEHOLDERS:
            text = text.replace("{" + name + "}", values[name])
        return [paragraph for paragraph in text.split("\n") if paragraph.strip()]


def _place(site: Site) -> str:
    """Where the ceremony is held, with the site's address for households new to the estate."""
    address = site.address_for_reader
    return _("%(site)s (%(address)s)", site=site.label, address=address) if address else site.label


def letter_of(activity: Activity) -> LetterText:
    """The ceremony's wording, or the default one (in Chinese)."""
    saved = db.session.get(Letter, activity.id)
    if saved is not None:
        return LetterText(saved.title, saved.body, saved.place, saved.meeting_time, saved.bring)
    with force_locale(LETTER_LANGUAGE):
        day, hours = activity_when(activity)
        return LetterText(
            title=str(DEFAULT_TITLE),
            body=str(DEFAULT_BODY),
            place=_place(activity.site),
            meeting_time=f"{day} {hours}",
            bring=str(DEFAULT_BRING),
        )


def save_letter(activity: Activity, given: LetterText, *, actor: User | None = None) -> Letter:
    """Keep the organizers' wording of the ceremony's letter.

    :raises ServiceError: ``text_required``, ``text_too_long``, ``invalid_text`` (with the field).
    """
    title = clean_line(given.title, field="title", max_length=100)
    body = clean_paragraphs(given.body, field="body", max_length=2000)
    if not body:
        raise ServiceError("text_required", field="body")
    place = clean_line(given.place, field="place", max_length=200)
    meeting_time = clean_line(given.meeting_time, field="meeting_time", max_length=100)
    bring = clean_paragraphs(given.bring, field="bring", max_length=1000)
    letter = db.session.get(Letter, activity.id) or Letter(activity_id=activity.id)
    letter.title, letter.body, letter.place = title, body, place
    letter.meeting_time, letter.bring, letter.updated_at = meeting_time, bring, utcnow()
    db.session.add(letter)
    db.session.flush()
    audit.record("handover.letter_saved", activity, user=actor)
    return letter
