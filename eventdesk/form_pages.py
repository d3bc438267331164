"""A staff form saved through a service, as the activity kinds' pages save them: validate, change,
commit, or show the service's refusal on the form (beside the field it names) with its status."""

from collections.abc import Callable

from flask import flash, render_template
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from eventdesk.errors import ServiceError
from eventdesk.extensions import db


def show_refusal(form: FlaskForm, error: ServiceError) -> None:
    field = form[error.field] if error.field and error.field in form else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def saved(form: FlaskForm, change: Callable[[], object]) -> tuple[bool, int]:
    """Validate, change and commit: (True, 200), or (False, the status of what refused it)."""
    if not form.validate_on_submit():
        return False, 400 if form.is_submitted() else 200
    try:
        change()
    except ServiceError as error:
        db.session.rollback()
        show_refusal(form, error)
        return False, error.status
    db.session.commit()
    flash(_("Saved."), "success")
    return True, 200


def form_page(form: FlaskForm, title: str, back_url: str, status: int, subtitle: str | None = None):
    """The shared form page (`manage/form.html`), answered with `status`."""
    page = render_template("manage/form.html", form=form, title=title, back_url=back_url, subtitle=subtitle)
    return page, status
