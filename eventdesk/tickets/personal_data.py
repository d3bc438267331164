"""What a ticket holder can see of the data held about them, their request to have it deleted, and
the organizers' page that carries such requests out (keeping every count)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventdesk import ratelimit
from eventdesk.auth.permissions import activity_page
from eventdesk.core.access import Need
from eventdesk.core.models import Activity, DeletionRequest
from eventdesk.core.services import privacy
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.tickets.views import _private, _registration_by_token, bp


@bp.get("/t/<token>/my-data")
def my_data(token: str):
    """Everything held about the ticket's holder (masked: the link may have been forwarded)."""
    registration = _registration_by_token(token)
    if registration is None:
        return _private((render_template("tickets/ticket_missing.html"), 404))
    return _private(
        render_template(
            "tickets/my_data.html", registration=registration, held=privacy.held_about(registration)
        )
    )


@bp.post("/t/<token>/deletion-request")
@ratelimit.limit("30/hour")
def request_deletion(token: str):
    """The holder asks for their data to be deleted; the activity's organizers carry it out."""
    registration = _registration_by_token(token)
    if registration is None:
        abort(404)
    try:
        privacy.request_deletion(registration)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Your request has been passed to the organizers."), "success")
    return redirect(url_for("tickets.my_data", token=token))


@bp.get("/manage/activities/<int:activity_id>/deletion-requests")
@activity_page(Need.manage)
def deletion_requests(activity: Activity):
    """The requests for deletion made from this activity's tickets, waiting to be carried out."""
    return render_template(
        "tickets/deletion_requests.html", activity=activity, requests=privacy.pending_deletions(activity)
    )


@bp.post("/manage/activities/<int:activity_id>/deletion-requests/<int:request_id>")
@activity_page(Need.manage)
def carry_out_deletion(activity: Activity, request_id: int):
    """Delete the requester's name, phone and ID number everywhere; their counts stay."""
    request = db.session.get(DeletionRequest, request_id)
    if request is None or request.registration.activity_id != activity.id:
        abort(404)
    try:
        privacy.carry_out_deletion(request, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Deleted. The person still counts, but is no longer named."), "success")
    return redirect(url_for("tickets.deletion_requests", activity_id=activity.id))
