"""The names of the values people see on every page, export and report, in one place, so that
one thing has one name (docs/glossary.md)."""

from flask_babel import lazy_gettext as _l

from eventdesk.core.models import PersonCategory, RegistrationSource

#: Who a person is, for the day's reporting (人员类别).
PERSON_CATEGORIES = {
    PersonCategory.general: _l("General public"),
    PersonCategory.registered_poor: _l("Registered poor household"),
    PersonCategory.low_income: _l("Low-income household"),
    PersonCategory.employment_difficulty: _l("Person with difficulty finding work"),
    PersonCategory.disabled: _l("Person with a disability"),
}

#: How a registration came about.
REGISTRATION_SOURCES = {
    RegistrationSource.self_service: _l("Registered themselves"),
    RegistrationSource.staff: _l("Registered by staff"),
    RegistrationSource.imported: _l("Imported from a list"),
}

#: How a scan reached the server (`Scan.channel`).
SCAN_CHANNELS = {
    "scanner": _l("Scanner"),
    "batch": _l("Scanner, sent later"),
    "manual": _l("Ticked by staff"),
    "paper": _l("Paper list"),
}


def label_of(labels: dict, value: str | None) -> str:
    """A value's name, or the value itself when it has none (an old or unknown value)."""
    return str(labels[value]) if value in labels else (value or "")
