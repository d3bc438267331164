"""Text typed into setup forms, imports and the command line: normalised once, refused when it would mislead.

Names are compared for uniqueness and searched, so two names that look the same must be
the same string: Unicode NFC, whitespace runs (including the ideographic space) collapsed.
Characters nobody can see are refused rather than dropped, so that what is stored is what
the person typed.
"""

import re
import unicodedata

from pypinyin import lazy_pinyin

from eventdesk.errors import ServiceError

# Control, format (zero-width, bidirectional overrides), surrogate, private-use and
# unassigned characters: invisible in a list, they make look-alike names differ or
# reorder what is shown.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_CODE = re.compile(r"[a-z][a-z0-9_-]*")
CODE_MAX_LENGTH = 20


def _refuse_invisible(text: str, field: str, allowed: str = "") -> None:
    for char in text:
        if char not in allowed and unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            raise ServiceError("invalid_text", field=field)


def clean_line(value: str | None, *, field: str, max_length: int, required: bool = True) -> str | None:
    """One line of text, normalised; None when it is optional and left empty.

    :raises ServiceError: ``text_required``, ``text_too_long`` or ``invalid_text``.
    """
    text = " ".join(unicodedata.normalize("NFC", value or "").split())
    _refuse_invisible(text, field)
    if not text:
        if required:
            raise ServiceError("text_required", field=field)
        return None
    if len(text) > max_length:
        raise ServiceError("text_too_long", field=field, max_length=max_length)
    return text


def clean_paragraphs(value: str | None, *, field: str, max_length: int) -> str:
    """Free text over several lines (a description): line breaks kept, trailing spaces dropped."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n ")
    _refuse_invisible(text, field, allowed="\n\t")
    if len(text) > max_length:
        raise ServiceError("text_too_long", field=field, max_length=max_length)
    return text


def clean_code(value: str | None, *, field: str = "code") -> str:
    """A short stable code (``hrss``, ``wangyi``): lower-case ASCII letters, digits, ``-`` and ``_``.

    Full-width letters typed with a Chinese input method are folded to ASCII first.
    """
    text = unicodedata.normalize("NFKC", value or "").strip().lower()
    if not text:
        raise ServiceError("text_required", field=field)
    if len(text) > CODE_MAX_LENGTH or not _CODE.fullmatch(text):
        raise ServiceError("invalid_code", field=field)
    return text


def code_from_name(name: str | None, *, prefix: str, is_free) -> str:
    """A code for a district or department left without one, from its Chinese name in pinyin
    (王益区 → ``wangyiqu``), else `prefix` and a number (``district-3``); `is_free(code)` says
    whether a code is still unused. The organizer may change it afterwards.
    """
    spelled = " ".join(lazy_pinyin(unicodedata.normalize("NFKC", name or ""), errors="default"))
    stem = "".join(re.findall(r"[a-z0-9]+", spelled.lower()))[:CODE_MAX_LENGTH]
    if not stem or not stem[0].isalpha():
        stem = prefix
    if stem != prefix and is_free(stem):
        return stem
    for number in range(1, 10_000):
        suffix = f"-{number}"
        candidate = stem[: CODE_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if is_free(candidate):
            return candidate
    raise ServiceError("code_taken", field="code", status=409)
