"""Days and times as people type them where a browser shows a plain text box: besides the ISO
forms a date picker sends, the usual Chinese ones (2026/12/1 9:00, 2026年12月1日 9:00,
2026.12.1 9点30分)."""

import datetime as dt
import re
import unicodedata

_DAY = r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*[日号]?"
_TIME = r"(?P<hour>\d{1,2})\s*[:时点]\s*(?P<minute>\d{1,2})?\s*分?"
_DATE_ONLY = re.compile(rf"{_DAY}")
_DATE_TIME = re.compile(rf"{_DAY}\s*(?:T|\s)?\s*{_TIME}")


def _folded(text: str) -> str:
    # Full-width digits and colons typed with a Chinese input method read as ASCII ones.
    return unicodedata.normalize("NFKC", text or "").strip()


def read_day(text: str) -> dt.date | None:
    """A calendar day (2026-12-01, 2026/12/1, 2026年12月1日), or None when it is not one."""
    match = _DATE_ONLY.fullmatch(_folded(text))
    if match is None:
        return None
    try:
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def read_wall_time(text: str) -> dt.datetime | None:
    """A day and a time of day without a zone (2026-12-01T09:00, 2026/12/1 9:00,
    2026年12月1日 9:00, 2026年12月1日9点30分), or None when it is not one."""
    match = _DATE_TIME.fullmatch(_folded(text))
    if match is None:
        return None
    try:
        # A wall time: the caller places it in the event's time zone.
        return dt.datetime(  # noqa: DTZ001
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"] or 0),
        )
    except ValueError:
        return None
