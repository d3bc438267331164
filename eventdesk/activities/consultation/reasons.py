"""The consultation fair's own reason codes (API.md, activity kinds) and what they tell a person."""

from flask_babel import lazy_gettext as _l

REASONS = {
    # Refusals at the booth
    "out_of_stock": _l("Not enough of this material is left to hand out that many."),
    "not_open_follow_up": _l("This follow-up is not open: it was answered already, or nobody asked for one."),
    "contact_phone_required": _l("A follow-up needs the visitor's contact phone number."),
    "invalid_asked_on": _l("The day a question was asked cannot be after today, nor more than a year ago."),
    "consultation_answered": _l("This follow-up has been answered: undo the answer first."),
    "material_in_use": _l("Some of this material has been handed out, so it cannot be removed."),
    "invalid_quantity": _l("Enter the quantity as a whole number of at least 1."),
    "brought_below_handed_out": _l("More than that has already been handed out."),
    "invalid_follow_up_days": _l("Enter a number of days from 1 to 365."),
    # The poster page
    "leaflet_not_pdf": _l("Choose a PDF file."),
    "leaflet_too_large": _l("This file is too large for a leaflet: a leaflet is at most 1.5 MB."),
}
