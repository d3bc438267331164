"""The job fair's routes in the permission table (`eventdesk.core.route_access`)."""

from eventdesk.core.access import Need
from eventdesk.core.route_access import EVERYONE, ORGANIZERS, Caller, Rule, Scope, at_activity, public

#: Organizers, and the staff of the employer's own stand.
_STAND = ORGANIZERS | {Caller.booth_staff}

RULES = {
    "jobfair.employers": at_activity(Need.view),
    "jobfair.employer": at_activity(Need.view),
    "jobfair.employer_new": at_activity(Need.manage, ORGANIZERS, write=True),
    "jobfair.employer_edit": at_activity(Need.view, _STAND, write=True, booth=True),
    "jobfair.employer_delete": at_activity(Need.manage, ORGANIZERS, write=True),
    "jobfair.applicants": at_activity(Need.view),
    "jobfair.posting_new": at_activity(Need.view, _STAND, write=True, booth=True),
    "jobfair.posting_edit": at_activity(Need.view, _STAND, write=True, booth=True),
    "jobfair.posting_delete": at_activity(Need.view, _STAND, write=True, booth=True),
    "jobfair.public_postings": public(),
    "jobfair.my_postings": Rule(EVERYONE, Scope.ticket),
    "jobfair_api.postings": public(),
}
