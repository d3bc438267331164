"""Who may change an employer and its postings, and who sees its applicants' phone numbers in full:
the activity's organizers, and the employer's own staff (an account scoped to its stand)."""

from eventdesk.activities.jobfair.models import Employer
from eventdesk.core.access import can_manage_activity
from eventdesk.core.models import User


def is_stand_staff(user: User, employer: Employer) -> bool:
    return any(scope.booth_id == employer.booth_id for scope in user.scopes)


def may_change_employer(user: User, employer: Employer) -> bool:
    """Change the employer and its postings; see its applicants' phone numbers in full (the
    seekers agreed to share them with the employers they apply to)."""
    return can_manage_activity(user, employer.activity) or is_stand_staff(user, employer)
