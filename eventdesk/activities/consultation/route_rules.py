"""The consultation fair's routes in the permission table (`eventdesk.core.route_access`)."""

from eventdesk.core.access import Need
from eventdesk.core.route_access import BEARERS, EVERYONE, ORGANIZERS, STAFF, Rule, Scope, at_activity

RULES = {
    "consultation.fair": at_activity(Need.view),
    "consultation.settings": at_activity(Need.manage, ORGANIZERS, write=True),
    "consultation.add_booths": at_activity(Need.manage, ORGANIZERS, write=True),
    "consultation.desk": at_activity(Need.view, booth=True),
    "consultation.consult": at_activity(Need.view, write=True, booth=True),
    "consultation.handout": at_activity(Need.view, write=True, booth=True),
    "consultation_stock.materials": at_activity(Need.view),
    "consultation_stock.material_new": at_activity(Need.view, write=True, booth=True),
    "consultation_stock.material_edit": at_activity(Need.view, write=True),
    "consultation_stock.material_delete": at_activity(Need.view, write=True),
    "consultation_poster.poster": at_activity(Need.view, write=True, booth=True),
    "consultation_poster.poster_print": at_activity(Need.view, booth=True),
    "consultation_poster.leaflet_new": at_activity(Need.view, write=True, booth=True),
    "consultation_poster.leaflet_delete": at_activity(Need.view, write=True),
    "consultation_follow_ups.follow_ups": Rule(STAFF, Scope.department),
    "consultation_follow_ups.answer": Rule(STAFF, Scope.department, write=True),
    "consultation_public.poster": Rule(EVERYONE, Scope.none, write=True),
    "consultation_public.leaflet": Rule(EVERYONE, Scope.none),
    "consultation_api.booth_counter": Rule(BEARERS, Scope.booth),
}
