"""Turning service answers into what a page shows: form errors, ticket codes, activity hours."""

import datetime as dt

from flask_babel import format_date
from flask_wtf import FlaskForm
from wtforms import Field

from eventdesk.core.models import Activity
from eventdesk.errors import ServiceError


def apply_service_error(form: FlaskForm, error: ServiceError) -> int:
    """Show a refusal beside the field it is about (or above the form); returns the HTTP status."""
    field = getattr(form, error.field, None) if error.field else None
    if isinstance(field, Field):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
    return error.status


def group_code(code: str) -> str:
    """A ticket code in groups of four, to read aloud: 7KM4QH9T → 7KM4 QH9T."""
    return " ".join(code[start : start + 4] for start in range(0, len(code), 4))


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
