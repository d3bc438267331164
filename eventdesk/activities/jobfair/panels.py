"""What the job fair adds to the core's pages: links on the activity's page, the seeker's
applications on their ticket, its section of the written report, its dashboard tiles."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask import url_for
from flask_babel import format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventdesk.activities.jobfair import queries
from eventdesk.activities.jobfair import tally as fair_tally
from eventdesk.activities.jobfair.models import Application
from eventdesk.core.access import can_view_activity
from eventdesk.core.kinds import Link, Panel
from eventdesk.core.models import Activity, Registration, User
from eventdesk.core.tally import CHECKED_IN


def intention_rate(intentions: int, present: int) -> str:
    """Intentions reached ÷ seekers present (checked in), or a dash when nobody came."""
    if not present:
        return "—"
    return format_percent(intentions / present, "#0.0%")


def activity_links(activity: Activity, user: User):
    if can_view_activity(user, activity):
        yield Link(_("Employers and postings"), url_for("jobfair.employers", activity_id=activity.id))
    yield Link(_("Public list of postings"), url_for("jobfair.public_postings", activity_id=activity.id))


def ticket_panel(registration: Registration) -> Panel:
    """Where the seeker applied and what came of each application, and the postings that fit them."""
    return Panel(
        template="jobfair/_ticket_panel.html",
        context={
            "applications": queries.applications(Application.registration_id == registration.id),
            "postings_url": url_for("jobfair.my_postings", token=registration.token),
        },
    )


@dataclass
class FairResults:
    """One job fair's figures on the report's day (or the total of several)."""

    label: str
    figures: Counter

    @property
    def rate(self) -> str:
        return intention_rate(self.figures[fair_tally.INTENTIONS], self.figures[CHECKED_IN])


#: The figures the report's table shows, in order.
REPORTED = (
    fair_tally.EMPLOYERS,
    fair_tally.POSTINGS,
    fair_tally.POSITIONS,
    fair_tally.PUBLIC_WELFARE_POSITIONS,
    CHECKED_IN,
    fair_tally.POOR_LABOURERS_PRESENT,
    fair_tally.APPLICATIONS,
    fair_tally.INTENTIONS,
    fair_tally.HIRES,
)


def _column_label(name: str) -> str:
    if name == CHECKED_IN:
        return _("Job seekers present")
    return str(next(metric.label for metric in fair_tally.METRICS if metric.name == name))


def report_section(entries: Sequence, _unit) -> Panel:
    """The written report's job-fair section: the figures of each fair, and the intention rate."""
    fairs = [
        FairResults(entry.activity.label, Counter({name: entry.figures.get(name, 0) for name in REPORTED}))
        for entry in entries
    ]
    total = FairResults(_("Total"), sum((fair.figures for fair in fairs), Counter()))
    figures = total.figures
    # Each counted thing is worded on its own, singular or plural, then put into the sentence.
    summary = ngettext(
        "%(num)d employer offered %(postings)s for %(positions)s (%(welfare)s). %(present)s came, "
        "%(poor)s; they made %(applications)s, %(intentions)d reached an intention to hire (an "
        "intention rate of %(rate)s) and %(hired)s.",
        "%(num)d employers offered %(postings)s for %(positions)s (%(welfare)s). %(present)s came, "
        "%(poor)s; they made %(applications)s, %(intentions)d reached an intention to hire (an "
        "intention rate of %(rate)s) and %(hired)s.",
        figures[fair_tally.EMPLOYERS],
        postings=ngettext("%(num)d posting", "%(num)d postings", figures[fair_tally.POSTINGS]),
        positions=ngettext("%(num)d person", "%(num)d people", figures[fair_tally.POSITIONS]),
        welfare=ngettext(
            "%(num)d of them a public-welfare position",
            "%(num)d of them public-welfare positions",
            figures[fair_tally.PUBLIC_WELFARE_POSITIONS],
        ),
        present=ngettext("%(num)d job seeker", "%(num)d job seekers", figures[CHECKED_IN]),
        poor=ngettext(
            "%(num)d of them a registered poor labourer",
            "%(num)d of them registered poor labourers",
            figures[fair_tally.POOR_LABOURERS_PRESENT],
        ),
        applications=ngettext(
            "%(num)d application", "%(num)d applications", figures[fair_tally.APPLICATIONS]
        ),
        intentions=figures[fair_tally.INTENTIONS],
        rate=total.rate,
        hired=ngettext("%(num)d was hired", "%(num)d were hired", figures[fair_tally.HIRES]),
    )
    return Panel(
        template="jobfair/_report.html",
        title=_l("Job fairs"),
        context={
            "fairs": fairs,
            "total": total if len(fairs) > 1 else None,
            "summary": summary,
            "columns": [(name, _column_label(name)) for name in REPORTED],
        },
    )
