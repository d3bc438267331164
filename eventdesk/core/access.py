"""Who may reach which activity: roles narrowed by scopes (district, department, activity, booth).

- An admin reaches everything; so does an organizer without scopes (the city's office).
- An organizer with scopes manages the activities in their districts, the activities their
  departments lead or cooperate in, and the activities named.
- Staff work at the activities of their scopes; a booth scope reaches only that booth.
"""

import enum

import sqlalchemy as sa

from eventdesk.core.models import Activity, Booth, Role, Site, User, activity_cooperator
from eventdesk.errors import ServiceError
from eventdesk.extensions import db


def is_city_wide(user: User) -> bool:
    """May set up events, places, departments: admins and unscoped organizers."""
    return user.role == Role.admin or (user.role == Role.organizer and not user.scopes)


def activity_clause(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause on `Activity` selecting what `user` may see."""
    if is_city_wide(user):
        return sa.true()
    district_ids = [s.district_id for s in user.scopes if s.district_id]
    department_ids = [s.department_id for s in user.scopes if s.department_id]
    activity_ids = [s.activity_id for s in user.scopes if s.activity_id]
    booth_ids = [s.booth_id for s in user.scopes if s.booth_id]
    conditions = []
    if district_ids:
        conditions.append(Activity.site_id.in_(sa.select(Site.id).where(Site.district_id.in_(district_ids))))
    if department_ids:
        conditions.append(Activity.lead_department_id.in_(department_ids))
        conditions.append(
            Activity.id.in_(
                sa.select(activity_cooperator.c.activity_id).where(
                    activity_cooperator.c.department_id.in_(department_ids)
                )
            )
        )
    if activity_ids:
        conditions.append(Activity.id.in_(activity_ids))
    if booth_ids:
        conditions.append(Activity.id.in_(sa.select(Booth.activity_id).where(Booth.id.in_(booth_ids))))
    return sa.or_(*conditions) if conditions else sa.false()


def _scope_reaches(user: User, activity: Activity) -> bool:
    cooperator_ids = {d.id for d in activity.cooperators}
    for scope in user.scopes:
        if scope.district_id and scope.district_id == activity.site.district_id:
            return True
        if scope.department_id and (
            scope.department_id == activity.lead_department_id or scope.department_id in cooperator_ids
        ):
            return True
        if scope.activity_id and scope.activity_id == activity.id:
            return True
    return False


def can_view_activity(user: User, activity: Activity) -> bool:
    if is_city_wide(user) or _scope_reaches(user, activity):
        return True
    booth_ids = {b.id for b in activity.booths}
    return any(scope.booth_id in booth_ids for scope in user.scopes if scope.booth_id)


def can_manage_activity(user: User, activity: Activity) -> bool:
    """Edit the activity, its booths, its scanner credentials."""
    return user.role in (Role.admin, Role.organizer) and can_view_activity(user, activity)


def can_work_at(user: User, activity: Activity, booth_id: int | None = None) -> bool:
    """Register people, check them in or scan at the activity's entrance, or at `booth_id`."""
    if is_city_wide(user) or _scope_reaches(user, activity):
        return True
    return booth_id is not None and any(scope.booth_id == booth_id for scope in user.scopes)


def leads(user: User, activity: Activity) -> bool:
    """Whether `user` is staff of the department leading the activity."""
    return any(scope.department_id == activity.lead_department_id for scope in user.scopes)


def can_issue_scanners(user: User, activity: Activity) -> bool:
    """Issue and revoke the volunteers' scanner devices: organizers who manage the activity, and
    the lead department's staff, who run it on the day."""
    return can_manage_activity(user, activity) or (user.role == Role.staff and leads(user, activity))


class Need(enum.StrEnum):
    """What a caller wants to do at an activity."""

    view = "view"  #: see it, its counts and lists
    work = "work"  #: register people and check them in (at the entrance or a booth of theirs)
    lists = "lists"  #: download its lists of people: the whole activity's, so never for one booth
    scanners = "scanners"  #: issue and revoke its scanner devices
    manage = "manage"  #: change it and its booths


_ALLOWED = {
    Need.view: can_view_activity,
    Need.work: can_work_at,
    Need.lists: can_work_at,
    Need.scanners: can_issue_scanners,
    Need.manage: can_manage_activity,
}


# Set-up objects and staff accounts within an organizer's reach --------------------------------


def district_ids(user: User) -> set[int]:
    return {scope.district_id for scope in user.scopes if scope.district_id}


def department_ids(user: User) -> set[int]:
    return {scope.department_id for scope in user.scopes if scope.department_id}


def may_manage_accounts(user: User) -> bool:
    """Admins, and organizers for the accounts inside their own scope."""
    return user.role in (Role.admin, Role.organizer)


def may_set_up_sites(user: User) -> bool:
    """The city's office everywhere; a district organizer in their districts."""
    return is_city_wide(user) or (user.role == Role.organizer and bool(district_ids(user)))


def site_clause(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause on `Site` selecting the sites `user` sets up activities at."""
    if is_city_wide(user) or department_ids(user) or not district_ids(user):
        return sa.true()
    return Site.district_id.in_(district_ids(user))


def scope_within(user: User, column: str, object_id: int) -> bool:
    """Whether an account limited to ``column = object_id`` stays inside what `user` reaches."""
    if is_city_wide(user):
        return True
    if column == "district_id":
        return object_id in district_ids(user)
    if column == "department_id":
        return object_id in department_ids(user)
    if column == "activity_id":
        activity = db.session.get(Activity, object_id)
    else:
        booth = db.session.get(Booth, object_id)
        activity = booth.activity if booth else None
    return activity is not None and can_manage_activity(user, activity)


def account_within(user: User, account: User) -> bool:
    """Whether `user` may see and change `account`: an admin any; an organizer no administrator and
    not their own, and, when scoped, only accounts limited to what the organizer reaches."""
    if user.role == Role.admin:
        return True
    # Nobody widens their own account but an administrator.
    if user.role != Role.organizer or account.role == Role.admin or account.id == user.id:
        return False
    if is_city_wide(user):
        return True
    keys = [
        (column, getattr(scope, column))
        for scope in account.scopes
        for column in ("district_id", "department_id", "activity_id", "booth_id")
        if getattr(scope, column)
    ]
    return bool(keys) and all(scope_within(user, column, object_id) for column, object_id in keys)


def allowed(user: User, activity: Activity, need: Need) -> bool:
    return _ALLOWED[need](user, activity)


def load_activity(user: User, activity_id: int | None, need: Need = Need.view) -> Activity:
    """The activity `activity_id`, once `user` may do what `need` says there.

    :raises ServiceError: ``not_found`` (404) when there is no such activity, ``forbidden`` (403)
        when it is out of the user's reach.
    """
    activity = db.session.get(Activity, activity_id) if activity_id else None
    if activity is None:
        raise ServiceError("not_found", status=404)
    if not allowed(user, activity, need):
        raise ServiceError("forbidden", status=403)
    return activity
