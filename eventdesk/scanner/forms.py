"""Issuing a scanner credential."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from eventdesk.core.services.credentials import DEFAULT_HOURS, LABEL_MAX_LENGTH, MAX_HOURS

#: The booth choice that means "the activity's entrance".
ENTRANCE = 0


class IssueForm(FlaskForm):
    label = StringField(
        _l("Volunteer or device"),
        validators=[DataRequired(), Length(max=LABEL_MAX_LENGTH)],
        description=_l("Shown with every scan this device makes, e.g. the volunteer's name."),
    )
    booth = SelectField(_l("Where it scans"), coerce=int, default=ENTRANCE)
    hours = IntegerField(
        _l("Valid for (hours)"),
        default=DEFAULT_HOURS,
        validators=[DataRequired(), NumberRange(min=1, max=MAX_HOURS)],
    )
