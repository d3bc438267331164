"""What the health day adds to the core's pages: links on the activity's page, the resident's queue
numbers on their ticket (and nothing else of their health), its dashboard tiles and its section of
the written report."""

from flask import url_for
from flask_babel import gettext as _

from eventdesk.activities.health import queues
from eventdesk.activities.health.permissions import may_read_health
from eventdesk.core.kinds import Link, Panel
from eventdesk.core.models import Activity, Registration, User


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
