"""The health day's pages: the day's services and stations (organizers), a station's page for its
providers (find the resident, record a service in one or two taps, the queue), and each station's
now-serving screen (public: numbers only)."""

import functools
import uuid

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventdesk.activities.health import panels, queries, queues
from eventdesk.activities.health import services as day_services
from eventdesk.activities.health.forms import (
    ConfirmForm,
    ServeForm,
    ServiceForm,
    StationServicesForm,
    TicketForm,
    UndoForm,
)
from eventdesk.activities.health.models import Service, ServiceGiven
from eventdesk.activities.health.permissions import may_read_health, may_serve_at
from eventdesk.activities.health.serving import has_consented
from eventdesk.activities.health.vocabulary import KIND_NAME
from eventdesk.auth.permissions import activity_page
from eventdesk.core import actions
from eventdesk.core.access import Need, can_manage_activity
from eventdesk.core.models import Action, Activity, Booth, Registration
from eventdesk.core.scans.model import Scanner
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.form_pages import form_page, saved
from eventdesk.web import id_arg

bp = Blueprint("health_day", __name__, static_folder="static", static_url_path="/health/static")
PREFIX = "/manage/activities/<int:activity_id>/health"
STATION = f"{PREFIX}/stations/<int:booth_id>"


@bp.app_context_processor
def _helpers() -> dict:
    return {"health_dashboard": panels.dashboard_tiles, "health_metric_label": panels.metric_label}


def health_page(need: Need = Need.view):
    """A page of a health day for its health staff and organizers (404 for another kind)."""

    def decorator(view):
        @functools.wraps(view)
        def of_a_health_day(activity: Activity, **kwargs):
            if activity.kind != KIND_NAME:
                abort(404)
            if not may_read_health(current_user, activity):
                abort(403)
            return view(activity, **kwargs)

        return activity_page(need)(of_a_health_day)

    return decorator


