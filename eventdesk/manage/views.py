"""Organizer pages: setting up events, districts, sites, departments, activities, booths and staff.

Each page loads what it shows, checks who may see it, and hands changes to a setup
service; a refused change is shown beside the field at fault and nothing is written.
"""

import datetime as dt
import functools
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from eventdesk.auth.permissions import activity_page, city_wide_required, roles_required
from eventdesk.core import access
from eventdesk.core.access import Need, activity_clause, can_issue_scanners, can_manage_activity, is_city_wide
from eventdesk.core.calendar import current_event
from eventdesk.core.kinds import get_kind
from eventdesk.core.models import Activity, Booth, Department, District, Event, Role, Site, User, utcnow
from eventdesk.core.services import activities, privacy, setup, users
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.manage import checklist, forms
from eventdesk.web import id_arg

bp = Blueprint("manage", __name__, url_prefix="/manage")

PER_PAGE = 20


@bp.app_context_processor
def _navigation():
    """Which organizer links the signed-in account may follow."""
    if not current_user.is_authenticated:
        return {}
    return {
        "manage_nav": {
            "setup": is_city_wide(current_user),
            "sites": access.may_set_up_sites(current_user),
            "staff": access.may_manage_accounts(current_user),
            "audit": current_user.role == Role.admin,
        }
    }


# Helpers ---------------------------------------------------------------------------------


def _form_data(form: FlaskForm) -> dict:
    return {name: value for name, value in form.data.items() if name != "csrf_token"}


def _show_refusal(form: FlaskForm, error: ServiceError) -> None:
    """Put a refused change's reasons beside the fields at fault (all of them), or above the form."""
    for refusal in getattr(error, "errors", [error]):
        field = form[refusal.field] if refusal.field and refusal.field in form else None
        message = refusal.message
        if "line" in refusal.detail:
            message = _("Line %(line)s: %(message)s", line=refusal.detail["line"], message=message)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            flash(message, "error")


def _submitted(form: FlaskForm, change: Callable[[], object]) -> bool:
    """Validate the form, make the change and commit; False (nothing written) when either refuses."""
    if not form.validate_on_submit():
        return False
    try:
        change()
    except ServiceError as error:
        db.session.rollback()
        _show_refusal(form, error)
        return False
    db.session.commit()
    flash(_("Saved."), "success")
    return True


def _form_page(form: FlaskForm, title: str, back_url: str, template="manage/form.html", **context):
    return render_template(template, form=form, title=title, back_url=back_url, **context)


def _new_form_page(form: FlaskForm, title: str, back_url: str, **context):
    """A form that creates something: it offers "Save and add another" too."""
    return _form_page(form, title, back_url, add_another=True, **context)


def _saved(done_url: str, again_url: str | None = None):
    """Where a created object's form leads: the list, or a fresh form ("Save and add another")."""
    if request.form.get("and_add_another"):
        return redirect(again_url or request.url)
    return redirect(done_url)


def _search(stmt: sa.Select, *columns) -> tuple[sa.Select, str]:
    """Narrow a list to what the search box asks for (any of `columns` contains it)."""
    query = " ".join(request.args.get("q", "").split())[:100]
    if query:
        stmt = stmt.where(sa.or_(*(column.icontains(query, autoescape=True) for column in columns)))
    return stmt, query


def _coded_list(model, title: str, new_label: str, name: str):
    """Districts or departments: the same list, searched by name or code, in reporting order."""
    stmt, query = _search(sa.select(model).where(_in_view(model)), model.code, model.name, model.name_en)
    page = _paginate(stmt.order_by(model.sort_order, model.name))
    return render_template(
        "manage/coded_list.html",
        page=page,
        query=query,
        title=title,
        new_label=new_label,
        new_url=url_for(f".{name}_new"),
        edit_url=lambda item: url_for(f".{name}_edit", **{f"{name}_id": item.id}),
    )


