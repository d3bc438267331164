"""The fair's materials: what each booth brought, handed out and has left, and the fair's total;
materials set up by the organizers and by a booth's own staff."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventdesk.activities.consultation import departments, materials
from eventdesk.activities.consultation.forms import ButtonForm, MaterialForm
from eventdesk.activities.consultation.models import Material
from eventdesk.activities.consultation.pages import PREFIX, changeable_booth, fair_page
from eventdesk.activities.consultation.permissions import may_change_booth
from eventdesk.core.models import Activity
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.form_pages import form_page, saved

bp = Blueprint("consultation_stock", __name__)


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
    booth = changeable_booth(activity, booth_id)
    form = MaterialForm()
    ok, status = saved(form, lambda: materials.add_material(booth, form.material_input(), actor=current_user))
    back = url_for(".materials", activity_id=activity.id)
    if ok:
        return redirect(back)
    return form_page(form, _("New material"), back, status, subtitle=booth.label)


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
    ok, status = saved(
        form, lambda: materials.update_material(material, form.material_input(), actor=current_user)
    )
    back = url_for(".materials", activity_id=activity.id)
    if ok:
        return redirect(back)
    return form_page(form, _("Edit material"), back, status, subtitle=material.booth.label)


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
