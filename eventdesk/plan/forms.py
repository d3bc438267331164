"""Forms of the plan pages: WTForms checks the shape, the plan services check the rules."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SubmitField, TextAreaField
from wtforms.validators import Length

from eventdesk.plan.services import TEXT_MAX_LENGTH


class SubmissionForm(FlaskForm):
    """A plan or report: text and/or a file, saved as a draft or sent."""

    text = TextAreaField(_l("Text"), validators=[Length(max=TEXT_MAX_LENGTH)])
    file = FileField(_l("Attached file"))
    remove_file = BooleanField(_l("Remove the attached file"))
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Send"))

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = f"{max_bytes / 1024 / 1024:g}"
        self.file.description = _(
            "PDF, Word (.docx), Excel (.xlsx), JPEG or PNG, at most %(size)s MB.", size=megabytes
        )


class CompleteForm(FlaskForm):
    """Marking a plan item done."""

    note = TextAreaField(_l("What was done"), validators=[Length(max=TEXT_MAX_LENGTH)])
    submit = SubmitField(_l("Mark done"))


class ConfirmForm(FlaskForm):
    """A button that changes something (only the CSRF token)."""
