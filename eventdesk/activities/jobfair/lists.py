"""The job fair's lists to download: applications per stand, and postings with what came of them."""

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventdesk.activities.jobfair import queries
from eventdesk.activities.jobfair.models import Application
from eventdesk.activities.jobfair.vocabulary import (
    EDUCATION,
    EMPLOYER_KINDS,
    HIRED,
    INTERVIEWED,
    STATUSES,
    label_of,
)
from eventdesk.core.identity import mask_name, mask_phone
from eventdesk.core.models import Action, Activity
from eventdesk.reports.exports import Column
from eventdesk.reports.registry import ListExport


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def application_rows(activity: Activity, day: dt.date | None):
    conditions = [Application.activity_id == activity.id]
    if day is not None:
        conditions.append(Action.local_day == day)
    rows = queries.applications(*conditions)
    rows.sort(key=lambda row: (row.employer.booth.sort_order, row.employer.booth_id, row.applied_at))
    zone = activity.event.zone
    for row in rows:
        fields = row.registration.fields or {}
        yield {
            "application_id": row.application.id,
            "stand": row.employer.name,
            "stand_number": row.employer.stand_number,
            "applied_at": row.applied_at.astimezone(zone),
            "posting": row.posting.title,
            "ticket_code": row.registration.ticket_code,
            "name": row.person.name,
            "phone": row.person.phone,
            "education": label_of(EDUCATION, fields.get("education")),
            "poor_labourer": _yes_no(fields.get("poor_labourer") is True),
            "wanted_jobs": fields.get("wanted_jobs"),
            "status": label_of(STATUSES, row.progress.latest) or _("Applied"),
            "intention": _yes_no(row.progress.intention),
            "hired": _yes_no(HIRED in row.progress.reached),
        }


APPLICATIONS = ListExport(
    name="applications",
    label=_l("Applications per stand"),
    columns=(
        Column("application_id", _l("No."), "int"),
        Column("stand", _l("Employer")),
        Column("stand_number", _l("Stand number")),
        Column("applied_at", _l("Applied at"), "datetime"),
        Column("posting", _l("Job title")),
        Column("ticket_code", _l("Ticket code")),
        Column("name", _l("Full name"), mask=mask_name),
        Column("phone", _l("Mobile phone"), mask=mask_phone),
        Column("education", _l("Education")),
        Column("poor_labourer", _l("Registered poor labourer")),
        Column("wanted_jobs", _l("Jobs wanted")),
        Column("status", _l("Latest outcome")),
        Column("intention", _l("Intention reached")),
        Column("hired", _l("Hired")),
    ),
    rows=application_rows,
    by_day=True,
)


def posting_rows(activity: Activity, _day: dt.date | None):
    for result in queries.posting_results(activity):
        posting, employer = result.posting, result.posting.employer
        yield {
            "employer": employer.name,
            "kind": label_of(EMPLOYER_KINDS, employer.kind),
            "stand_number": employer.stand_number,
            "title": posting.title,
            "positions": posting.positions,
            "public_welfare": _yes_no(posting.public_welfare),
            "pay_min": posting.pay_min,
            "pay_max": posting.pay_max,
            "education": label_of(EDUCATION, posting.education) or _("Any education"),
            "workplace": posting.workplace,
            "applications": result.applications,
            INTERVIEWED: result.interviewed,
            "intentions": result.intentions,
            "hired": result.hired,
            "remaining": posting.remaining,
        }


POSTINGS = ListExport(
    name="postings",
    label=_l("Postings and what came of them"),
    columns=(
        Column("employer", _l("Employer")),
        Column("kind", _l("Kind of employer")),
        Column("stand_number", _l("Stand number")),
        Column("title", _l("Job title")),
        Column("positions", _l("Positions"), "int"),
        Column("public_welfare", _l("Public-welfare post")),
        Column("pay_min", _l("Lowest monthly pay"), "int"),
        Column("pay_max", _l("Highest monthly pay"), "int"),
        Column("education", _l("Education required")),
        Column("workplace", _l("Place of work")),
        Column("applications", _l("Applications"), "int"),
        Column(INTERVIEWED, _l("Interviewed"), "int"),
        Column("intentions", _l("Intentions reached"), "int"),
        Column("hired", _l("Hired"), "int"),
        Column("remaining", _l("Positions left"), "int"),
    ),
    rows=posting_rows,
)

LISTS = (APPLICATIONS, POSTINGS)
