"""Forms of the ticket pages. They check shape only (present, not too long); the services
decide whether a phone number, an ID number or a registration is acceptable."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from eventdesk.core.identity import NAME_MAX_LENGTH
from eventdesk.core.kinds import get_kind
from eventdesk.core.models import Direction, PersonCategory
from eventdesk.core.services import registrations
from eventdesk.core.services.registrations import VILLAGE_MAX_LENGTH
from eventdesk.fieldforms import typed_values, with_fields
from eventdesk.vocabulary import PERSON_CATEGORIES


def strip_control_characters(value):
    """Drop invisible control characters (a NUL cannot even be stored); keep everything else."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc" or ch in "\t\n")


_TEXT = [strip_control_characters]
_REQUIRED = _l("Please fill this in.")
_TOO_LONG = _l("This is too long.")
_NOT_A_CHOICE = _l("Choose one of the options.")


class RegistrationForm(FlaskForm):
    """A person registers themselves on their phone."""

    name = StringField(
        _l("Full name"),
        filters=_TEXT,
        validators=[DataRequired(_REQUIRED), Length(max=NAME_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH},
    )
    phone = TelField(
        _l("Mobile phone number"),
        filters=_TEXT,
        description=_l("11 digits, for example 13812345678."),
        validators=[DataRequired(_REQUIRED), Length(max=40, message=_TOO_LONG)],
        render_kw={"autocomplete": "tel", "inputmode": "numeric", "maxlength": 20},
    )
    id_number = StringField(
        _l("ID card number (optional)"),
        filters=_TEXT,
        description=_l("Only fill this in if the activity asks for it. 18 characters."),
        validators=[Optional(), Length(max=40, message=_TOO_LONG)],
        render_kw={"autocomplete": "off", "maxlength": 20, "autocapitalize": "characters"},
    )
    village = StringField(
        _l("Village or township"),
        filters=_TEXT,
        validators=[Optional(), Length(max=VILLAGE_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"maxlength": VILLAGE_MAX_LENGTH},
    )
    consent = BooleanField(_l("I have read the notice above and agree that my information is used this way."))
    #: Asked only when self-registration must prove the phone (`verification.required`).
    verification_code = StringField(
        _l("Code texted to your phone"),
        filters=_TEXT,
        validators=[Optional(), Length(max=10, message=_TOO_LONG)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 10},
    )

    def registration_request(self) -> registrations.RegistrationRequest:
        """What was typed, for the registration service to judge."""
        return registrations.RegistrationRequest(
            name=self.name.data,
            phone=self.phone.data,
            id_number=self.id_number.data,
            village=self.village.data,
            consent=self.consent.data,
            category=(getattr(self, "category", None) and self.category.data) or PersonCategory.general,
            fields=typed_values(self),
            fields_from_text=True,
            verification_code=self.verification_code.data,
        )


class StaffRegistrationForm(RegistrationForm):
    """Staff register someone on their behalf, at a desk or from a phone call."""

    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(value.value, label) for value, label in PERSON_CATEGORIES.items()],
        default=PersonCategory.general.value,
        invalid_choice_message=_NOT_A_CHOICE,
    )
    consent = BooleanField(
        _l("The person agreed to how their information is used (read them the notice if needed).")
    )

    def person_category(self) -> str:
        return self.category.data


class CheckInForm(FlaskForm):
    """Tick a person present; the scan id makes a second press a replay, not a second scan."""

    scan_id = HiddenField(validators=[DataRequired(), Length(max=64)])


class RevokeForm(FlaskForm):
    """Cancel a ticket."""


class TryTicketForm(FlaskForm):
    """Paste a ticket to see how the scanner would answer, without recording anything."""

    ticket = TextAreaField(
        _l("Ticket address, token or code"),
        filters=_TEXT,
        description=_l("Paste what the QR code holds, or type the 8-character ticket code."),
        validators=[DataRequired(_REQUIRED), Length(max=2048, message=_TOO_LONG)],
        render_kw={"rows": 2, "autocomplete": "off", "spellcheck": "false"},
    )
    #: The entrance or one of the activity's booths (the view fills the choices in).
    booth = SelectField(_l("Where"), choices=[], invalid_choice_message=_NOT_A_CHOICE)
    direction = RadioField(
        _l("Direction"),
        choices=[
            SelectChoice(Direction.entry.value, _l("Coming in")),
            SelectChoice(Direction.exit.value, _l("Leaving")),
        ],
        default=Direction.entry.value,
        invalid_choice_message=_NOT_A_CHOICE,
    )


def registration_form(form_class: type[RegistrationForm], activity) -> RegistrationForm:
    """The registration form for `activity`: the core's inputs and its kind's own fields."""
    kind = get_kind(activity.kind)
    fields = kind.registration_fields if kind else ()
    return with_fields(form_class, fields, activity)()
