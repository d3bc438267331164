"""Probes for load balancers and orchestration: alive, and alive with a database."""

import sqlalchemy as sa
from flask import Blueprint, jsonify

from eventdesk.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers; touches nothing else."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """The process answers and so does its database."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
