"""Tickets as their holders and the staff see them."""

import enum

from eventdesk.core.models import Registration


class TicketState(enum.StrEnum):
    """What a ticket's holder and the staff are told about it."""

    valid = "valid"
    checked_in = "checked_in"
    cancelled = "cancelled"


def ticket_state(registration: Registration) -> TicketState:
    """Cancelled wins over checked in: a cancelled ticket admits nobody, whatever happened before."""
    if registration.revoked_at is not None:
        return TicketState.cancelled
    if registration.checked_in_at is not None:
        return TicketState.checked_in
    return TicketState.valid
