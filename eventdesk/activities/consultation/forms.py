"""The forms of the consultation fair's pages. They check shape only; the services read the values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from eventdesk.activities.consultation import materials, poster
from eventdesk.activities.consultation.consultations import NOTE_MAX_LENGTH, QUESTION_MAX_LENGTH
from eventdesk.activities.consultation.vocabulary import MATERIAL_KINDS, TOPICS

_REQUIRED = _l("Please fill this in.")
_TOO_LONG = _l("This is too long.")
_NOT_A_CHOICE = _l("Choose one of the options.")


def _choices(choices) -> list[SelectChoice]:
    return [SelectChoice(choice.value, choice.label) for choice in choices]


class ActionForm(FlaskForm):
    """What every desk form carries: an id that makes a second press a replay, not a second record."""

    client_action_id = HiddenField(validators=[DataRequired(), Length(max=64)])


class ConsultForm(ActionForm):
    """A consultation in two taps: the topic is the button pressed; the rest is optional."""

    topic = HiddenField(validators=[Length(max=30)])
    ticket_code = StringField(
        _l("Ticket code (optional)"),
        description=_l("Scan or type the visitor's ticket; leave empty for a walk-in."),
        validators=[Optional(), Length(max=2048, message=_TOO_LONG)],
    )
    follow_up = BooleanField(_l("Needs an answer later"))
    contact_phone = TelField(
        _l("Contact phone"),
        description=_l("Required for a follow-up: the department calls back on it."),
        validators=[Optional(), Length(max=30, message=_TOO_LONG)],
    )
    question = TextAreaField(
        _l("Question"),
        validators=[Optional(), Length(max=QUESTION_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"rows": 2},
    )


class HandoutForm(ActionForm):
    quantity = StringField(
        _l("Quantity"),
        default="1",
        validators=[Length(max=12, message=_TOO_LONG)],
        render_kw={"inputmode": "numeric", "size": 4},
    )


class AnswerForm(ActionForm):
    note = TextAreaField(
        _l("Answer"),
        description=_l("What the caller was told; this closes the follow-up."),
        validators=[DataRequired(_REQUIRED), Length(max=NOTE_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"rows": 2},
    )


class MaterialForm(FlaskForm):
    name = StringField(
        _l("Material"),
        validators=[DataRequired(_REQUIRED), Length(max=materials.NAME_MAX_LENGTH, message=_TOO_LONG)],
    )
    kind = SelectField(_l("Kind"), choices=_choices(MATERIAL_KINDS), invalid_choice_message=_NOT_A_CHOICE)
    brought = StringField(
        _l("Quantity brought"),
        validators=[Length(max=20, message=_TOO_LONG)],
        render_kw={"inputmode": "numeric"},
    )

    def material_input(self) -> materials.MaterialInput:
        return materials.MaterialInput(name=self.name.data, kind=self.kind.data, brought=self.brought.data)


class SettingsForm(FlaskForm):
    follow_up_days = StringField(
        _l("Days a follow-up may wait"),
        description=_l("A follow-up not answered after this many days is overdue."),
        validators=[Length(max=5, message=_TOO_LONG)],
        render_kw={"inputmode": "numeric", "size": 4},
    )


class PolicyForm(FlaskForm):
    policy_text = TextAreaField(
        _l("Policy shown on the poster page"),
        description=_l(
            "What visitors who scan the booth's poster read: the policies, who qualifies, how to apply."
        ),
        validators=[Length(max=poster.POLICY_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"rows": 12},
    )


class LeafletForm(FlaskForm):
    title = StringField(
        _l("Leaflet title"),
        validators=[DataRequired(_REQUIRED), Length(max=poster.LEAFLET_TITLE_MAX_LENGTH, message=_TOO_LONG)],
    )
    file = FileField(_l("PDF file"), description=_l("At most 1.5 MB."))


class QuestionForm(FlaskForm):
    """The poster page's question form, for visitors on their own phones."""

    topic = SelectField(_l("Topic"), choices=_choices(TOPICS), invalid_choice_message=_NOT_A_CHOICE)
    question = TextAreaField(
        _l("Your question"),
        validators=[Length(max=QUESTION_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"rows": 4},
    )
    contact_phone = TelField(
        _l("Mobile number for the call back"),
        validators=[Length(max=30, message=_TOO_LONG)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    consent = BooleanField(_l("I agree that the department keeps my number and my question to call me back."))

    def question_input(self) -> poster.Question:
        return poster.Question(
            topic=self.topic.data,
            question=self.question.data,
            contact_phone=self.contact_phone.data,
            consent=self.consent.data,
        )


class ButtonForm(FlaskForm):
    """A form that is one button: delete a material or a leaflet, give departments their booths."""
