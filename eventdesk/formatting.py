"""How times, days, lists of names and kinds are written on pages, in exports and in reports."""

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from eventdesk.core.kinds import get_kind
from eventdesk.core.models import Activity


def local_time(moment: dt.datetime | None, timezone: str | None = None, fmt: str = "%Y-%m-%d %H:%M"):
    """A UTC moment shown in the event's time zone (EventDesk's default zone when none is given)."""
    if moment is None:
        return ""
    zone = ZoneInfo(timezone or current_app.config["EVENTDESK_TIMEZONE"])
    return moment.astimezone(zone).strftime(fmt)


def activity_when(activity: Activity) -> tuple[str, str]:
    """The activity's day (written out, with the weekday) and hours, in the event's time zone."""
    zone = activity.event.zone
    opens = activity.opens_at.astimezone(zone)
    closes = activity.closes_at.astimezone(zone)
    next_midnight = dt.datetime.combine(opens.date() + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    if closes.date() == opens.date():
        hours = f"{opens:%H:%M}–{closes:%H:%M}"
    elif closes == next_midnight:
        hours = f"{opens:%H:%M}–24:00"
    else:
        hours = f"{opens:%H:%M} – {format_date(closes.date(), 'medium')} {closes:%H:%M}"
    return format_date(opens.date(), "full"), hours


def kind_label(name: str) -> str:
    kind = get_kind(name)
    return str(kind.label) if kind else name


def kind_registration_notice(name: str) -> str | None:
    """What an activity kind adds to the notice shown before registering (whom data is shared with)."""
    kind = get_kind(name)
    return str(kind.registration_notice) if kind and kind.registration_notice else None


def join_names(names) -> str:
    """Names in a row, as the reader's language writes them: 人社局、民政局 or HRSS, Civil Affairs."""
    return _(", ").join(names)
