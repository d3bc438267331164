"""The activity kinds. Each package here declares its `ActivityKind` as ``KIND``; adding one is
adding its package name below."""

from importlib import import_module

from flask import Flask

from eventdesk.core import route_access
from eventdesk.core.kinds import ActivityKind, register_kind
from eventdesk.errors import register_reasons
from eventdesk.extensions import csrf

KIND_PACKAGES = (
    "eventdesk.activities.consultation",
    "eventdesk.activities.jobfair",
    "eventdesk.activities.health",
    "eventdesk.activities.handover",
)


def init_app(app: Flask) -> None:
    for name in KIND_PACKAGES:
        install(app, import_module(name).KIND)


def install(app: Flask, kind: ActivityKind) -> None:
    """Register a kind and what it declares: reason codes, pages and API endpoints, and who may call them."""
    register_kind(kind)
    register_reasons(kind.reasons)
    route_access.declare(kind.route_rules)
    for blueprint in kind.blueprints:
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    for blueprint in kind.api_blueprints:
        if blueprint.name not in app.blueprints:
            # Bearer tokens, not cookies, authenticate the API: no cross-site form to forge.
            csrf.exempt(blueprint)
            app.register_blueprint(blueprint)
