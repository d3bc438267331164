"""Declaring on a view who may call it."""

import functools

from flask import abort
from flask_login import current_user, login_required

from eventdesk.core.access import Need, is_city_wide, load_activity


def roles_required(*roles: str):
    """Signed in, with one of `roles`; otherwise the sign-in page or 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def city_wide_required(view):
    """Admins and unscoped organizers: those who set up events, places and departments."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not is_city_wide(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def activity_page(need: Need = Need.view):
    """A page of the activity in the URL (``activity_id``), for signed-in staff allowed to `need` there.

    The view receives the `Activity` instead of its id. Unknown activity: 404; out of reach: 403.
    """

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(activity_id: int, **kwargs):
            return view(load_activity(current_user, activity_id, need), **kwargs)

        return wrapper

    return decorator
