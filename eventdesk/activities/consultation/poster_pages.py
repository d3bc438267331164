"""A booth's poster: the policy and PDF leaflets its department shows to visitors who scan it,
and the printable A4 poster with its QR code."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventdesk.activities.consultation import poster
from eventdesk.activities.consultation.forms import ButtonForm, LeafletForm, PolicyForm
from eventdesk.activities.consultation.models import Leaflet
from eventdesk.activities.consultation.pages import PREFIX, booth_of, changeable_booth, fair_page
from eventdesk.activities.consultation.permissions import may_change_booth
from eventdesk.core import qr
from eventdesk.core.models import Activity, Booth
from eventdesk.extensions import db
from eventdesk.form_pages import saved

bp = Blueprint("consultation_poster", __name__)


@bp.route(f"{PREFIX}/booths/<int:booth_id>/poster", methods=["GET", "POST"], endpoint="poster")
@fair_page()
def poster_page(activity: Activity, booth_id: int):
    """The policy and leaflets visitors read when they scan the booth's poster."""
    booth = changeable_booth(activity, booth_id)
    page = poster.page_of(booth)
    form = PolicyForm(data={"policy_text": page.policy_text if page else ""})
    ok, status = saved(form, lambda: poster.set_policy_text(booth, form.policy_text.data, actor=current_user))
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
    booth = changeable_booth(activity, booth_id)
    form = LeafletForm()
    ok, status = saved(
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
    booth = booth_of(activity, booth_id)
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
