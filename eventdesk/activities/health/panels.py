"""What the health day adds to the core's pages: links on the activity's page, the resident's queue
numbers on their ticket (and nothing else of their health), its dashboard tiles and its section of
the written report."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from eventdesk.activities.health import queries, queues, tally
from eventdesk.activities.health.permissions import may_read_health
from eventdesk.core.kinds import Link, Panel
from eventdesk.core.models import Activity, Registration, User
from eventdesk.core.tally import CHECKED_IN


def activity_links(activity: Activity, user: User):
    if may_read_health(user, activity):
        yield Link(_("Service stations"), url_for("health_day.stations", activity_id=activity.id))
        yield Link(_("Ticket sheets by village"), url_for("health_day.sheets", activity_id=activity.id))


def ticket_panel(registration: Registration) -> Panel | None:
    """The resident's numbers in the stations' queues today, and their place: never a service."""
    places = queues.places_of(registration)
    if not places:
        return None
    return Panel(template="health/_ticket_panel.html", context={"places": places})


@dataclass
class DashboardTiles:
    """What the health day's tiles show: every station's queue, and, for those who may see the
    services (the confidential metrics are in their counts), the day's figures by station and village."""

    queues: list
    figures: queries.DayFigures | None


def dashboard_tiles(activity: Activity, metrics: dict) -> DashboardTiles:
    confidential = tally.SERVICES in metrics
    return DashboardTiles(
        queues=queues.station_queues(activity),
        figures=queries.day_figures([activity], activity.day) if confidential else None,
    )


@dataclass
class DayResults:
    label: str
    figures: Counter


#: The figures the report's table shows, in order.
REPORTED = (CHECKED_IN, tally.RESIDENTS_SERVED, tally.SERVICES, tally.REFERRALS)


def metric_label(name: str) -> str:
    return str(next(metric.label for metric in tally.METRICS if metric.name == name))


def _column_label(name: str) -> str:
    if name == CHECKED_IN:
        return _("Residents present")
    return metric_label(name)


def report_section(entries: Sequence, _unit) -> Panel:
    """The written report's health section: each day's figures, then the services by kind, by
    station and by village."""
    days = [
        DayResults(entry.activity.label, Counter({name: entry.figures.get(name, 0) for name in REPORTED}))
        for entry in entries
    ]
    total = DayResults(_("Total"), sum((day.figures for day in days), Counter()))
    details = queries.day_figures([entry.activity for entry in entries], None)
    by_service = Counter()
    for station in details.by_station:
        by_service.update(station.services)
    # Each counted thing is worded on its own, singular or plural, then put into the sentence.
    summary = ngettext(
        "%(num)d health service day served %(residents)s with %(services)s, %(referrals)d of them with "
        "a referral (转诊) to a hospital.",
        "%(num)d health service days served %(residents)s with %(services)s, %(referrals)d of them with "
        "a referral (转诊) to a hospital.",
        len(days),
        residents=ngettext("%(num)d resident", "%(num)d residents", total.figures[tally.RESIDENTS_SERVED]),
        services=ngettext("%(num)d service", "%(num)d services", total.figures[tally.SERVICES]),
        referrals=total.figures[tally.REFERRALS],
    )
    return Panel(
        template="health/_report.html",
        title=_l("Health service days"),
        context={
            "days": days,
            "total": total if len(days) > 1 else None,
            "summary": summary,
            "columns": [(name, _column_label(name)) for name in REPORTED],
            "details": details,
            "by_service": [(service.label, by_service[service.id]) for service in details.services],
        },
    )
