"""Finding a ticket the way staff and volunteers ask for it: a name, a phone's last four
digits, a ticket code, and a whole phone number for those who see them in full. The scanner's
look-up and the staff's registration list search alike."""

import contextlib
import re
import unicodedata

import sqlalchemy as sa

from eventdesk.core import identity
from eventdesk.core.models import Person, Registration
from eventdesk.core.tokens import TICKET_CODE_LENGTH, normalise_ticket_code
from eventdesk.errors import ServiceError

SEARCH_MAX_LENGTH = 50
_PHONE_TAIL = re.compile(r"\d{4}")


def search_text(raw: str | None) -> str:
    """What was typed into a search box: control characters dropped (a NUL would not even
    reach PostgreSQL), whitespace collapsed, cut to a sane length."""
    printable = "".join(ch for ch in (raw or "") if unicodedata.category(ch) not in ("Cc", "Cs"))
    return " ".join(printable.split())[:SEARCH_MAX_LENGTH]


def registration_matches(query: str, *, whole_phone: bool = False) -> sa.ColumnElement[bool]:
    """A WHERE clause on `Registration` joined with `Person` for a cleaned search text.

    A whole phone number is looked for only with `whole_phone`, for those who see phone numbers
    in full: to anyone who sees ``138****5678``, a search answering a whole number would tell
    the hidden digits, one guess at a time.
    """
    conditions = [Person.name.contains(query, autoescape=True)]
    if _PHONE_TAIL.fullmatch(query):
        conditions.append(Person.phone.endswith(query, autoescape=True))
    if whole_phone:
        with contextlib.suppress(ServiceError):  # not a whole phone number
            conditions.append(Person.phone == identity.normalise_phone(query))
    code = normalise_ticket_code(query)
    if len(code) == TICKET_CODE_LENGTH:
        conditions.append(Registration.ticket_code == code)
    return sa.or_(*conditions)
