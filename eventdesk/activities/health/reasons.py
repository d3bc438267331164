"""The health service day's own reason codes (API.md, activity kinds) and what they tell a person."""

from flask_babel import lazy_gettext as _l

REASONS = {
    "already_served": _l("This resident has already received this service today."),
    "service_not_offered": _l("This station does not offer this service."),
    "health_consent_required": _l(
        "This resident has not agreed to health services being recorded: ask them, and tick their agreement."
    ),
    "queue_empty": _l("Nobody is waiting in this station's queue."),
    "queue_busy": _l("Many numbers are being given at once: try again."),
    "not_a_station": _l("This is not a service station of this health service day."),
    "service_code_taken": _l("Another service of this day already has this code."),
    "service_name_taken": _l("Another service of this day already has this name."),
    "service_given": _l(
        "This service has been given to residents: it cannot be deleted, nor its code changed."
    ),
}
