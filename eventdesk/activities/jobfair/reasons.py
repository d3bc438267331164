"""The job fair's own reason codes (API.md, activity kinds) and what they tell a person."""

from flask_babel import lazy_gettext as _l

REASONS = {
    # Refusals at the stand
    "already_applied": _l("This person has already applied for this posting."),
    "positions_filled": _l("All positions of this posting are filled: nobody more can be hired for it."),
    "application_has_outcomes": _l("This application has outcomes: undo those first."),
    # Employers and postings
    "unknown_employer_kind": _l(
        "Choose the kind of employer: 党政机关, 事业单位, 国有企业, 民营企业 or 社会组织."
    ),
    "invalid_contact_phone": _l("Enter a mobile number, or a landline number with its area code."),
    "stand_taken": _l("Another employer already has this stand number."),
    "unknown_employer": _l("There is no employer of this name at this job fair: import the employers first."),
    "invalid_positions": _l("Enter the number of positions: a whole number of at least 1."),
    "positions_below_hires": _l("More people than that have already been hired for this posting."),
    "invalid_pay": _l("Enter the monthly pay in yuan as a whole number."),
    "pay_out_of_order": _l("The lowest pay cannot be above the highest pay."),
    "unknown_education": _l(
        "Unknown education level: choose one from the list (小学, 初中, 高中, 中专, 大专, 本科, 硕士及以上) "
        "or leave it open."
    ),
    "invalid_yes_no": _l("Write 是 or 否 (yes or no)."),
    "posting_has_applications": _l("People have applied for this posting, so it cannot be deleted."),
    "employer_has_applications": _l("People have applied at this employer's stand, so it cannot be deleted."),
}
