"""The ceremony's pages: the organizers' page with its live lists (here), the handover desk
(`desk`), invitation letters and receipts (`printing`). Households are uploaded on the activity's
import page (the core's), by the same import as ``flask import households``."""

import functools

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from eventdesk.activities.handover import queries
from eventdesk.activities.handover.vocabulary import KIND_NAME, PROGRAMMES, RECIPIENTS, label_of
from eventdesk.auth.permissions import activity_page
from eventdesk.core.access import Need, can_manage_activity
from eventdesk.core.models import Activity
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.counts import activity_counts
from eventdesk.tickets.display import group_code

bp = Blueprint("handover", __name__)
PREFIX = "/manage/activities/<int:activity_id>/handover"


def ceremony_page(need: Need = Need.view):
    """A page of a ceremony (`activity_page`, and 404 for an activity of another kind)."""

    def decorator(view):
        @functools.wraps(view)
        def of_a_ceremony(activity: Activity, **kwargs):
            if activity.kind != KIND_NAME:
                abort(404)
            return view(activity, **kwargs)

        return activity_page(need)(of_a_ceremony)

    return decorator


@bp.app_context_processor
def _labels() -> dict:
    return {
        "handover_labels": {
            "programme": lambda value: label_of(PROGRAMMES, value),
            "recipient": lambda value: label_of(RECIPIENTS, value),
        },
        "handover_group_code": group_code,
    }


# -- the organizers' page ------------------------------------------------------------------------


def _live_context(activity: Activity) -> dict:
    rows = queries.households(activity)
    counts = activity_counts(borrowed_connection(), activity.id, activity.kind)
    return {
        "activity": activity,
        "metrics": counts["metrics"],
        "groups": {state: queries.by_building(queries.in_state(rows, state)) for state in queries.STATES},
        "totals": {state: len(queries.in_state(rows, state)) for state in queries.STATES},
        "timezone": activity.event.timezone,
    }


@bp.get(PREFIX, endpoint="ceremony")
@ceremony_page()
def ceremony(activity: Activity):
    """Who is present and waiting, whose keys were handed over, who is absent: live."""
    return render_template(
        "handover/ceremony.html",
        **_live_context(activity),
        may_manage=can_manage_activity(current_user, activity),
        stream_url=url_for("api.stream_counts", event=activity.event_id),
    )


@bp.get(f"{PREFIX}/live", endpoint="live")
@ceremony_page()
def live(activity: Activity):
    """The organizers' page's live part, fetched again whenever the counts change."""
    return render_template("handover/_live.html", **_live_context(activity))


# The desk and the printed pages add their routes to `bp`.
from eventdesk.activities.handover import desk, printing  # noqa: E402, F401  (their routes)
