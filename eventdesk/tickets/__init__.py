"""Tickets: public registration on phones and the holder's ticket page.

The blueprint is in `eventdesk.tickets.views`.
"""
