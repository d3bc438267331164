"""The volunteer's scanner: credentials for devices, enrolment by QR code, and the scanner page.

The page talks to the JSON API (`eventdesk.api`); it keeps working offline with a queue on
the device that syncs through ``POST /api/v1/scans/batch``. The server judges every scan.
"""
