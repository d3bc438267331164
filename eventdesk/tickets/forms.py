"""Forms of the ticket pages. They check shape only (present, not too long); the services
decide whether a phone number, an ID number or a registration is acceptable."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TelField
from wtforms.validators import DataRequired, Length, Optional

from eventdesk.core.identity import NAME_MAX_LENGTH
from eventdesk.core.services.registrations import VILLAGE_MAX_LENGTH

_REQUIRED = _l("Please fill this in.")
_TOO_LONG = _l("This is too long.")


class RegistrationForm(FlaskForm):
    """A person registers themselves on their phone."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_REQUIRED), Length(max=NAME_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH},
    )
    phone = TelField(
        _l("Mobile phone number"),
        description=_l("11 digits, for example 13812345678."),
        validators=[DataRequired(_REQUIRED), Length(max=40, message=_TOO_LONG)],
        render_kw={"autocomplete": "tel", "inputmode": "numeric", "maxlength": 20},
    )
    id_number = StringField(
        _l("ID card number (optional)"),
        description=_l("Only fill this in if the activity asks for it. 18 characters."),
        validators=[Optional(), Length(max=40, message=_TOO_LONG)],
        render_kw={"autocomplete": "off", "maxlength": 20, "autocapitalize": "characters"},
    )
    village = StringField(
        _l("Village or township"),
        validators=[Optional(), Length(max=VILLAGE_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"maxlength": VILLAGE_MAX_LENGTH},
    )
    consent = BooleanField(_l("I have read the notice above and agree that my information is used this way."))
