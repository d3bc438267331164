"""The forms of the health day's pages. They check shape only; the services read the values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from eventdesk.activities.health.services import NAME_MAX_LENGTH

_REQUIRED = _l("Please fill this in.")
_TOO_LONG = _l("This is too long.")


class ServiceForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("Short, in lower-case letters and digits, for example bp or ultrasound."),
        validators=[DataRequired(_REQUIRED), Length(max=20, message=_TOO_LONG)],
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(_REQUIRED), Length(max=NAME_MAX_LENGTH, message=_TOO_LONG)]
    )
    name_en = StringField(
        _l("English name (optional)"), validators=[Optional(), Length(max=NAME_MAX_LENGTH, message=_TOO_LONG)]
    )


class StationServicesForm(FlaskForm):
    """The services one station offers (its choices are the day's services)."""

    services = SelectMultipleField(
        _l("Services offered"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validate_choice=True,
    )


class ServeForm(FlaskForm):
    """A service given: the service is the button pressed, the rest optional."""

    client_action_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    referral = BooleanField(_l("Referred on (转诊)"))
    note = TextAreaField(_l("Note"), render_kw={"rows": 2, "maxlength": 500})
    consent = BooleanField(_l("The resident agrees to health services being recorded"))


class TicketForm(FlaskForm):
    """A ticket scanned (a QR reader types the ticket's link) or its code typed, for a queue number."""

    ticket = StringField(
        _l("Ticket"),
        validators=[DataRequired(_REQUIRED), Length(max=2048, message=_TOO_LONG)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autofocus": True},
    )


class ConfirmForm(FlaskForm):
    """A button that changes something (call the next number, delete): its CSRF token only."""


class UndoForm(FlaskForm):
    reason = StringField(_l("Why it is undone"), validators=[DataRequired(_REQUIRED), Length(max=500)])
