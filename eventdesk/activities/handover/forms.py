"""The ceremony's forms: keys handed over at the desk, an undo, the letter's wording. They carry
what was typed; the services judge it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from eventdesk.activities.handover.vocabulary import HEAD, RECIPIENTS
from eventdesk.core.actions import REASON_MAX_LENGTH


class LetterScanForm(FlaskForm):
    """A household's letter scanned (a scanner types it and presses Enter) or its code typed."""

    client_scan_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    ticket = StringField(
        _l("Letter's code"),
        validators=[DataRequired(), Length(max=2048)],
        render_kw={
            "autocomplete": "off",
            "spellcheck": "false",
            "autofocus": True,
            "placeholder": _l("Scan the letter, or type its code"),
        },
    )


class HandoverForm(FlaskForm):
    """Keys handed to the head (the default: one tap to sign, one to confirm) or a named proxy."""

    client_action_id = HiddenField(validators=[DataRequired(), Length(max=64)])
    recipient = RadioField(
        _l("Keys received by"),
        choices=[SelectChoice(choice.value, choice.label) for choice in RECIPIENTS],
        default=HEAD,
    )
    proxy_name = StringField(_l("Proxy's name"), validators=[Optional(), Length(max=50)])
    proxy_relation = StringField(
        _l("Proxy's relation to the head"),
        validators=[Optional(), Length(max=20)],
        description=_l("For example: son, daughter, neighbour, village cadre."),
    )
    proxy_id_tail = StringField(
        _l("Last 4 characters of the proxy's ID number"),
        validators=[Optional(), Length(max=4)],
        render_kw={"maxlength": 4, "autocomplete": "off"},
    )
    signature = StringField(
        _l("Signature of who receives the keys"),
        validators=[Optional(), Length(max=400_000)],
        render_kw={"type": "hidden", "data-signature-pad": "", "data-clear-label": _l("Sign again")},
    )

    def typed_fields(self) -> dict:
        fields = {"recipient": self.recipient.data, "signature": self.signature.data}
        for name in ("proxy_name", "proxy_relation", "proxy_id_tail"):
            if self[name].data:
                fields[name] = self[name].data
        return fields


class UndoForm(FlaskForm):
    reason = StringField(_l("Why it is undone"), validators=[DataRequired(), Length(max=REASON_MAX_LENGTH)])


class LetterForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=100)])
    body = TextAreaField(
        _l("Letter"),
        validators=[DataRequired(), Length(max=2000)],
        render_kw={"rows": 8},
        description=_l(
            "{head}, {settlement}, {building} and {unit} are replaced by each household's own name and home."
        ),
    )
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    meeting_time = StringField(_l("Date and time"), validators=[DataRequired(), Length(max=100)])
    bring = TextAreaField(
        _l("What to bring"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 4},
        description=_l("One item a line."),
    )
