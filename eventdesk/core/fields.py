"""Typed fields a kind declares: a registration's own answers and an action's inputs.

One declaration serves everywhere: the service validates with it, the phone form, the desk
and the scanner draw it, imports read its column, the API describes it
(``GET …/actions``). Values arrive as JSON (typed) or as text (forms, spreadsheets: "是",
"2026/12/1", a choice's label); both end as the same plain JSON value:

========  =====================================================  ============
type      accepted                                               stored as
========  =====================================================  ============
text      one line (or several, `multiline`), at most           str
          `max_length` characters, no invisible characters
number    a whole number within `minimum` … `maximum`            int
boolean   true/false; as text 是/否, yes/no, 1/0                   bool
choice    one of the choices' values (as text, also its label)   str
date      YYYY-MM-DD; as text also 2026/12/1 and 2026年12月1日     str (ISO)
image     a PNG picture as a data URL (a signature drawn on the  str (data
          screen), at most `max_bytes` bytes                     URL)
========  =====================================================  ============

A value that does not fit is ``invalid_field`` (422) naming the field; nothing is written. A
picture that is not a PNG is ``invalid_image``, one too large ``image_too_large`` (both 422).
"""

import base64
import binascii
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from flask_babel import LazyString, force_locale

from eventdesk.core.languages import LANGUAGES
from eventdesk.core.text import clean_line, clean_paragraphs
from eventdesk.errors import ServiceError

if TYPE_CHECKING:
    from eventdesk.core.models import Activity, Booth

FieldType = Literal["text", "number", "boolean", "choice", "date", "image"]
Label = LazyString | str

_TRUE = frozenset({"true", "1", "yes", "y", "是", "有", "√", "✓", "对"})
_FALSE = frozenset({"false", "0", "no", "n", "否", "无", "×", "✗", "不是"})
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
#: The largest whole number a field takes (the database's integer).
MAX_NUMBER = 2**31 - 1
PNG_DATA_URL_PREFIX = "data:image/png;base64,"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Choice:
    value: str
    label: Label


ChoiceSource = Sequence[Choice] | Callable[["Activity", "Booth | None"], Sequence[Choice]]


def invalid(field: str) -> ServiceError:
    return ServiceError("invalid_field", status=422, field=field)


