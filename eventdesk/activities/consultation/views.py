"""The consultation fair's staff pages: the fair's booths by department, a booth's desk (the
consultation counter, consultations in two taps, hand-outs), the materials stock, a booth's
poster page and its printable poster, and a department's follow-ups. The public poster page
is in `public.py`."""

import functools
import uuid
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from eventdesk.activities.consultation import departments, materials, panels, poster, queries
from eventdesk.activities.consultation.forms import (
    AnswerForm,
    ButtonForm,
    ConsultForm,
    HandoutForm,
    LeafletForm,
    MaterialForm,
    PolicyForm,
    SettingsForm,
)
from eventdesk.activities.consultation.models import Consultation, Leaflet, Material
from eventdesk.activities.consultation.permissions import (
    may_answer_for,
    may_change_booth,
    may_open_department,
)
from eventdesk.activities.consultation.vocabulary import KIND_NAME, MATERIAL_KINDS, TOPICS, label_of
from eventdesk.auth.permissions import activity_page
from eventdesk.core import actions, qr
from eventdesk.core.access import Need, can_manage_activity, can_work_at
from eventdesk.core.models import Activity, Booth, Department, utcnow
from eventdesk.core.scans.model import Scanner
from eventdesk.core.scans.requests import looks_like_token, token_from_presented
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError
from eventdesk.extensions import db

bp = Blueprint("consultation", __name__)
PREFIX = "/manage/activities/<int:activity_id>/consultation"


def fair_page(need: Need = Need.view):
    """A page of a consultation fair (`activity_page`, and 404 for an activity of another kind)."""

    def decorator(view):
        @functools.wraps(view)
        def of_a_fair(activity: Activity, **kwargs):
            if activity.kind != KIND_NAME:
                abort(404)
            return view(activity, **kwargs)

        return activity_page(need)(of_a_fair)

    return decorator


@bp.app_context_processor
def _labels() -> dict:
    return {
        "consultation_labels": {
            "topic": lambda value: label_of(TOPICS, value),
            "material_kind": lambda value: label_of(MATERIAL_KINDS, value),
        },
        "consultation_departments": panels.dashboard_departments,
        "consultation_topics": panels.dashboard_topics,
        "consultation_waiting": panels.open_follow_ups_of,
    }


