"""Absolute addresses printed in QR codes, enrolment links and letters.

Built from ``EVENTDESK_BASE_URL`` when set (production sits behind a TLS proxy and the
address people scan must be the public one), else from the request's own address.
"""

from flask import current_app, request

TICKET_PATH = "/t/"
ENROL_PATH = "/scanner/enrol/"


def base_url() -> str:
    configured = current_app.config.get("EVENTDESK_BASE_URL")
    if configured:
        return configured.rstrip("/")
    return request.url_root.rstrip("/")


def ticket_url(token: str) -> str:
    """The ticket page's address: what the QR code encodes, for the scanner and the holder alike."""
    return f"{base_url()}{TICKET_PATH}{token}"


def enrol_url(code: str) -> str:
    """The address a volunteer's phone opens to become a scanner (carries a one-time code)."""
    return f"{base_url()}{ENROL_PATH}{code}"
