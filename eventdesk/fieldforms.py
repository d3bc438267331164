"""A kind's declared fields (`eventdesk.core.fields.Field`) as inputs of a WTForms form.

The forms only carry what was typed: the service parses and checks it (``from_text``), so a
page and the API refuse the same values with the same messages. Inputs are named with a
prefix so that a kind's field can never shadow one of the form's own (``name``, ``phone``).
"""

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from eventdesk.core import fields as kind_fields

PREFIX = "kind_"
_NO_CHOICE = SelectChoice("", "—")
_NOT_A_CHOICE = _l("Choose one of the options.")


def input_name(field_name: str) -> str:
    return f"{PREFIX}{field_name}"


def _input(field: kind_fields.Field, activity, booth) -> Field:
    label = f"{field.label}" if field.required else _l("%(label)s (optional)", label=field.label)
    options = {"label": label, "description": field.help or ""}
    if field.type == "boolean":
        return BooleanField(**options)
    if field.type == "choice":
        choices = [SelectChoice(choice.value, choice.label) for choice in field.choices_for(activity, booth)]
        return SelectField(
            choices=[_NO_CHOICE, *choices],
            validate_choice=True,
            invalid_choice_message=_NOT_A_CHOICE,
            **options,
        )
    if field.type == "image":
        # A picture drawn on the screen: static/js/signature-pad.js draws the pad and fills this in.
        return StringField(
            validators=[Optional(), Length(max=field.max_bytes * 2)],
            render_kw={"type": "hidden", "data-signature-pad": ""},
            **options,
        )
    render = {"maxlength": field.max_length} if field.type == "text" else {}
    if field.type == "number":
        render = {"inputmode": "numeric", "pattern": "[0-9]*", "maxlength": 12}
    if field.type == "date":
        render = {"type": "date", "maxlength": 20}
    validators = [Optional(), Length(max=field.max_length if field.type == "text" else 20)]
    field_class = TextAreaField if field.multiline else StringField
    return field_class(validators=validators, render_kw=render, **options)


def with_fields(form_class: type, fields: Sequence[kind_fields.Field], activity=None, booth=None) -> type:
    """A subclass of `form_class` that also asks `fields` (choices computed for `booth`)."""
    if not fields:
        return form_class
    extra = {input_name(field.name): _input(field, activity, booth) for field in fields}
    extra["declared_fields"] = tuple(fields)
    return type(form_class.__name__, (form_class,), extra)


def declared_inputs(form) -> list[Field]:
    """The bound inputs of the declared fields, in their declared order (for templates)."""
    return [form[input_name(field.name)] for field in getattr(form, "declared_fields", ())]


def typed_values(form) -> dict:
    """What was typed into the declared fields, by field name, for the service to parse."""
    values = {}
    for field in getattr(form, "declared_fields", ()):
        data = form[input_name(field.name)].data
        if field.type == "boolean":
            values[field.name] = bool(data)
        elif data not in (None, ""):
            values[field.name] = data
    return values


def form_problems(form) -> tuple[list[str], list[tuple[str, str, str]]]:
    """A refused form's errors for its summary: those of the whole form (and its CSRF token),
    then each field's as (input id, label, message), in the form's order."""
    general = list(getattr(form, "form_errors", []))
    by_field = []
    for field in form:
        if field.type == "CSRFTokenField":
            general.extend(field.errors)
        else:
            label = str(field.label.text).rstrip("。.：:")
            by_field.extend((field.id, label, message) for message in field.errors)
    return general, by_field
