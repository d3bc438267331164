"""The health service day's routes in the permission table (`eventdesk.core.route_access`)."""

from eventdesk.core.access import Need
from eventdesk.core.route_access import BEARERS, ORGANIZERS, Rule, Scope, at_activity, public

RULES = {
    "health_day.stations": at_activity(Need.view),
    "health_day.sheets": at_activity(Need.work),
    "health_day.service_new": at_activity(Need.manage, ORGANIZERS, write=True),
    "health_day.service_edit": at_activity(Need.manage, ORGANIZERS, write=True),
    "health_day.service_delete": at_activity(Need.manage, ORGANIZERS, write=True),
    "health_day.services_from_plan": at_activity(Need.manage, ORGANIZERS, write=True),
    "health_day.station_services": at_activity(Need.manage, ORGANIZERS, write=True, booth=True),
    "health_day.station": at_activity(Need.view, booth=True),
    "health_day.serve": at_activity(Need.view, write=True, booth=True),
    "health_day.undo": at_activity(Need.view, write=True, booth=True),
    "health_day.give_number": at_activity(Need.view, write=True, booth=True),
    "health_day.call_next": at_activity(Need.view, write=True, booth=True),
    "health_day.screen": public(),
    "health_day.static": public(),
    "health_api.resident_services": at_activity(Need.view),
    "health_api.join_queue": Rule(BEARERS, Scope.booth, write=True),
    "health_api.call_next": Rule(BEARERS, Scope.booth, write=True),
    "health_api.now_serving": public(),
}
