"""The job fair's fixed lists: kinds of employer, education levels, what came of an application."""

from flask_babel import lazy_gettext as _l

from eventdesk.core.fields import Choice

#: The kind's name (`Activity.kind`).
KIND_NAME = "jobfair"

#: 党政机关, 事业单位, 国有企业, 民营企业, 社会组织.
EMPLOYER_KINDS = (
    Choice("government", _l("Party or government body")),
    Choice("public_institution", _l("Public institution")),
    Choice("state_owned", _l("State-owned enterprise")),
    Choice("private", _l("Private enterprise")),
    Choice("social_organization", _l("Social organization")),
)

EDUCATION = (
    Choice("primary", _l("Primary school")),
    Choice("junior_high", _l("Junior high school")),
    Choice("senior_high", _l("Senior high school")),
    Choice("vocational", _l("Secondary vocational school")),
    Choice("college", _l("Junior college")),
    Choice("bachelor", _l("Bachelor's degree")),
    Choice("master", _l("Master's degree or higher")),
)
#: How far each level goes: senior high and secondary vocational school are the same step.
EDUCATION_RANK = {
    "primary": 1,
    "junior_high": 2,
    "senior_high": 3,
    "vocational": 3,
    "college": 4,
    "bachelor": 5,
    "master": 6,
}
#: A posting's education requirement left open (不限).
ANY_EDUCATION = Choice("", _l("Any education"))

INTERVIEWED = "interviewed"
INTENTION = "intention"
HIRED = "hired"
NOT_SUITABLE = "not_suitable"
STATUSES = (
    Choice(INTERVIEWED, _l("Interviewed")),
    Choice(INTENTION, _l("Intention reached")),
    Choice(HIRED, _l("Hired")),
    Choice(NOT_SUITABLE, _l("Not suitable")),
)


def label_of(choices, value: str | None) -> str:
    for choice in choices:
        if choice.value == value:
            return str(choice.label)
    return value or ""


def values(choices) -> tuple[str, ...]:
    return tuple(choice.value for choice in choices)