def _private(body, status: int = 200):
    response = make_response(body, status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _station(activity: Activity, booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.activity_id != activity.id:
        abort(404)
    if not may_serve_at(current_user, activity, booth):
        abort(403)
    return booth


def _service(activity: Activity, service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None or service.activity_id != activity.id:
        abort(404)
    return service


# -- the day's services and stations ------------------------------------------------------------


@bp.get(PREFIX, endpoint="stations")
@health_page()
def station_list(activity: Activity):
    """The day's services, what each station offers, and each station's queue."""
    return _stations_page(activity)


def _stations_page(activity: Activity, status: int = 200):
    organizer = can_manage_activity(current_user, activity)
    stations = [
        booth for booth in activity.booths if organizer or may_serve_at(current_user, activity, booth)
    ]
    return _private(
        render_template(
            "health/stations.html",
            activity=activity,
            services=day_services.services_of(activity),
            stations=[(booth, day_services.station_services(booth)) for booth in stations],
            queues={queue.booth.id: queue for queue in queues.station_queues(activity)},
            organizer=organizer,
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@bp.route(f"{PREFIX}/services/new", methods=["GET", "POST"])
@health_page(Need.manage)
def service_new(activity: Activity):
    form = ServiceForm()
    ok, status = saved(
        form,
        lambda: day_services.create_service(
            activity, code=form.code.data, name=form.name.data, name_en=form.name_en.data, actor=current_user
        ),
    )
    back = url_for(".stations", activity_id=activity.id)
    if ok:
        return redirect(back)
    return form_page(form, _("New service"), back, status, subtitle=activity.label)


@bp.route(f"{PREFIX}/services/<int:service_id>/edit", methods=["GET", "POST"])
@health_page(Need.manage)
def service_edit(activity: Activity, service_id: int):
    service = _service(activity, service_id)
    form = ServiceForm(obj=service)
    ok, status = saved(
        form,
        lambda: day_services.update_service(
            service, code=form.code.data, name=form.name.data, name_en=form.name_en.data, actor=current_user
        ),
    )
    back = url_for(".stations", activity_id=activity.id)
    if ok:
        return redirect(back)
    return form_page(form, _("Edit service"), back, status, subtitle=service.label)


@bp.post(f"{PREFIX}/services/<int:service_id>/delete")
@health_page(Need.manage)
def service_delete(activity: Activity, service_id: int):
    service = _service(activity, service_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        day_services.delete_service(service, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _stations_page(activity, error.status)
    db.session.commit()
    flash(_("The service is deleted."), "success")
    return redirect(url_for(".stations", activity_id=activity.id))


@bp.post(f"{PREFIX}/services/from-plan")
@health_page(Need.manage)
def services_from_plan(activity: Activity):
    """Start the day's list from the plan's six services."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    day_services.start_from_plan(activity, actor=current_user)
    db.session.commit()
    return redirect(url_for(".stations", activity_id=activity.id))


@bp.route(f"{STATION}/services", methods=["GET", "POST"])
@health_page(Need.manage)
def station_services(activity: Activity, booth_id: int):
    """Which of the day's services a station offers."""
    booth = _station(activity, booth_id)
    form = StationServicesForm(data={"services": [s.id for s in day_services.station_services(booth)]})
    form.services.choices = [(service.id, service.label) for service in day_services.services_of(activity)]
    ok, status = saved(
        form, lambda: day_services.set_station_services(booth, form.services.data, actor=current_user)
    )
    back = url_for(".stations", activity_id=activity.id)
    if ok:
        return redirect(back)
    return form_page(form, _("Services offered"), back, status, subtitle=booth.label)


# -- a station, for its providers ---------------------------------------------------------------


def _chosen_resident(activity: Activity) -> tuple[Registration | None, int]:
    """The resident chosen from a search (by id) or by a scanned or typed ticket, and the page's
    status (a ticket that is not valid here is said so, with its refusal's status)."""
    registration_id = id_arg("registration")
    if registration_id is not None:
        resident = queries.resident_of(activity, registration_id)
        return resident, 200 if resident else 404
    presented = request.args.get("ticket")
    if not presented:
        return None, 200
    try:
        return queries.presented_ticket(activity, presented), 200
    except ServiceError as error:
        flash(error.message, "error")
        return None, error.status


def _station_page(
    activity: Activity, booth: Booth, resident: Registration | None, status=200, serve_form=None
):
    query = request.args.get("q")
    return _private(
        render_template(
            "health/station.html",
            activity=activity,
            station=booth,
            services=day_services.station_services(booth),
            resident=resident,
            consented=has_consented(resident) if resident else False,
            given=queries.services_of_resident(resident) if resident else [],
            query=query or "",
            matches=queries.search_residents(activity, query) if query and resident is None else [],
            queue=queues.station_queue(activity, booth),
            serve_form=serve_form or ServeForm(formdata=None, data={"client_action_id": str(uuid.uuid4())}),
            ticket_form=TicketForm(formdata=None),
            confirm_form=ConfirmForm(),
            undo_form=UndoForm(formdata=None),
        ),
        status,
    )


@bp.get(STATION, endpoint="station")
@health_page()
def station_page(activity: Activity, booth_id: int):
    """Find the resident (a scan, a name, a phone tail) and record what they received."""
    booth = _station(activity, booth_id)
    resident, status = _chosen_resident(activity)
    return _station_page(activity, booth, resident, status)


@bp.post(f"{STATION}/serve")
@health_page()
def serve(activity: Activity, booth_id: int):
    """Record a service: the button pressed is the service; a referral and a note may go with it."""
    booth = _station(activity, booth_id)
    resident = queries.resident_of(activity, id_arg("registration") or 0)
    if resident is None:
        abort(404)
    form = ServeForm()
    if not form.validate_on_submit():
        return _station_page(activity, booth, resident, 400, form)
    fields = {"service": request.form.get("service", ""), "referral": form.referral.data}
    if form.note.data:
        fields["note"] = form.note.data
    if form.consent.data:
        fields["consent"] = True
    try:
        actions.record_action(
            activity,
            "serve",
            actions.ActionRequest(
                client_action_id=form.client_action_id.data,
                booth_id=booth.id,
                registration_id=resident.id,
                fields=fields,
            ),
            scanner=Scanner.for_user(current_user),
            user=current_user,
        )
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _station_page(activity, booth, resident, error.status, form)
    db.session.commit()
    flash(_("Recorded."), "success")
    return redirect(url_for(".station", activity_id=activity.id, booth_id=booth.id, registration=resident.id))


@bp.post(f"{STATION}/given/<int:action_id>/undo")
@health_page()
def undo(activity: Activity, booth_id: int, action_id: int):
    """Undo a service recorded by mistake (one's own for 30 minutes; organizers, any)."""
    booth = _station(activity, booth_id)
    given = db.session.get(ServiceGiven, action_id)
    if given is None or given.activity_id != activity.id:
        abort(404)
    back = url_for(".station", activity_id=activity.id, booth_id=booth.id, registration=given.registration_id)
    form = UndoForm()
    if not form.validate_on_submit():
        flash(_("Say why it is undone."), "error")
        return redirect(back)
    try:
        actions.void_action(
            db.session.get(Action, action_id),
            form.reason.data,
            scanner=Scanner.for_user(current_user),
            may_void_any=can_manage_activity(current_user, activity),
        )
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_("Undone."), "success")
    return redirect(back)


@bp.post(f"{STATION}/queue")
@health_page()
def give_number(activity: Activity, booth_id: int):
    """A resident scanned at the station's queue: their number, shown big for them to read."""
    booth = _station(activity, booth_id)
    form = TicketForm()
    if not form.validate_on_submit():
        flash(_("Scan the ticket or type its code."), "error")
        return _station_page(activity, booth, None, 400)
    try:
        resident = queries.presented_ticket(activity, form.ticket.data)
        ticket, _new = queues.join_queue(activity, booth, resident)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _station_page(activity, booth, None, error.status)
    db.session.commit()
    flash(_("Queue number %(number)s", number=ticket.number), "success")
    return redirect(url_for(".station", activity_id=activity.id, booth_id=booth.id))


@bp.post(f"{STATION}/call-next")
@health_page()
def call_next(activity: Activity, booth_id: int):
    """Call the next number, in one tap."""
    booth = _station(activity, booth_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    from_screen = request.form.get("from") == "screen"
    try:
        ticket = queues.call_next(activity, booth)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        if from_screen:
            return redirect(_screen_url(activity, booth), 303)
        return _station_page(activity, booth, None, error.status)
    db.session.commit()
    flash(_("Now serving number %(number)s", number=ticket.number), "success")
    if from_screen:
        return redirect(_screen_url(activity, booth))
    return redirect(url_for(".station", activity_id=activity.id, booth_id=booth.id))


# -- the now-serving screen ----------------------------------------------------------------------


def _screen_url(activity: Activity, booth: Booth) -> str:
    return url_for("health_day.screen", activity_id=activity.id, booth_id=booth.id)


@bp.get("/activities/<int:activity_id>/health/stations/<int:booth_id>/screen", endpoint="screen")
def now_serving_screen(activity_id: int, booth_id: int):
    """The station's current and next numbers in very large type, for a screen or a tablet; it
    follows the queue by itself. No sign-in and numbers only; a provider signed in on it also gets
    the one-tap call-next button."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.kind != KIND_NAME:
        abort(404)
    try:
        booth = queues.station_of(activity, booth_id)
    except ServiceError:
        abort(404)
    may_call = current_user.is_authenticated and may_serve_at(current_user, activity, booth)
    response = make_response(
        render_template(
            "health/screen.html",
            activity=activity,
            station=booth,
            station_number=queues.station_numbers(activity)[booth.id],
            queue=queues.station_queue(activity, booth),
            may_call=may_call,
            confirm_form=ConfirmForm() if may_call else None,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


from eventdesk.activities.health import sheets  # noqa: E402, F401  (the village sheets' route)
