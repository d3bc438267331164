"""The forms of the job fair's pages. They check shape only; the services read the values."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from eventdesk.activities.jobfair import employers
from eventdesk.activities.jobfair.vocabulary import ANY_EDUCATION, EDUCATION, EMPLOYER_KINDS

_REQUIRED = _l("Please fill this in.")
_TOO_LONG = _l("This is too long.")
_NOT_A_CHOICE = _l("Choose one of the options.")


def _choices(choices) -> list[SelectChoice]:
    return [SelectChoice(choice.value, choice.label) for choice in choices]


class EmployerForm(FlaskForm):
    name = StringField(
        _l("Employer"),
        validators=[DataRequired(_REQUIRED), Length(max=employers.NAME_MAX_LENGTH, message=_TOO_LONG)],
    )
    kind = SelectField(
        _l("Kind of employer"), choices=_choices(EMPLOYER_KINDS), invalid_choice_message=_NOT_A_CHOICE
    )
    contact_name = StringField(
        _l("Contact person"),
        validators=[
            DataRequired(_REQUIRED),
            Length(max=employers.CONTACT_NAME_MAX_LENGTH, message=_TOO_LONG),
        ],
    )
    contact_phone = TelField(
        _l("Contact phone"),
        description=_l("A mobile number, or a landline with its area code (0919-3152100)."),
        validators=[DataRequired(_REQUIRED), Length(max=30, message=_TOO_LONG)],
    )
    stand_number = StringField(
        _l("Stand number (optional)"),
        description=_l("The number on the floor plan, for example A12."),
        validators=[Optional(), Length(max=employers.STAND_NUMBER_MAX_LENGTH, message=_TOO_LONG)],
    )

    def employer_input(self) -> employers.EmployerInput:
        return employers.EmployerInput(
            name=self.name.data,
            kind=self.kind.data,
            contact_name=self.contact_name.data,
            contact_phone=self.contact_phone.data,
            stand_number=self.stand_number.data,
        )


class PostingForm(FlaskForm):
    title = StringField(
        _l("Job title"),
        validators=[DataRequired(_REQUIRED), Length(max=employers.TITLE_MAX_LENGTH, message=_TOO_LONG)],
    )
    positions = StringField(
        _l("Positions"),
        description=_l("How many people the employer takes for this job."),
        validators=[Length(max=20, message=_TOO_LONG)],
        render_kw={"inputmode": "numeric"},
    )
    public_welfare = BooleanField(_l("Public-welfare post (公益性岗位)"))
    pay_min = StringField(
        _l("Lowest monthly pay, yuan (optional)"),
        validators=[Optional(), Length(max=20, message=_TOO_LONG)],
        render_kw={"inputmode": "numeric"},
    )
    pay_max = StringField(
        _l("Highest monthly pay, yuan (optional)"),
        validators=[Optional(), Length(max=20, message=_TOO_LONG)],
        render_kw={"inputmode": "numeric"},
    )
    education = SelectField(
        _l("Education required"),
        choices=_choices((ANY_EDUCATION, *EDUCATION)),
        invalid_choice_message=_NOT_A_CHOICE,
    )
    workplace = StringField(
        _l("Place of work (optional)"),
        validators=[Optional(), Length(max=employers.WORKPLACE_MAX_LENGTH, message=_TOO_LONG)],
    )
    requirements = TextAreaField(
        _l("Requirements (optional)"),
        validators=[Optional(), Length(max=employers.REQUIREMENTS_MAX_LENGTH, message=_TOO_LONG)],
        render_kw={"rows": 3},
    )

    def posting_input(self) -> employers.PostingInput:
        return employers.PostingInput(
            title=self.title.data,
            positions=self.positions.data,
            public_welfare=self.public_welfare.data,
            pay_min=self.pay_min.data,
            pay_max=self.pay_max.data,
            education=self.education.data,
            workplace=self.workplace.data,
            requirements=self.requirements.data,
        )


class DeleteForm(FlaskForm):
    """Delete a posting (a CSRF token, nothing else)."""
