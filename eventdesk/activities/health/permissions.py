"""Who may read and record health details (services, referrals, notes): the activity's organizers
and its health staff, no one else.

Health staff are staff accounts tied to one of its stations (providers), to the activity itself,
or to the department that leads it. A district-wide volunteer or a cooperating department's
staff may work at the entrance but never see what a resident received.
"""

from eventdesk.core.access import can_manage_activity
from eventdesk.core.models import Activity, Booth, User


def is_health_staff(user: User, activity: Activity) -> bool:
    station_ids = {booth.id for booth in activity.booths}
    return any(
        scope.booth_id in station_ids
        or scope.activity_id == activity.id
        or (scope.department_id is not None and scope.department_id == activity.lead_department_id)
        for scope in user.scopes
    )


def may_read_health(user: User, activity: Activity) -> bool:
    """See the services, referrals and notes of the activity's residents."""
    return can_manage_activity(user, activity) or is_health_staff(user, activity)


def may_serve_at(user: User, activity: Activity, booth: Booth | None) -> bool:
    """Record services at `booth`: organizers, and health staff who are not tied to another station."""
    if can_manage_activity(user, activity):
        return True
    if booth is None:
        return False
    own_stations = {scope.booth_id for scope in user.scopes if scope.booth_id}
    if own_stations:
        return booth.id in own_stations
    return is_health_staff(user, activity)
