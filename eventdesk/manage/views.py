"""Organizer pages."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from eventdesk.core.access import activity_clause
from eventdesk.core.models import Activity
from eventdesk.extensions import db

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.get("/")
@login_required
def home():
    """The staff start page: the activities this account reaches."""
    activities = db.session.scalars(
        sa.select(Activity).where(activity_clause(current_user)).order_by(Activity.opens_at).limit(50)
    ).all()
    return render_template("manage/home.html", activities=activities)
