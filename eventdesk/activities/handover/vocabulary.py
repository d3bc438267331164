"""The key-handover ceremony's fixed lists: the programmes that rehouse families, and who may
take the keys."""

from flask_babel import lazy_gettext as _l

from eventdesk.core.fields import Choice

#: The kind's name (`Activity.kind`).
KIND_NAME = "handover"

RELOCATION = "relocation"
RENOVATION = "renovation"
#: 易地扶贫搬迁, 危房改造.
PROGRAMMES = (
    Choice(RELOCATION, _l("Poverty-relief relocation")),
    Choice(RENOVATION, _l("Dangerous-house renovation")),
)

HEAD = "head"
PROXY = "proxy"
RECIPIENTS = (
    Choice(HEAD, _l("The head of household in person")),
    Choice(PROXY, _l("A proxy")),
)


def label_of(choices, value: str | None) -> str:
    for choice in choices:
        if choice.value == value:
            return str(choice.label)
    return value or ""


def values(choices) -> tuple[str, ...]:
    return tuple(choice.value for choice in choices)
