"""Probes for load balancers and orchestration (alive, and alive with a database), and the
favicon browsers ask every site for."""

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, send_from_directory

from eventdesk.extensions import db
from eventdesk.i18n import COMPILE_HINT, UNCOMPILED_CATALOGS

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers; touches nothing else."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """The process answers, so does its database, and it speaks Chinese (its catalogs are built)."""
    if current_app.extensions[UNCOMPILED_CATALOGS]:
        return jsonify(status="unavailable", catalogs="not compiled", hint=COMPILE_HINT), 503
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok", catalogs="ok")


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for on every page: served, so that no page logs a 404 for it."""
    return send_from_directory(current_app.static_folder, "icons/favicon.ico", max_age=7 * 24 * 3600)
