"""Organizer forms. They check the shape of what was typed; the setup services check the rules.

Choices that come from the database are read when the form is shown or checked.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventdesk.core import access, dates
from eventdesk.core.kinds import kind_choices
from eventdesk.core.models import Activity, Booth, Department, District, Event, Role, Site, User
from eventdesk.core.models.events import DEFAULT_RETENTION_DAYS
from eventdesk.extensions import db

# The browser's datetime-local value first, so that the form shows what it reads.
DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class LocalDateTimeField(DateTimeLocalField):
    """A date picker's day and time, or what is typed where the browser shows a text box:
    2026/12/1 9:00, 2026年12月1日 9:00."""

    def process_formdata(self, valuelist):
        moment = dates.read_wall_time(" ".join(valuelist)) if valuelist else None
        if moment is None:
            super().process_formdata(valuelist)
        else:
            self.data = moment


class LocalDateField(DateField):
    """A date picker's day, or 2026/12/1, 2026年12月1日 typed into a text box."""

    def process_formdata(self, valuelist):
        day = dates.read_day(" ".join(valuelist)) if valuelist else None
        if day is None:
            super().process_formdata(valuelist)
        else:
            self.data = day


class CheckboxesField(SelectMultipleField):
    """Several choices ticked in a list of checkboxes (no Ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __call__(self, **kwargs):
        kwargs.setdefault("class_", "checkboxes")
        return super().__call__(**kwargs)


ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.organizer: _l("Organizer"),
    Role.staff: _l("Staff"),
}


# Choices from the database -------------------------------------------------------------


def _options(rows) -> list[SelectChoice]:
    return [SelectChoice(str(object_id), label) for object_id, label in rows]


def _in_use(model):
    """Archived objects are kept for reports but no longer offered."""
    return model.archived_at.is_(None)


def district_choices(user: User | None = None) -> list[SelectChoice]:
    """Districts; for a district organizer, only theirs."""
    stmt = sa.select(District).where(_in_use(District)).order_by(District.sort_order, District.name)
    if user is not None and not access.is_city_wide(user):
        stmt = stmt.where(District.id.in_(access.district_ids(user)))
    return _options((d.id, d.label) for d in db.session.scalars(stmt))


def department_choices(user: User | None = None) -> list[SelectChoice]:
    """Departments; given a scoped `user`, only the departments they are limited to."""
    stmt = sa.select(Department).where(_in_use(Department)).order_by(Department.sort_order, Department.name)
    if user is not None and not access.is_city_wide(user):
        stmt = stmt.where(Department.id.in_(access.department_ids(user)))
    return _options((d.id, d.label) for d in db.session.scalars(stmt))


def department_or_none_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("(none)")), *department_choices()]


def site_choices(user: User | None = None) -> list[SelectChoice]:
    """Sites by district; a district organizer is offered only their districts' sites."""
    stmt = (
        sa.select(Site, District)
        .join(District, Site.district_id == District.id)
        .where(_in_use(Site), _in_use(District))
        .order_by(District.sort_order, District.name, Site.name)
    )
    if user is not None:
        stmt = stmt.where(access.site_clause(user))
    rows = db.session.execute(stmt)
    return _options((site.id, f"{district.label} · {site.label}") for site, district in rows)


def event_choices() -> list[SelectChoice]:
    events = db.session.scalars(
        sa.select(Event).where(_in_use(Event)).order_by(Event.starts_on.desc(), Event.name)
    )
    return _options((e.id, f"{e.label} ({event_days(e)})") for e in events)


def event_days(event: Event) -> str:
    """An event's days as a form shows them: 2026-10-17, or 2026-10-17 – 2026-10-18."""
    first, last = event.starts_on.isoformat(), event.ends_on.isoformat()
    return first if first == last else f"{first} – {last}"


def activity_choices(user: User | None = None) -> list[SelectChoice]:
    stmt = sa.select(Activity).where(_in_use(Activity)).order_by(Activity.opens_at, Activity.name)
    if user is not None:
        stmt = stmt.where(access.activity_clause(user))
    return _options((a.id, a.label) for a in db.session.scalars(stmt))


