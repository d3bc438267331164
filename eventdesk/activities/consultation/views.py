"""The consultation fair's own pages for its booths: the fair's booths by department (each
department given its booth, how long a follow-up may wait), and a booth's desk on a phone —
today's counter by topic, a consultation in two taps, materials handed out in one. The stock,
poster and follow-up pages are in their own modules; the public poster page in `public.py`."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventdesk.activities.consultation import departments, materials, panels, queries
from eventdesk.activities.consultation.forms import ButtonForm, ConsultForm, HandoutForm, SettingsForm
from eventdesk.activities.consultation.models import Material
from eventdesk.activities.consultation.pages import (
    PREFIX,
    fair_page,
    new_action_id,
    record,
    today_of,
    working_booth,
)
from eventdesk.activities.consultation.permissions import may_change_booth
from eventdesk.activities.consultation.vocabulary import MATERIAL_KINDS, TOPICS, label_of
from eventdesk.core.access import Need, can_manage_activity, can_work_at
from eventdesk.core.models import Activity, Booth
from eventdesk.core.scans.requests import looks_like_token, token_from_presented
from eventdesk.core.tokens import normalise_ticket_code
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.form_pages import saved

bp = Blueprint("consultation", __name__)


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


# -- the fair ---------------------------------------------------------------------------------


@bp.get(PREFIX, endpoint="fair")
@fair_page()
def fair(activity: Activity):
    """The fair's booths by department: today's consultations, stock, follow-ups waiting."""
    return _fair_page(activity)


def _fair_page(activity: Activity, settings_form: SettingsForm | None = None, status: int = 200):
    stock = materials.materials_of(activity)
    waiting = queries.open_follow_ups_by_department([activity.id])
    today = today_of(activity)
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
    flash(ngettext("%(num)d booth added.", "%(num)d booths added.", len(made)), "success")
    return redirect(url_for(".fair", activity_id=activity.id))


@bp.post(f"{PREFIX}/settings", endpoint="settings")
@fair_page(Need.manage)
def settings(activity: Activity):
    """How many days a follow-up may wait before it is overdue."""
    form = SettingsForm()
    ok, status = saved(
        form, lambda: departments.set_follow_up_days(activity, form.follow_up_days.data, actor=current_user)
    )
    if ok:
        return redirect(url_for(".fair", activity_id=activity.id))
    return _fair_page(activity, settings_form=form, status=status)


# -- a booth's desk ---------------------------------------------------------------------------


@bp.get(f"{PREFIX}/booths/<int:booth_id>/desk", endpoint="desk")
@fair_page(Need.view)
def desk(activity: Activity, booth_id: int):
    """The booth's desk on a phone: today's consultations by topic, a consultation in two taps,
    materials handed out in one."""
    return _desk_page(activity, working_booth(activity, booth_id))


def _desk_page(activity: Activity, booth: Booth, consult_form=None, handout_forms=None, status: int = 200):
    today = queries.today_at_booth(booth, today_of(activity))
    stock = materials.materials_of(activity).get(booth.id, [])
    handout_forms = handout_forms or {}
    response = make_response(
        render_template(
            "consultation/desk.html",
            activity=activity,
            booth=booth,
            today=today,
            topics=TOPICS,
            consult_form=consult_form or ConsultForm(formdata=None, data=new_action_id()),
            stock=[
                (
                    material,
                    handout_forms.get(material.id) or HandoutForm(formdata=None, data=new_action_id()),
                )
                for material in stock
            ],
        ),
        status,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
    booth = working_booth(activity, booth_id)
    form = ConsultForm()
    if not form.validate_on_submit():
        return _desk_page(activity, booth, consult_form=form, status=400)
    fields = {"topic": form.topic.data, "follow_up": form.follow_up.data}
    if form.follow_up.data:
        fields.update(contact_phone=form.contact_phone.data, question=form.question.data)
    try:
        recorded = record(
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
    booth = working_booth(activity, booth_id)
    material = db.session.get(Material, material_id)
    if material is None or material.booth_id != booth.id:
        abort(404)
    form = HandoutForm()
    if not form.validate_on_submit():
        return _desk_page(activity, booth, handout_forms={material.id: form}, status=400)
    fields = {"material_id": str(material.id), "quantity": form.quantity.data}
    try:
        record(activity, booth, "handout", fields, form.client_action_id.data)
    except ServiceError as error:
        db.session.rollback()
        form.quantity.errors = [*form.quantity.errors, error.message]
        return _desk_page(activity, booth, handout_forms={material.id: form}, status=error.status)
    db.session.commit()
    flash(_("Handed out: %(name)s.", name=material.name), "success")
    return redirect(url_for(".desk", activity_id=activity.id, booth_id=booth.id))
