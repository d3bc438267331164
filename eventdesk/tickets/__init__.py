"""Tickets: public registration on phones, the holder's ticket page, the staff's
registration desk (registering people, ticking them present, printing tickets, testing a
ticket against the check-in rules), and imports of people and paper check-in lists.

The blueprint is in `eventdesk.tickets.views` (staff pages in `eventdesk.tickets.staff`),
the ``flask import`` commands in `eventdesk.tickets.cli`. The reason codes below are
answered by `core.services.imports` and `core.tabular`; this area translates them.
"""

from flask_babel import lazy_gettext as _l

from eventdesk.errors import register_reasons

register_reasons(
    {
        "import_unreadable": _l(
            "This file could not be read. Save it as an Excel workbook (.xlsx) or as a CSV file "
            "(.csv) and try again."
        ),
        "import_missing_column": _l(
            "A column this import needs is missing from the header row (for example 姓名, 手机号 or 票码)."
        ),
        "import_empty": _l("The file has no rows to import."),
        "import_too_large": _l("The file has too many rows (at most 20,000); split it into smaller files."),
        "import_rejected": _l(
            "Nothing was imported because some rows have errors. Correct those rows, or choose to "
            "skip them and import the rest."
        ),
        "import_no_ticket": _l("Give the ticket code, or the name and phone number."),
        "import_not_registered": _l(
            "Nobody with this name and phone number is registered for this activity."
        ),
        "import_bad_time": _l("The check-in time could not be read; write it like 2026-10-17 09:30."),
    }
)
