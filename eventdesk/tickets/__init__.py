"""Tickets: public registration on phones, the holder's ticket page, and the staff's
registration desk (registering people, ticking them present, printing tickets, testing a
ticket against the check-in rules).

The blueprint is in `eventdesk.tickets.views`; the staff pages in `eventdesk.tickets.staff`.
"""