def _in_view(model) -> sa.ColumnElement[bool]:
    """Those in use, or with ``?archived=1`` the archived ones (to restore them)."""
    if request.args.get("archived") == "1":
        return model.archived_at.is_not(None)
    return model.archived_at.is_(None)


def _paginate(stmt: sa.Select):
    return db.paginate(stmt, per_page=PER_PAGE, max_per_page=PER_PAGE)


@bp.get("/")
@login_required
def home():
    """The staff start page: the activities this account reaches."""
    reachable = db.session.scalars(
        sa.select(Activity)
        .where(activity_clause(current_user), Activity.archived_at.is_(None))
        .order_by(Activity.opens_at)
        .limit(50)
    ).all()
    steps = checklist.setup_steps(current_user)
    # Only an admin can run the anonymising command, so only an admin is reminded.
    retention_due = privacy.retention_due(utcnow().date()) if current_user.role == Role.admin else []
    return render_template(
        "manage/home.html",
        activities=reachable,
        steps=steps,
        next_step=checklist.next_step(steps),
        retention_due=retention_due,
    )


# Events ----------------------------------------------------------------------------------


@bp.get("/events/")
@city_wide_required
def events():
    """Events, newest first, with a search box."""
    stmt, query = _search(sa.select(Event).where(_in_view(Event)), Event.name, Event.name_en)
    page = _paginate(stmt.order_by(Event.starts_on.desc(), Event.name))
    return render_template("manage/events.html", page=page, query=query)


@bp.route("/events/new", methods=["GET", "POST"])
@city_wide_required
def event_new():
    """Create an event."""
    form = forms.EventForm(data={"timezone": current_app.config["EVENTDESK_TIMEZONE"]})
    if _submitted(form, lambda: setup.create_event(**_form_data(form), actor=current_user)):
        return _saved(url_for(".events"))
    return _new_form_page(form, _("New event"), url_for(".events"))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@city_wide_required
def event_edit(event_id: int):
    """Change an event's names, time zone or dates."""
    event = db.get_or_404(Event, event_id)
    form = forms.EventForm(obj=event)
    if _submitted(form, lambda: setup.update_event(event, **_form_data(form), actor=current_user)):
        return redirect(url_for(".events"))
    return _form_page(
        form,
        _("Edit event"),
        url_for(".events"),
        subtitle=event.label,
        lifecycle={"name": "event", "obj": event},
    )


# Districts -------------------------------------------------------------------------------


@bp.get("/districts/")
@city_wide_required
def districts():
    """Districts in their reporting order, with a search box."""
    return _coded_list(District, _("Districts"), _("New district"), "district")


@bp.route("/districts/new", methods=["GET", "POST"])
@city_wide_required
def district_new():
    """Add a district."""
    form = forms.DistrictForm()
    if _submitted(form, lambda: setup.create_district(**_form_data(form), actor=current_user)):
        return _saved(url_for(".districts"))
    return _new_form_page(form, _("New district"), url_for(".districts"))


@bp.route("/districts/<int:district_id>/edit", methods=["GET", "POST"])
@city_wide_required
def district_edit(district_id: int):
    """Change a district."""
    district = db.get_or_404(District, district_id)
    form = forms.DistrictForm(obj=district)
    if _submitted(form, lambda: setup.update_district(district, **_form_data(form), actor=current_user)):
        return redirect(url_for(".districts"))
    return _form_page(
        form,
        _("Edit district"),
        url_for(".districts"),
        subtitle=district.label,
        lifecycle={"name": "district", "obj": district},
    )


# Sites -----------------------------------------------------------------------------------


