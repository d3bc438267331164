"""Deleting or archiving what was set up by mistake, from its edit page.

Who may do it is who may change it: the city's office for events, districts and departments;
the district's organizers for its sites; those who manage an activity for it and its booths.
"""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from eventdesk.core import access
from eventdesk.core.models import Activity, Booth, Site
from eventdesk.core.services import lifecycle
from eventdesk.errors import ServiceError
from eventdesk.extensions import db
from eventdesk.manage.views import bp

_KINDS = "any(event, activity, booth, site, district, department)"
_CHANGES = "any(delete, archive, restore)"


def _done(change: str) -> str:
    if change == "delete":
        return _("Deleted.")
    if change == "archive":
        return _("Archived: it no longer appears in lists and forms; the reports keep it.")
    return _("Restored.")


def _may_change(obj) -> bool:
    if isinstance(obj, Activity):
        return access.can_manage_activity(current_user, obj)
    if isinstance(obj, Booth):
        return access.can_manage_activity(current_user, obj.activity)
    if isinstance(obj, Site):
        return access.is_city_wide(current_user) or obj.district_id in access.district_ids(current_user)
    return access.is_city_wide(current_user)


def edit_url(name: str, obj) -> str:
    if isinstance(obj, Booth):
        return url_for(".booth_edit", activity_id=obj.activity_id, booth_id=obj.id)
    return url_for(f".{name}_edit", **{f"{name}_id": obj.id})


def _list_url(name: str, obj) -> str:
    """The list it was in (its activity's page, for a booth)."""
    if isinstance(obj, Booth):
        return url_for(".activity_detail", activity_id=obj.activity_id)
    if isinstance(obj, Activity):
        return url_for(".activity_list")
    return url_for(f".{name}s")


@bp.post(f"/<{_KINDS}:name>/<int:object_id>/<{_CHANGES}:change>")
@login_required
def take_back(name: str, object_id: int, change: str):
    """Delete, archive or restore an event, activity, booth, site, district or department."""
    obj = db.get_or_404(lifecycle.ARCHIVABLE[name], object_id)
    if not _may_change(obj):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    edit, back = edit_url(name, obj), _list_url(name, obj)
    try:
        getattr(lifecycle, change)(obj, actor=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(edit)
    db.session.commit()
    flash(_done(change), "success")
    return redirect(back if change == "delete" else edit)
