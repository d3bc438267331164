"""Tickets: public registration on phones, the holder's ticket page, the staff's
registration desk (registering people, ticking them present, printing tickets, testing a
ticket against the check-in rules), and imports of people and paper check-in lists.

The blueprint is in `eventdesk.tickets.views` (staff pages in `eventdesk.tickets.staff`),
the ``flask import`` commands in `eventdesk.tickets.cli`.
"""