def _booth(activity: Activity, booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.activity_id != activity.id:
        abort(404)
    return booth


def _changeable_booth(activity: Activity, booth_id: int) -> Booth:
    booth = _booth(activity, booth_id)
    if not may_change_booth(current_user, activity, booth):
        abort(403)
    return booth


def _show_refusal(form: FlaskForm, error: ServiceError) -> None:
    field = form[error.field] if error.field and error.field in form else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def _saved(form: FlaskForm, change) -> tuple[bool, int]:
    """Validate, change and commit: (True, 200), or (False, the status of what refused it)."""
    if not form.validate_on_submit():
        return False, 400 if form.is_submitted() else 200
    try:
        change()
    except ServiceError as error:
        db.session.rollback()
        _show_refusal(form, error)
        return False, error.status
    db.session.commit()
    flash(_("Saved."), "success")
    return True, 200


def _form_page(form, title: str, back_url: str, status: int, subtitle: str | None = None):
    page = render_template("manage/form.html", form=form, title=title, back_url=back_url, subtitle=subtitle)
    return page, status


def _new_action_id() -> dict:
    return {"client_action_id": str(uuid.uuid4())}


def _today(activity: Activity):
    return activity.event.local_day(utcnow())


# -- the fair ---------------------------------------------------------------------------------


@bp.get(PREFIX, endpoint="fair")
@fair_page()
def fair(activity: Activity):
    """The fair's booths by department: today's consultations, stock, follow-ups waiting."""
    return _fair_page(activity)


def _fair_page(activity: Activity, settings_form: SettingsForm | None = None, status: int = 200):
    stock = materials.materials_of(activity)
    waiting = queries.open_follow_ups_by_department([activity.id])
    today = _today(activity)
    rows = []
    for booth in departments.booths_in_use(activity):
        total = materials.Stock()
        for material in stock.get(booth.id, []):
            total.add(material)
        department_id = departments.department_id_of(activity, booth)
        rows.append(
            {
                "booth": booth,
                "department_id": department_id,
                "consultations": queries.today_at_booth(booth, today)["consultations"],
                "stock": total,
                "waiting": waiting[department_id],
                "may_change": may_change_booth(current_user, activity, booth),
                "may_work": can_work_at(current_user, activity, booth.id),
            }
        )
    taking_part = departments.taking_part(activity)
    staffed = {booth.department_id for booth in departments.booths_in_use(activity)}
    return (
        render_template(
            "consultation/fair.html",
            activity=activity,
            rows=rows,
            unstaffed=[department for department in taking_part if department.id not in staffed],
            may_manage=can_manage_activity(current_user, activity),
            settings_form=settings_form
            or SettingsForm(data={"follow_up_days": departments.follow_up_days(activity.id)}),
            booths_form=ButtonForm(),
        ),
        status,
    )


@bp.post(f"{PREFIX}/booths", endpoint="add_booths")
@fair_page(Need.manage)
def add_booths(activity: Activity):
    """A booth for each department taking part that has none yet."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    made = departments.add_department_booths(activity, actor=current_user)
    db.session.commit()
    flash(_("%(count)s booths added.", count=len(made)), "success")
    return redirect(url_for(".fair", activity_id=activity.id))


@bp.post(f"{PREFIX}/settings", endpoint="settings")
@fair_page(Need.manage)
def settings(activity: Activity):
    """How many days a follow-up may wait before it is overdue."""
    form = SettingsForm()
    ok, status = _saved(
        form, lambda: departments.set_follow_up_days(activity, form.follow_up_days.data, actor=current_user)
    )
    if ok:
        return redirect(url_for(".fair", activity_id=activity.id))
    return _fair_page(activity, settings_form=form, status=status)


# -- a booth's desk ---------------------------------------------------------------------------


def _working_booth(activity: Activity, booth_id: int) -> Booth:
    booth = _booth(activity, booth_id)
    if not can_work_at(current_user, activity, booth.id):
        abort(403)
    return booth


@bp.get(f"{PREFIX}/booths/<int:booth_id>/desk", endpoint="desk")
@fair_page(Need.view)
def desk(activity: Activity, booth_id: int):
    """The booth's desk on a phone: today's consultations by topic, a consultation in two taps,
    materials handed out in one."""
    return _desk_page(activity, _working_booth(activity, booth_id))


def _desk_page(activity: Activity, booth: Booth, consult_form=None, handout_forms=None, status: int = 200):
    today = queries.today_at_booth(booth, _today(activity))
    stock = materials.materials_of(activity).get(booth.id, [])
    handout_forms = handout_forms or {}
    response = make_response(
        render_template(
            "consultation/desk.html",
            activity=activity,
            booth=booth,
            today=today,
            topics=TOPICS,
            consult_form=consult_form or ConsultForm(formdata=None, data=_new_action_id()),
            stock=[
                (
                    material,
                    handout_forms.get(material.id) or HandoutForm(formdata=None, data=_new_action_id()),
                )
                for material in stock
            ],
        ),
        status,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _record(activity: Activity, booth: Booth, name: str, fields: dict, client_action_id: str, **ticket):
    request_ = actions.ActionRequest(
        client_action_id=client_action_id,
        booth_id=booth.id,
        fields=fields,
        fields_from_text=True,
        **ticket,
    )
    return actions.record_action(
        activity, name, request_, scanner=Scanner.for_user(current_user), user=current_user
    )


def _ticket(typed: str | None) -> dict:
    """The ticket reference typed or scanned at the desk (a token, its link, or the short code)."""
    text = (typed or "").strip()
    if not text:
        return {}
    token = token_from_presented(text)
    if looks_like_token(token):
        return {"token": token}
    return {"ticket_code": normalise_ticket_code(text) or text[:32]}


@bp.post(f"{PREFIX}/booths/<int:booth_id>/consult", endpoint="consult")
@fair_page(Need.view)
def consult(activity: Activity, booth_id: int):
    """Record a consultation: the topic pressed, perhaps a ticket, perhaps a follow-up."""
    booth = _working_booth(activity, booth_id)
    form = ConsultForm()
    if not form.validate_on_submit():
        return _desk_page(activity, booth, consult_form=form, status=400)
    fields = {"topic": form.topic.data, "follow_up": form.follow_up.data}
    if form.follow_up.data:
        fields.update(contact_phone=form.contact_phone.data, question=form.question.data)
    try:
        recorded = _record(
            activity, booth, "consult", fields, form.client_action_id.data, **_ticket(form.ticket_code.data)
        )
    except ServiceError as error:
        db.session.rollback()
        field = {"token": "ticket_code"}.get(error.field, error.field)
        if field in ("topic", None) or field not in form:
            flash(error.message, "error")
        else:
            form[field].errors = [*form[field].errors, error.message]
        return _desk_page(activity, booth, consult_form=form, status=error.status)
    db.session.commit()
    flash(
        _(
            "Recorded: %(topic)s (No. %(number)s).",
            topic=label_of(TOPICS, fields["topic"]),
            number=recorded.action.answer["consultation_id"],
        ),
        "success",
    )
    return redirect(url_for(".desk", activity_id=activity.id, booth_id=booth.id))


@bp.post(f"{PREFIX}/booths/<int:booth_id>/materials/<int:material_id>/handout", endpoint="handout")
@fair_page(Need.view)
def handout(activity: Activity, booth_id: int, material_id: int):
    """Hand out a quantity of one of the booth's materials."""
    booth = _working_booth(activity, booth_id)
    material = db.session.get(Material, material_id)
    if material is None or material.booth_id != booth.id:
        abort(404)
    form = HandoutForm()
    if not form.validate_on_submit():
        return _desk_page(activity, booth, handout_forms={material.id: form}, status=400)
    fields = {"material_id": str(material.id), "quantity": form.quantity.data}
    try:
        _record(activity, booth, "handout", fields, form.client_action_id.data)
    except ServiceError as error:
        db.session.rollback()
        form.quantity.errors = [*form.quantity.errors, error.message]
        return _desk_page(activity, booth, handout_forms={material.id: form}, status=error.status)
    db.session.commit()
    flash(_("Handed out: %(name)s.", name=material.name), "success")
    return redirect(url_for(".desk", activity_id=activity.id, booth_id=booth.id))


# -- materials --------------------------------------------------------------------------------


@bp.get(f"{PREFIX}/materials", endpoint="materials")
@fair_page()
def stock(activity: Activity):
    """What each booth brought, handed out and has left, and the fair's total."""
    by_booth = materials.materials_of(activity)
    booths = []
    total = materials.Stock()
    for booth in departments.booths_in_use(activity):
        subtotal = materials.Stock()
        for material in by_booth.get(booth.id, []):
            subtotal.add(material)
            total.add(material)
        booths.append((booth, by_booth.get(booth.id, []), subtotal))
    return render_template(
        "consultation/materials.html",
        activity=activity,
        booths=booths,
        total=total,
        may_change=lambda booth: may_change_booth(current_user, activity, booth),
        delete_form=ButtonForm(),
    )


@bp.route(f"{PREFIX}/booths/<int:booth_id>/materials/new", methods=["GET", "POST"], endpoint="material_new")
@fair_page()
def material_new(activity: Activity, booth_id: int):
    booth = _changeable_booth(activity, booth_id)
    form = MaterialForm()
    ok, status = _saved(
        form, lambda: materials.add_material(booth, form.material_input(), actor=current_user)
    )
    back = url_for(".materials", activity_id=activity.id)
    if ok:
        return redirect(back)
    return _form_page(form, _("New material"), back, status, subtitle=booth.label)


def _material(activity: Activity, material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or material.activity_id != activity.id:
        abort(404)
    if not may_change_booth(current_user, activity, material.booth):
        abort(403)
    return material


@bp.route(f"{PREFIX}/materials/<int:material_id>/edit", methods=["GET", "POST"], endpoint="material_edit")
@fair_page()
def material_edit(activity: Activity, material_id: int):
    material = _material(activity, material_id)
    form = MaterialForm(obj=material)
    ok, status = _saved(
        form, lambda: materials.update_material(material, form.material_input(), actor=current_user)
    )
    back = url_for(".materials", activity_id=activity.id)
    if ok:
        return redirect(back)
    return _form_page(form, _("Edit material"), back, status, subtitle=material.booth.label)


@bp.post(f"{PREFIX}/materials/<int:material_id>/delete", endpoint="material_delete")
@fair_page()
def material_delete(activity: Activity, material_id: int):
    material = _material(activity, material_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        materials.delete_material(material, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".materials", activity_id=activity.id)), 303
    db.session.commit()
    flash(_("The material is removed."), "success")
    return redirect(url_for(".materials", activity_id=activity.id))


# -- a booth's poster -------------------------------------------------------------------------


@bp.route(f"{PREFIX}/booths/<int:booth_id>/poster", methods=["GET", "POST"], endpoint="poster")
@fair_page()
def poster_page(activity: Activity, booth_id: int):
    """The policy and leaflets visitors read when they scan the booth's poster."""
    booth = _changeable_booth(activity, booth_id)
    page = poster.page_of(booth)
    form = PolicyForm(data={"policy_text": page.policy_text if page else ""})
    ok, status = _saved(
        form, lambda: poster.set_policy_text(booth, form.policy_text.data, actor=current_user)
    )
    if ok:
        return redirect(url_for(".poster", activity_id=activity.id, booth_id=booth.id))
    return _poster_page(activity, booth, form, LeafletForm(formdata=None), status)


def _poster_page(activity: Activity, booth: Booth, policy_form, leaflet_form, status: int):
    return (
        render_template(
            "consultation/poster.html",
            activity=activity,
            booth=booth,
            policy_form=policy_form,
            leaflet_form=leaflet_form,
            leaflets=poster.leaflets_of(booth),
            delete_form=ButtonForm(),
            public_url=poster.poster_url(booth),
        ),
        status,
    )


@bp.post(f"{PREFIX}/booths/<int:booth_id>/leaflets", endpoint="leaflet_new")
@fair_page()
def leaflet_new(activity: Activity, booth_id: int):
    booth = _changeable_booth(activity, booth_id)
    form = LeafletForm()
    ok, status = _saved(
        form,
        lambda: poster.add_leaflet(booth, form.title.data, request.files.get("file"), actor=current_user),
    )
    if ok:
        return redirect(url_for(".poster", activity_id=activity.id, booth_id=booth.id))
    page = poster.page_of(booth)
    policy_form = PolicyForm(formdata=None, data={"policy_text": page.policy_text if page else ""})
    return _poster_page(activity, booth, policy_form, form, status)


@bp.post(f"{PREFIX}/leaflets/<int:leaflet_id>/delete", endpoint="leaflet_delete")
@fair_page()
def leaflet_delete(activity: Activity, leaflet_id: int):
    leaflet = db.session.get(Leaflet, leaflet_id)
    booth = db.session.get(Booth, leaflet.booth_id) if leaflet else None
    if booth is None or booth.activity_id != activity.id:
        abort(404)
    if not may_change_booth(current_user, activity, booth):
        abort(403)
    if not ButtonForm().validate_on_submit():
        abort(400)
    poster.delete_leaflet(leaflet, actor=current_user)
    db.session.commit()
    flash(_("The leaflet is removed."), "success")
    return redirect(url_for(".poster", activity_id=activity.id, booth_id=booth.id))


@bp.get(f"{PREFIX}/booths/<int:booth_id>/poster/print", endpoint="poster_print")
@fair_page()
def poster_print(activity: Activity, booth_id: int):
    """The booth's A4 poster: the department's name and a QR code any phone camera opens."""
    booth = _booth(activity, booth_id)
    url = poster.poster_url(booth)
    department = booth.department or activity.lead_department
    return render_template(
        "consultation/poster_print.html",
        activity=activity,
        booth=booth,
        department=department,
        url=url,
        qr_svg=qr.svg_inline(url),
    )


# -- a department's follow-ups ----------------------------------------------------------------


@bp.get("/manage/consultation/departments/<int:department_id>/follow-ups", endpoint="follow_ups")
@login_required
def follow_ups(department_id: int):
    """The department's follow-ups across all its booths: the open ones with contact and age (the
    overdue standing out), each answered with a note; then those answered."""
    return _follow_ups_page(department_id)


def _follow_ups_page(department_id: int, forms: dict | None = None, status: int = 200):
    department = db.session.get(Department, department_id)
    if department is None:
        abort(404)
    if not may_open_department(current_user, department.id):
        abort(403)
    today = utcnow().astimezone(_zone()).date()
    rows = [
        row
        for row in queries.follow_ups(Consultation.department_id == department.id, today=today)
        if row.activity.kind == KIND_NAME and may_answer_for(current_user, department.id, row.activity)
    ]
    forms = forms or {}
    response = make_response(
        render_template(
            "consultation/follow_ups.html",
            department=department,
            open_rows=[row for row in rows if row.is_open],
            answered_rows=[row for row in rows if not row.is_open],
            forms={
                row.consultation.id: forms.get(row.consultation.id)
                or AnswerForm(formdata=None, data=_new_action_id())
                for row in rows
                if row.is_open
            },
            overdue=sum(row.overdue for row in rows),
        ),
        status,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["EVENTDESK_TIMEZONE"])


@bp.post("/manage/consultation/follow-ups/<int:consultation_id>/answer", endpoint="answer")
@login_required
def answer(consultation_id: int):
    """Answer a follow-up with a note, which closes it: recorded at a booth of the department
    where the one answering works (the booth it was asked at, when they work there)."""
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or consultation.voided_at is not None:
        abort(404)
    activity = db.session.get(Activity, consultation.activity_id)
    if not may_answer_for(current_user, consultation.department_id, activity):
        abort(403)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _follow_ups_page(consultation.department_id, {consultation.id: form}, 400)
    booth = _answering_booth(activity, consultation)
    fields = {"consultation_id": str(consultation.id), "note": form.note.data}
    try:
        if booth is None:
            raise ServiceError("forbidden", status=403)
        _record(activity, booth, "answer", fields, form.client_action_id.data)
    except ServiceError as error:
        db.session.rollback()
        target = form.note if error.field == "note" else None
        if target is not None:
            target.errors = [*target.errors, error.message]
        else:
            flash(error.message, "error")
        return _follow_ups_page(consultation.department_id, {consultation.id: form}, error.status)
    db.session.commit()
    flash(_("Answered: No. %(number)s is closed.", number=consultation.id), "success")
    return redirect(url_for(".follow_ups", department_id=consultation.department_id))


def _answering_booth(activity: Activity, consultation: Consultation) -> Booth | None:
    mine = [
        booth
        for booth in activity.booths
        if departments.department_id_of(activity, booth) == consultation.department_id
        and can_work_at(current_user, activity, booth.id)
    ]
    for booth in mine:
        if booth.id == consultation.booth_id:
            return booth
    return mine[0] if mine else None
