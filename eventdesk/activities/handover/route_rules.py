"""The key-handover ceremony's routes in the permission table (`eventdesk.core.route_access`)."""

from eventdesk.core.access import Need
from eventdesk.core.route_access import ORGANIZERS, at_activity

RULES = {
    "handover.ceremony": at_activity(Need.view),
    "handover.live": at_activity(Need.view),
    "handover.desk": at_activity(Need.view),
    "handover.scan": at_activity(Need.view, write=True),
    "handover.hand_over": at_activity(Need.view, write=True),
    "handover.undo": at_activity(Need.view, write=True),
    "handover.receipt": at_activity(Need.view),
    "handover.receipts": at_activity(Need.view),
    "handover.letters": at_activity(Need.view),
    "handover.letter": at_activity(Need.manage, ORGANIZERS, write=True),
}
