"""What the consultation fair's staff pages share: the pages of one fair, its booths as the
signed-in staff may reach them, and actions recorded from a page through the core's action service
(forms saved through a service use `eventdesk.form_pages`, as every kind's pages do)."""

import functools
import uuid

from flask import abort
from flask_login import current_user

from eventdesk.activities.consultation.permissions import may_change_booth
from eventdesk.activities.consultation.vocabulary import KIND_NAME
from eventdesk.auth.permissions import activity_page
from eventdesk.core import actions
from eventdesk.core.access import Need, can_work_at
from eventdesk.core.models import Activity, Booth, utcnow
from eventdesk.core.scans.model import Scanner
from eventdesk.extensions import db

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


def booth_of(activity: Activity, booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.activity_id != activity.id:
        abort(404)
    return booth


def changeable_booth(activity: Activity, booth_id: int) -> Booth:
    """A booth whose materials and poster page the signed-in user may set up."""
    booth = booth_of(activity, booth_id)
    if not may_change_booth(current_user, activity, booth):
        abort(403)
    return booth


def working_booth(activity: Activity, booth_id: int) -> Booth:
    """A booth where the signed-in user works (records its actions)."""
    booth = booth_of(activity, booth_id)
    if not can_work_at(current_user, activity, booth.id):
        abort(403)
    return booth


def new_action_id() -> dict:
    """A fresh id for an action's form: pressed twice, it records once."""
    return {"client_action_id": str(uuid.uuid4())}


def today_of(activity: Activity):
    return activity.event.local_day(utcnow())


def record(activity: Activity, booth: Booth, name: str, fields: dict, client_action_id: str, **ticket):
    """Record one of the booth's actions as the signed-in staff member, from a page's typed fields."""
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
