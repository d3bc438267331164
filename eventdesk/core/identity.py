"""Names, mainland mobile numbers and resident ID numbers: normalising, checking, masking."""

import hashlib
import hmac
import re
import unicodedata

from flask import current_app

from eventdesk.errors import ServiceError

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）.]+")
_ID_NUMBER = re.compile(r"\d{17}[\dX]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
NAME_MAX_LENGTH = 50


def normalise_name(value: str) -> str:
    """Full-width letters folded, whitespace collapsed; refuses an empty or control-laden name."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    if not text or len(text) > NAME_MAX_LENGTH:
        raise ServiceError("invalid_name", field="name")
    return text


def normalise_phone(value: str) -> str:
    """An 11-digit mainland mobile number, from what people type (+86, spaces, dashes, full width)."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.fullmatch(text):
        raise ServiceError("invalid_phone", field="phone")
    return text


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def normalise_id_number(value: str | None) -> str | None:
    """A valid 18-character resident ID number (upper-case X), or None when none was given."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()
    if not text:
        return None
    if not _ID_NUMBER.fullmatch(text) or id_number_check_char(text[:17]) != text[17]:
        raise ServiceError("invalid_id_number", field="id_number")
    return text


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜, John Smith → J********h: enough to recognise, not to identify."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678."""
    if len(phone) != 11:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[7:]}"


def mask_id_number(id_number: str | None) -> str:
    """110101199003071234 → 1101**********1234."""
    if not id_number:
        return ""
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def id_number_digest(id_number: str) -> str:
    """A keyed hash of a normalised ID number: finds who gave it again without keeping the number.

    The key (``EVENTDESK_ID_KEY``) lives outside the database, so that a copy of the database
    cannot be searched by trying every plausible number.
    """
    key = current_app.config["EVENTDESK_ID_KEY"].encode()
    return hmac.new(key, id_number.encode(), hashlib.sha256).hexdigest()
