"""Declaring on a view who may call it."""

import functools

from flask import abort
from flask_login import current_user, login_required

from eventdesk.core.access import is_city_wide


def roles_required(*roles: str):
    """Signed in, with one of `roles`; otherwise the sign-in page or 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_roles = roles
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

    wrapper.required_roles = ("city_wide",)
    return wrapper
