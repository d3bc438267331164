"""The consultation fair's fixed lists: the topics asked about and the kinds of material handed out."""

from flask_babel import lazy_gettext as _l

from eventdesk.core.fields import Choice

#: The kind's name (`Activity.kind`).
KIND_NAME = "consultation"

#: What a visitor asks about (API.md, activity kinds).
TOPICS = (
    Choice("industry", _l("Farming and industry support")),
    Choice("relocation", _l("Relocation")),
    Choice("employment", _l("Employment")),
    Choice("health", _l("Health insurance and medical aid")),
    Choice("education", _l("Student aid")),
    Choice("finance", _l("Poverty-relief loans")),
    Choice("housing", _l("Housing")),
    Choice("social_security", _l("Social assistance and pensions")),
    Choice("other", _l("Other questions")),
)

LEAFLET = "leaflet"
BROCHURE = "brochure"
ITEM = "item"
MATERIAL_KINDS = (
    Choice(LEAFLET, _l("Leaflet")),
    Choice(BROCHURE, _l("Brochure")),
    Choice(ITEM, _l("Giveaway item")),
)

#: A follow-up older than this many days is overdue, unless the fair sets its own number.
DEFAULT_FOLLOW_UP_DAYS = 7
MAX_FOLLOW_UP_DAYS = 365


def label_of(choices, value: str | None) -> str:
    for choice in choices:
        if choice.value == value:
            return str(choice.label)
    return value or ""


def values(choices) -> tuple[str, ...]:
    return tuple(choice.value for choice in choices)