def _site_organizer_required(view):
    """The city's office, and district organizers for the sites of their districts."""

    @functools.wraps(view)
    @roles_required(Role.admin, Role.organizer)
    def wrapper(*args, **kwargs):
        if not access.may_set_up_sites(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _site_form(site: Site | None = None) -> forms.SiteForm:
    form = forms.SiteForm(obj=site)
    form.district_id.choices = forms.district_choices(current_user)
    return form


def _own_districts(model) -> sa.ColumnElement[bool]:
    if is_city_wide(current_user):
        return sa.true()
    return model.district_id.in_(access.district_ids(current_user))


def _site_in_reach(site_id: int) -> Site:
    site = db.get_or_404(Site, site_id)
    if not is_city_wide(current_user) and site.district_id not in access.district_ids(current_user):
        abort(403)
    return site


@bp.get("/sites/")
@_site_organizer_required
def sites():
    """Sites by district, with a search box (name or address); a district organizer's own."""
    stmt, query = _search(
        sa.select(Site)
        .join(District, Site.district_id == District.id)
        .where(_own_districts(Site), _in_view(Site)),
        Site.name,
        Site.name_en,
        Site.address,
        Site.address_en,
        District.name,
    )
    stmt = stmt.options(so.contains_eager(Site.district)).order_by(
        District.sort_order, District.name, Site.name
    )
    return render_template("manage/sites.html", page=_paginate(stmt), query=query)


@bp.route("/sites/new", methods=["GET", "POST"])
@_site_organizer_required
def site_new():
    """Add a site (a district organizer, in their districts)."""
    form = _site_form()
    if _submitted(form, lambda: setup.create_site(**_form_data(form), actor=current_user)):
        return _saved(url_for(".sites"))
    return _new_form_page(form, _("New site"), url_for(".sites"))


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@_site_organizer_required
def site_edit(site_id: int):
    """Change a site."""
    site = _site_in_reach(site_id)
    form = _site_form(site)
    if _submitted(form, lambda: setup.update_site(site, **_form_data(form), actor=current_user)):
        return redirect(url_for(".sites"))
    return _form_page(
        form, _("Edit site"), url_for(".sites"), subtitle=site.label, lifecycle={"name": "site", "obj": site}
    )


# Departments -----------------------------------------------------------------------------


@bp.get("/departments/")
@city_wide_required
def departments():
    """Departments in their reporting order, with a search box."""
    return _coded_list(Department, _("Departments"), _("New department"), "department")


@bp.route("/departments/new", methods=["GET", "POST"])
@city_wide_required
def department_new():
    """Add a department."""
    form = forms.DepartmentForm()
    if _submitted(form, lambda: setup.create_department(**_form_data(form), actor=current_user)):
        return _saved(url_for(".departments"))
    return _new_form_page(form, _("New department"), url_for(".departments"))


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@city_wide_required
def department_edit(department_id: int):
    """Change a department."""
    department = db.get_or_404(Department, department_id)
    form = forms.DepartmentForm(obj=department)
    if _submitted(form, lambda: setup.update_department(department, **_form_data(form), actor=current_user)):
        return redirect(url_for(".departments"))
    return _form_page(
        form,
        _("Edit department"),
        url_for(".departments"),
        subtitle=department.label,
        lifecycle={"name": "department", "obj": department},
    )


# Activities ------------------------------------------------------------------------------


#: Activity hours a new activity's form starts with, on its event's first day.
DEFAULT_OPENING, DEFAULT_CLOSING = dt.time(9), dt.time(17)


def _event_to_plan() -> Event | None:
    """The event a new activity most likely belongs to: the one asked for, today's, else the next
    or latest one in use."""
    event_id = id_arg("event")
    if event_id:
        return db.session.get(Event, event_id)
    running = current_event()
    if running is not None:
        return running
    in_use = sa.select(Event).where(Event.archived_at.is_(None))
    today = dt.datetime.now(dt.UTC).date()
    return db.session.scalar(
        in_use.where(Event.ends_on >= today).order_by(Event.starts_on, Event.id).limit(1)
    ) or db.session.scalar(in_use.order_by(Event.starts_on.desc(), Event.id.desc()).limit(1))


def _first_day_hours(event: Event | None) -> dict:
    if event is None:
        return {}
    return {
        "event_id": event.id,
        "opens_at": dt.datetime.combine(event.starts_on, DEFAULT_OPENING),
        "closes_at": dt.datetime.combine(event.starts_on, DEFAULT_CLOSING),
    }


def _show_event_days(form: forms.NewActivityForm, event: Event) -> None:
    """Beside the hours: the event's days, and the zone they are read in."""
    form.opens_at.description = form.closes_at.description = _(
        "%(event)s is held on %(days)s; local time in %(zone)s.",
        event=event.label,
        days=forms.event_days(event),
        zone=event.timezone,
    )


def _activity_fields(form: forms.NewActivityForm, event: Event) -> dict:
    """The form's values as the activity services take them: hours placed in the event's time zone."""
    fields = _form_data(form)
    fields.pop("event_id", None)
    fields.pop("kind", None)
    fields["opens_at"] = activities.local_moment(event, fields["opens_at"])
    fields["closes_at"] = activities.local_moment(event, fields["closes_at"])
    return fields


@bp.get("/activities/")
@login_required
def activity_list():
    """The activities this account reaches, by opening time, with a search box and an event filter."""
    stmt = (
        sa.select(Activity)
        .where(activity_clause(current_user), _in_view(Activity))
        .options(
            so.joinedload(Activity.event),
            so.joinedload(Activity.site).joinedload(Site.district),
            so.joinedload(Activity.lead_department),
        )
    )
    event = None
    event_id = id_arg("event")
    if event_id:
        event = db.get_or_404(Event, event_id)
        stmt = stmt.where(Activity.event_id == event.id)
    stmt, query = _search(stmt, Activity.name, Activity.name_en)
    page = _paginate(stmt.order_by(Activity.opens_at, Activity.name))
    may_create = current_user.role in (Role.admin, Role.organizer)
    return render_template(
        "manage/activities.html", page=page, query=query, event=event, may_create=may_create
    )


@bp.route("/activities/new", methods=["GET", "POST"])
@roles_required(Role.admin, Role.organizer)
def activity_new():
    """Create an activity (a scoped organizer, only within their districts or departments)."""
    event = _event_to_plan()
    form = forms.NewActivityForm(data=_first_day_hours(event))
    form.site_id.choices = forms.site_choices(current_user)
    if event is not None:
        _show_event_days(form, event)
    activity = None

    def create():
        nonlocal activity
        event = db.session.get(Event, form.event_id.data)
        fields = _activity_fields(form, event)
        activity = activities.create_activity(
            event_id=event.id, kind=form.kind.data, **fields, actor=current_user
        )

    if _submitted(form, create):
        return _saved(
            url_for(".activity_detail", activity_id=activity.id),
            url_for(".activity_new", event=activity.event_id),
        )
    return _new_form_page(form, _("New activity"), url_for(".activity_list"))


@bp.get("/activities/<int:activity_id>")
@activity_page(Need.view)
def activity_detail(activity: Activity):
    """An activity's facts, its lead and cooperating departments, and its booths."""
    kind = get_kind(activity.kind)
    links = list(kind.activity_links(activity, current_user)) if kind and kind.activity_links else []
    return render_template(
        "manage/activity.html",
        activity=activity,
        may_manage=can_manage_activity(current_user, activity),
        may_issue_scanners=can_issue_scanners(current_user, activity),
        kind_links=links,
        has_actions=bool(kind and kind.actions),
    )


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@activity_page(Need.manage)
def activity_edit(activity: Activity):
    """Change an activity's names, site, departments, hours, capacity and registration."""
    zone = activity.event.zone
    form = forms.ActivityForm(
        data={
            "name": activity.name,
            "name_en": activity.name_en,
            "site_id": activity.site_id,
            "lead_department_id": activity.lead_department_id,
            "cooperator_ids": [department.id for department in activity.cooperators],
            "opens_at": activity.opens_at.astimezone(zone).replace(tzinfo=None),
            "closes_at": activity.closes_at.astimezone(zone).replace(tzinfo=None),
            "capacity": activity.capacity,
            "registration_open": activity.registration_open,
            "description": activity.description,
            "description_en": activity.description_en,
        }
    )
    _show_event_days(form, activity.event)
    form.site_id.choices = forms.site_choices(current_user)

    def update():
        activities.update_activity(activity, **_activity_fields(form, activity.event), actor=current_user)

    if _submitted(form, update):
        return redirect(url_for(".activity_detail", activity_id=activity.id))
    back = url_for(".activity_detail", activity_id=activity.id)
    return _form_page(
        form,
        _("Edit activity"),
        back,
        subtitle=activity.label,
        lifecycle={"name": "activity", "obj": activity},
    )


# Booths (listed on the activity's page) --------------------------------------------------


@bp.route("/activities/<int:activity_id>/booths/new", methods=["GET", "POST"])
@activity_page(Need.manage)
def booth_new(activity: Activity):
    """Add a booth to an activity."""
    form = forms.BoothForm()
    if _submitted(form, lambda: activities.create_booth(activity, **_form_data(form), actor=current_user)):
        return _saved(url_for(".activity_detail", activity_id=activity.id))
    back = url_for(".activity_detail", activity_id=activity.id)
    return _new_form_page(form, _("New booth"), back, subtitle=activity.label)


@bp.route("/activities/<int:activity_id>/booths/bulk", methods=["GET", "POST"])
@activity_page(Need.manage)
def booths_bulk(activity: Activity):
    """Add several booths to an activity from a pasted list."""
    form = forms.BoothsForm()

    def create():
        activities.create_booths(
            activity, form.booths.data, add_cooperators=form.add_cooperators.data, actor=current_user
        )

    if _submitted(form, create):
        return redirect(url_for(".activity_detail", activity_id=activity.id))
    back = url_for(".activity_detail", activity_id=activity.id)
    return _form_page(form, _("Add several booths"), back, subtitle=activity.label)


@bp.route("/activities/<int:activity_id>/booths/<int:booth_id>/edit", methods=["GET", "POST"])
@activity_page(Need.manage)
def booth_edit(activity: Activity, booth_id: int):
    """Change a booth of an activity."""
    booth = db.one_or_404(sa.select(Booth).where(Booth.id == booth_id, Booth.activity_id == activity.id))
    form = forms.BoothForm(obj=booth)
    if _submitted(form, lambda: activities.update_booth(booth, **_form_data(form), actor=current_user)):
        return redirect(url_for(".activity_detail", activity_id=activity.id))
    back = url_for(".activity_detail", activity_id=activity.id)
    return _form_page(
        form, _("Edit booth"), back, subtitle=activity.label, lifecycle={"name": "booth", "obj": booth}
    )


# Staff accounts (administrators only) ----------------------------------------------------


def _scopes(form: forms.StaffForm) -> users.Scopes:
    return users.Scopes(
        district_ids=tuple(form.district_ids.data or ()),
        department_ids=tuple(form.department_ids.data or ()),
        activity_ids=tuple(form.activity_ids.data or ()),
        booth_ids=tuple(form.booth_ids.data or ()),
    )


def _scope_labels(accounts: list[User]) -> dict[int, list[str]]:
    """What each account is limited to, in words, for the list of accounts."""
    captions = {
        "district_id": (District, _("District: %(name)s")),
        "department_id": (Department, _("Department: %(name)s")),
        "activity_id": (Activity, _("Activity: %(name)s")),
        "booth_id": (Booth, _("Booth: %(name)s")),
    }
    scopes = [scope for account in accounts for scope in account.scopes]
    names = {}
    for column, (model, caption) in captions.items():
        ids = {getattr(scope, column) for scope in scopes if getattr(scope, column)}
        if ids:
            for obj in db.session.scalars(sa.select(model).where(model.id.in_(ids))):
                # A booth's name alone ("体格检查") does not say which activity it belongs to.
                label = f"{obj.activity.label} · {obj.label}" if model is Booth else obj.label
                names[(column, obj.id)] = caption % {"name": label}
    return {
        account.id: [
            names[(column, getattr(scope, column))]
            for scope in account.scopes
            for column in captions
            if getattr(scope, column)
        ]
        for account in accounts
    }


def _staff_form(form_class, **kwargs) -> forms.StaffForm:
    """A staff form offering only what the signed-in organizer may hand out."""
    form = form_class(**kwargs)
    form.role.choices = forms.role_choices(current_user)
    form.district_ids.choices = forms.district_choices(current_user)
    form.department_ids.choices = forms.department_choices(current_user)
    form.activity_ids.choices = forms.activity_choices(current_user)
    form.booth_ids.choices = forms.booth_choices(current_user)
    return form


def _account_in_reach(user_id: int) -> User:
    account = db.get_or_404(User, user_id)
    if not access.account_within(current_user, account):
        abort(403)
    return account


def _accounts_in_reach() -> sa.ColumnElement[bool]:
    """The accounts the signed-in organizer sees: inside their scope (all, for an admin)."""
    if current_user.role == Role.admin:
        return sa.true()
    accounts = db.session.scalars(sa.select(User).options(so.selectinload(User.scopes))).all()
    return User.id.in_([a.id for a in accounts if access.account_within(current_user, a)])


@bp.get("/staff/")
@roles_required(Role.admin, Role.organizer)
def staff():
    """Staff accounts, with a search box (e-mail or name); an organizer sees those in their scope."""
    stmt, query = _search(sa.select(User).where(_accounts_in_reach()), User.email, User.name)
    page = _paginate(stmt.options(so.selectinload(User.scopes)).order_by(User.email))
    return render_template(
        "manage/staff.html",
        page=page,
        query=query,
        scope_labels=_scope_labels(page.items),
        role_labels=forms.ROLE_LABELS,
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@roles_required(Role.admin, Role.organizer)
def staff_new():
    """Create a staff account with its role, scopes and first password (inside one's own scope)."""
    form = _staff_form(forms.NewStaffForm)

    def create():
        users.create_user(
            form.email.data,
            name=form.name.data,
            role=form.role.data,
            password=form.password.data,
            active=form.active.data,
            scopes=_scopes(form),
            actor=current_user,
        )

    if _submitted(form, create):
        return _saved(url_for(".staff"))
    return _new_form_page(form, _("New staff account"), url_for(".staff"))


@bp.route("/staff/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.admin, Role.organizer)
def staff_edit(user_id: int):
    """Change a staff account's e-mail, name, role, whether it is active, and its scopes."""
    account = _account_in_reach(user_id)
    form = _staff_form(
        forms.StaffForm,
        data={
            "email": account.email,
            "name": account.name,
            "role": account.role,
            "active": account.active,
            **{
                f"{column}s": [getattr(s, column) for s in account.scopes if getattr(s, column)]
                for column in ("district_id", "department_id", "activity_id", "booth_id")
            },
        },
    )

    def update():
        users.update_user(
            account,
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            active=form.active.data,
            scopes=_scopes(form),
            actor=current_user,
        )

    if _submitted(form, update):
        return redirect(url_for(".staff"))
    return _form_page(
        form,
        _("Edit staff account"),
        url_for(".staff"),
        template="manage/staff_form.html",
        subject=account,
        subtitle=account.email,
        password_form=forms.PasswordForm(formdata=None),
    )


@bp.route("/staff/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(Role.admin, Role.organizer)
def staff_password(user_id: int):
    """Set a new password for a staff account (there is no e-mail to reset it by)."""
    account = _account_in_reach(user_id)
    form = forms.PasswordForm()
    if _submitted(form, lambda: users.set_password(account, form.password.data, actor=current_user)):
        return redirect(url_for(".staff_edit", user_id=account.id))
    return _form_page(
        form, _("New password for %(email)s", email=account.email), url_for(".staff_edit", user_id=account.id)
    )


# Imports on the activity's page, deleting and archiving (their own modules, on this blueprint)

from eventdesk.manage import imports as _imports  # noqa: E402, F401
from eventdesk.manage import lifecycle as _lifecycle  # noqa: E402, F401
