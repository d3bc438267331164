"""The key-handover ceremony's own reason codes (API.md, activity kinds) and what they tell a person."""

from flask_babel import lazy_gettext as _l

REASONS = {
    # At the handover desk
    "already_handed_over": _l("The keys of this home have already been handed over."),
    "not_a_household": _l("This ticket is not a household's: only invited households receive keys here."),
    "proxy_incomplete": _l(
        "Keys handed to a proxy need the proxy's name, their relation to the head of household and the "
        "last 4 characters of their ID number."
    ),
    "invalid_id_tail": _l("Enter the last 4 characters of the proxy's ID number (digits, or X at the end)."),
    # Households
    "unknown_programme": _l("Choose the programme: 易地扶贫搬迁 (relocation) or 危房改造 (renovation)."),
    "invalid_members": _l("Enter the number of people in the household: a whole number from 1 to 30."),
    "home_taken": _l("Another household has already been given this home (settlement, building and unit)."),
    "head_has_household": _l("This head of household already has a home at this ceremony."),
}