def booth_choices(user: User | None = None) -> list[SelectChoice]:
    stmt = (
        sa.select(Booth, Activity)
        .join(Activity, Booth.activity_id == Activity.id)
        .where(_in_use(Booth), _in_use(Activity))
        .order_by(Activity.opens_at, Activity.name, Booth.sort_order, Booth.name)
    )
    if user is not None:
        stmt = stmt.where(access.activity_clause(user))
    # Grouped under their activity: several activities have a booth of the same name.
    return [
        SelectChoice(str(booth.id), booth.label, optgroup=activity.label)
        for booth, activity in db.session.execute(stmt)
    ]


def role_choices(user: User | None = None) -> list[SelectChoice]:
    """The least role first (the form's default); an administrator's only for administrators."""
    roles = [Role.staff, Role.organizer]
    if user is None or user.role == Role.admin:
        roles.append(Role.admin)
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in roles]


def kind_options() -> list[SelectChoice]:
    return [SelectChoice(name, label) for name, label in kind_choices()]


# WTForms has no Chinese for a multiple choice that is not on the list, so EventDesk says it.
NOT_ON_THE_LIST = _l("Choose from the list.")


def _optional_id(value):
    """Coerce a select's value to an id, or None for the empty "none" choice."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _name_fields():
    return (
        StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)]),
        StringField(_l("Name (English)"), validators=[Optional(), Length(max=100)]),
    )


def _sort_order_field():
    return IntegerField(
        _l("Sort order"),
        validators=[Optional()],
        description=_l("Smaller numbers come first in lists and reports."),
    )


class EventForm(FlaskForm):
    name, name_en = _name_fields()
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("An IANA name such as Asia/Shanghai; days are counted and times shown in it."),
    )
    starts_on = LocalDateField(_l("First day"), validators=[InputRequired()])
    ends_on = LocalDateField(_l("Last day"), validators=[InputRequired()])
    city_name = StringField(
        _l("City"),
        validators=[Optional(), Length(max=50)],
        description=_l('How the written reports name the city, e.g. 铜川市; empty: "the city".'),
    )
    report_addressee = StringField(
        _l("Written reports are sent to"),
        validators=[Optional(), Length(max=100)],
        description=_l(
            "The office districts and departments address their reports to, e.g. 市脱贫攻坚办公室."
        ),
    )
    retention_days = IntegerField(
        _l("Keep personal data for (days after the last day)"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[Optional()],
        description=_l("Then the administrators are reminded to anonymise the event's people."),
    )


class DistrictForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[Optional(), Length(max=20)],
        description=_l(
            "Short and stable, for imports and the command line, e.g. wangyi. Left empty, one is made "
            "from the English name (or a number); it can be changed."
        ),
    )
    name, name_en = _name_fields()
    sort_order = _sort_order_field()


class SiteForm(FlaskForm):
    district_id = SelectField(
        _l("District"), coerce=int, choices=district_choices, validators=[InputRequired()]
    )
    name, name_en = _name_fields()
    address = StringField(
        _l("Address"),
        validators=[Optional(), Length(max=200)],
        description=_l("Street address or directions for visitors."),
    )
    address_en = StringField(
        _l("Address (English)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Shown to English readers; left empty, they read the Chinese address."),
    )


class DepartmentForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[Optional(), Length(max=20)],
        description=_l(
            "Short and stable, for imports and the command line, e.g. hrss. Left empty, one is made "
            "from the English name (or a number); it can be changed."
        ),
    )
    name, name_en = _name_fields()
    sort_order = _sort_order_field()


class NewActivityForm(FlaskForm):
    event_id = SelectField(_l("Event"), coerce=int, choices=event_choices, validators=[InputRequired()])
    kind = SelectField(_l("Kind"), choices=kind_options, validators=[InputRequired()])
    name, name_en = _name_fields()
    site_id = SelectField(_l("Site"), coerce=int, choices=site_choices, validators=[InputRequired()])
    lead_department_id = SelectField(
        _l("Lead department"), coerce=int, choices=department_choices, validators=[InputRequired()]
    )
    cooperator_ids = CheckboxesField(
        _l("Cooperating departments"),
        coerce=int,
        choices=department_choices,
        invalid_choice_message=NOT_ON_THE_LIST,
    )
    opens_at = LocalDateTimeField(
        _l("Opens"),
        format=DATETIME_LOCAL_FORMATS,
        validators=[InputRequired()],
        description=_l("Local time of the event's time zone."),
    )
    closes_at = LocalDateTimeField(
        _l("Closes"),
        format=DATETIME_LOCAL_FORMATS,
        validators=[InputRequired()],
        description=_l("Local time of the event's time zone."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional()],
        description=_l("Most registrations accepted; leave empty for no limit."),
    )
    desk_places = IntegerField(
        _l("Places kept for the desk"),
        validators=[Optional()],
        description=_l("Of the capacity, how many the public cannot take by registering online."),
    )
    registration_open = BooleanField(_l("The public may register themselves"))
    description = TextAreaField(_l("Description for visitors"), validators=[Optional(), Length(max=2000)])
    description_en = TextAreaField(
        _l("Description for visitors (English)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Shown to English readers; left empty, they read the Chinese description."),
    )


class ActivityForm(NewActivityForm):
    """Changing an activity: its event and kind are chosen once, when it is created."""

    event_id = None
    kind = None


class BoothForm(FlaskForm):
    name, name_en = _name_fields()
    department_id = SelectField(
        _l("Department"),
        coerce=_optional_id,
        choices=department_or_none_choices,
        description=_l("The department staffing the booth; none for an employer's stand."),
    )
    add_cooperator = BooleanField(
        _l("Add it as a cooperating department"),
        description=_l("Needed when the department neither leads nor cooperates in the activity yet."),
    )
    sort_order = _sort_order_field()


class StaffForm(FlaskForm):
    """An account's details and what it is limited to (scopes)."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(
        _l("Role"), choices=role_choices, default=Role.staff.value, validators=[InputRequired()]
    )
    active = BooleanField(_l("Active (may sign in)"), default=True)
    district_ids = SelectMultipleField(
        _l("Limited to districts"),
        coerce=int,
        choices=district_choices,
        invalid_choice_message=NOT_ON_THE_LIST,
        description=_l("An organizer with no limits works city-wide; staff need at least one."),
    )
    department_ids = SelectMultipleField(
        _l("Limited to departments"),
        coerce=int,
        choices=department_choices,
        invalid_choice_message=NOT_ON_THE_LIST,
    )
    activity_ids = SelectMultipleField(
        _l("Limited to activities"),
        coerce=int,
        choices=activity_choices,
        invalid_choice_message=NOT_ON_THE_LIST,
    )
    booth_ids = SelectMultipleField(
        _l("Limited to booths"), coerce=int, choices=booth_choices, invalid_choice_message=NOT_ON_THE_LIST
    )


class NewStaffForm(StaffForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least 8 characters. Tell it to the person in private."),
    )


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ImportUploadForm(FlaskForm):
    """A spreadsheet to preview before importing it."""

    file = FileField(
        _l("Excel workbook (.xlsx) or CSV file"),
        validators=[FileRequired(_l("Choose a file."))],
    )


class ImportConfirmForm(FlaskForm):
    """The previewed file, sent again to import it: all rows, or only the good ones."""

    content = HiddenField(validators=[DataRequired()])
    filename = HiddenField()
    skip_bad = HiddenField()


class BoothsForm(FlaskForm):
    """Several booths at once, pasted as a list."""

    booths = TextAreaField(
        _l("Booths, one per line"),
        validators=[DataRequired(), Length(max=20_000)],
        description=_l(
            "A name per line, or a name and its department (name or code) side by side: paste two "
            "columns from a spreadsheet, or separate them with a comma."
        ),
        render_kw={"rows": 12},
    )
    add_cooperators = BooleanField(_l("Add departments that do not take part yet as cooperating departments"))
