"""Who may do what for a department's booth beyond the core's reach rules: its own staff (an account
scoped to the booth, or to its department) and the fair's organizers set up its stock and its
poster page, and answer the department's follow-ups with its callers' phone numbers in full."""

import sqlalchemy as sa

from eventdesk.core.access import can_manage_activity, is_city_wide
from eventdesk.core.models import Activity, Booth, Role, User
from eventdesk.extensions import db


def serves_department(user: User, department_id: int, activity: Activity) -> bool:
    """Staff of the department: scoped to it, or to one of its booths at the fair."""
    booth_ids = {booth.id for booth in activity.booths if booth.department_id == department_id}
    return any(
        scope.department_id == department_id or (scope.booth_id is not None and scope.booth_id in booth_ids)
        for scope in user.scopes
    )


def may_change_booth(user: User, activity: Activity, booth: Booth) -> bool:
    """Set up the booth's materials and its poster page."""
    if can_manage_activity(user, activity):
        return True
    if any(scope.booth_id == booth.id for scope in user.scopes):
        return True
    return booth.department_id is not None and any(
        scope.department_id == booth.department_id for scope in user.scopes
    )


def may_answer_for(user: User, department_id: int, activity: Activity) -> bool:
    """See a department's follow-ups at the fair with the phone numbers, and answer them."""
    return can_manage_activity(user, activity) or serves_department(user, department_id, activity)


def may_open_department(user: User, department_id: int) -> bool:
    """Open a department's follow-ups page: organizers, and the department's own staff (what the
    page lists is narrowed by `may_answer_for`)."""
    if is_city_wide(user) or user.role == Role.organizer:
        return True
    if any(scope.department_id == department_id for scope in user.scopes):
        return True
    booth_ids = [scope.booth_id for scope in user.scopes if scope.booth_id is not None]
    return bool(booth_ids) and (
        db.session.scalar(
            sa.select(Booth.id).where(Booth.id.in_(booth_ids), Booth.department_id == department_id).limit(1)
        )
        is not None
    )
