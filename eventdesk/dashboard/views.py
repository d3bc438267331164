"""The live dashboard pages."""

import datetime as dt

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from eventdesk.api.common import language
from eventdesk.core.calendar import current_event
from eventdesk.core.models import utcnow
from eventdesk.dashboard import charts
from eventdesk.dashboard.figures import day_board
from eventdesk.web import id_arg

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


def _board():
    event = current_event(id_arg("event"))
    if event is None:
        return None
    day = event.local_day(utcnow())
    asked = request.args.get("date")
    if asked:
        try:
            day = dt.date.fromisoformat(asked)
        except ValueError:
            abort(400)
    return day_board(current_user, event, day, language())


def _page_arguments(board) -> dict:
    return {"event": board.event.id, "date": board.day.isoformat()}


@bp.get("/")
@login_required
def index():
    """Every activity of the day with its counts, arrivals and booths, updated live."""
    board = _board()
    if board is None:
        return render_template("dashboard/index.html", board=None)
    arguments = _page_arguments(board)
    return render_template(
        "dashboard/index.html",
        board=board,
        charts=charts,
        fragment_url=url_for("dashboard.live", **arguments),
        stream_url=url_for("api.stream_counts", event=board.event.id),
    )


@bp.get("/live")
@login_required
def live():
    """The figures part of the dashboard, which the page fetches again when counts change."""
    board = _board()
    if board is None:
        abort(404)
    return render_template("dashboard/_live.html", board=board, charts=charts)
