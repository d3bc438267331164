"""The city's activity plan: its eight items, who leads them, and the reports units owe.

Each department and each district (区县, 新区管委会) sends the city's office its activity
plan by 9 October and its written report of the day by 17 October; this area tracks both,
keeps what was sent exactly as it was sent, and shows what is overdue.
"""

from flask_babel import lazy_gettext as _l

from eventdesk.errors import register_reasons
from eventdesk.plan import models  # noqa: F401  (registers the tables with the metadata)

register_reasons(
    {
        "submission_frozen": _l(
            "This has been sent and can no longer be changed. To correct it, send a new version."
        ),
        "submission_empty": _l("Write the text or attach a file."),
        "submission_too_long": _l("The text is too long (at most 20,000 characters); attach it as a file."),
        "note_too_long": _l("The note is too long (at most 20,000 characters)."),
        "upload_type_not_allowed": _l(
            "Only PDF, Word (.docx), Excel (.xlsx), JPEG and PNG files can be attached."
        ),
        "upload_too_large": _l("The file is too large."),
        "upload_empty": _l("The file is empty."),
        "no_event": _l("There is no event to track the plan for; create the event first."),
    }
)