@dataclass(frozen=True)
class Field:
    """One input: its name (the key in JSON), label, type and limits."""

    name: str
    label: Label
    type: FieldType = "text"
    required: bool = False
    #: For ``choice``: the choices, or a function of (activity, booth) that computes them.
    choices: ChoiceSource | None = None
    #: For ``choice``: what the field accepts when it is more than the booth offers (another
    #: stand's postings), so that the kind refuses the rest with its own reason
    #: (``wrong_booth``) rather than ``invalid_field``; default: the choices offered.
    accepts: ChoiceSource | None = None
    max_length: int = 200
    multiline: bool = False
    minimum: int = 0
    maximum: int = MAX_NUMBER
    #: For ``image``: the largest picture taken, in bytes (a signature drawn on a phone is a few KB).
    max_bytes: int = 100_000
    #: Spreadsheet headers that mean this field, besides its name (Chinese and English).
    headers: tuple[str, ...] = ()
    #: A line of help under the input.
    help: Label | None = None

    def choices_for(self, activity: "Activity | None" = None, booth: "Booth | None" = None) -> list[Choice]:
        if self.choices is None:
            return []
        if callable(self.choices):
            return list(self.choices(activity, booth))
        return list(self.choices)

    def accepted_for(self, activity: "Activity | None" = None, booth: "Booth | None" = None) -> list[Choice]:
        if self.accepts is None:
            return self.choices_for(activity, booth)
        if callable(self.accepts):
            return list(self.accepts(activity, booth))
        return list(self.accepts)

    def describe(self, activity: "Activity | None" = None, booth: "Booth | None" = None) -> dict:
        """The field as ``GET …/actions`` answers it, in the reader's language."""
        described: dict = {
            "name": self.name,
            "label": str(self.label),
            "type": self.type,
            "required": self.required,
        }
        if self.type == "choice":
            described["choices"] = [
                {"value": choice.value, "label": str(choice.label)}
                for choice in self.choices_for(activity, booth)
            ]
        if self.type == "number":
            described["minimum"], described["maximum"] = self.minimum, self.maximum
        if self.type == "text":
            described["max_length"] = self.max_length
        if self.type == "image":
            described["max_bytes"] = self.max_bytes
        return described

    def parse(self, value: Any, choices: Sequence[Choice] = (), *, from_text: bool = False) -> Any:
        """The stored value of `value`, which is not empty. :raises ServiceError: ``invalid_field``."""
        parser = getattr(self, f"_parse_{self.type}")
        return parser(value, choices, from_text)

    def _parse_text(self, value, _choices, from_text):
        if from_text and not isinstance(value, str):
            value = str(value)
        if not isinstance(value, str):
            raise invalid(self.name)
        try:
            if self.multiline:
                return clean_paragraphs(value, field=self.name, max_length=self.max_length) or None
            return clean_line(value, field=self.name, max_length=self.max_length, required=False)
        except ServiceError:
            raise invalid(self.name) from None

    def _parse_number(self, value, _choices, from_text):
        if from_text and isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip()
            value = int(text) if re.fullmatch(r"[+-]?\d{1,12}", text) else None
        if from_text and isinstance(value, float) and value.is_integer():
            value = int(value)
        # JSON true/false are ints to Python; they are not numbers here.
        if isinstance(value, bool) or not isinstance(value, int) or not self.minimum <= value <= self.maximum:
            raise invalid(self.name)
        return value

    def _parse_boolean(self, value, _choices, from_text):
        if from_text and isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise invalid(self.name)
        if not isinstance(value, bool):
            raise invalid(self.name)
        return value

    def _parse_choice(self, value, choices, from_text):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise invalid(self.name)
        text = unicodedata.normalize("NFKC", str(value)).strip()
        for choice in choices:
            if text == choice.value:
                return choice.value
        if from_text:
            for choice in choices:
                if text in _label_texts(choice.label):
                    return choice.value
        raise invalid(self.name)

    def _parse_date(self, value, _choices, from_text):
        if from_text and isinstance(value, dt.datetime):
            return value.date().isoformat()
        if from_text and isinstance(value, dt.date):
            return value.isoformat()
        if not isinstance(value, str) or len(value) > 20:
            raise invalid(self.name)
        text = unicodedata.normalize("NFKC", value).strip()
        match = _DATE_TEXT.fullmatch(text) if from_text else re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if not match:
            raise invalid(self.name)
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise invalid(self.name) from None
        if not 1900 <= day.year <= 2099:
            raise invalid(self.name)
        return day.isoformat()

    def _parse_image(self, value, _choices, _from_text):
        if not isinstance(value, str) or not value.startswith(PNG_DATA_URL_PREFIX):
            raise ServiceError("invalid_image", status=422, field=self.name)
        encoded = value[len(PNG_DATA_URL_PREFIX) :]
        # Base64 takes 4 characters for 3 bytes: a longer text is too large before it is decoded.
        if len(encoded) > (self.max_bytes + 2) // 3 * 4:
            raise ServiceError("image_too_large", status=422, field=self.name)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError("invalid_image", status=422, field=self.name) from None
        if not data.startswith(_PNG_SIGNATURE):
            raise ServiceError("invalid_image", status=422, field=self.name)
        return PNG_DATA_URL_PREFIX + base64.b64encode(data).decode("ascii")


def image_bytes(value: str) -> bytes:
    """The picture an ``image`` field stored (its data URL), as bytes."""
    return base64.b64decode(value[len(PNG_DATA_URL_PREFIX) :])


def _label_texts(label: Label) -> set[str]:
    """A label in both languages: a Chinese spreadsheet is read the same whatever language is in force."""
    if not isinstance(label, LazyString):
        return {str(label)}
    texts = set()
    for language in LANGUAGES:
        with force_locale(language):
            texts.add(str(label))
    return texts


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_fields(
    fields: Sequence[Field],
    data: Any,
    *,
    activity: "Activity | None" = None,
    booth: "Booth | None" = None,
    from_text: bool = False,
) -> dict:
    """Check `data` against `fields`: every value of its type and choices, every required one
    there, nothing unknown. Returns the stored values (empty optional fields left out).

    :raises ServiceError: ``invalid_field`` (422) naming the first field at fault.
    """
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise invalid("fields")
    known = {field.name: field for field in fields}
    for name in data:
        if name not in known:
            raise invalid(str(name)[:60])
    cleaned = {}
    for field in fields:
        value = data.get(field.name)
        if not _empty(value):
            value = field.parse(value, field.accepted_for(activity, booth), from_text=from_text)
        if _empty(value):
            if field.required:
                raise invalid(field.name)
            continue
        cleaned[field.name] = value
    return cleaned
