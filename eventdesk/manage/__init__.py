"""Organizer pages: setting up events, places, departments, activities, booths and staff."""

from eventdesk.manage import audit_log as _audit_log  # noqa: F401
