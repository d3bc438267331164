"""The key-handover ceremony's routes in the permission table (`eventdesk.core.route_access`)."""

from eventdesk.core.access import Need
from eventdesk.core.route_access import ORGANIZERS, Caller, at_activity

#: Every household's letter or receipt (names, new homes, ticket links): the whole ceremony's, so
#: not for the staff of one desk.
_WHOLE_LIST = ORGANIZERS | {Caller.department_staff}

RULES = {
    "handover.ceremony": at_activity(Need.view),
    "handover.live": at_activity(Need.view),
    "handover.desk": at_activity(Need.view),
    "handover.scan": at_activity(Need.view, write=True),
    "handover.hand_over": at_activity(Need.view, write=True),
    "handover.undo": at_activity(Need.view, write=True),
    "handover.receipt": at_activity(Need.view),
    "handover.receipts": at_activity(Need.lists, _WHOLE_LIST),
    "handover.letters": at_activity(Need.lists, _WHOLE_LIST),
    "handover.letter": at_activity(Need.manage, ORGANIZERS, write=True),
}
