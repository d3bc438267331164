"""The activity kinds. Each package here registers its kind; adding one is adding a package name."""

from importlib import import_module

from flask import Flask

from eventdesk.core.kinds import register_kind

KIND_PACKAGES = (
    "eventdesk.activities.consultation",
    "eventdesk.activities.jobfair",
    "eventdesk.activities.health",
    "eventdesk.activities.handover",
)


def init_app(app: Flask) -> None:
    for name in KIND_PACKAGES:
        package = import_module(name)
        register_kind(package.KIND)
        blueprint = getattr(package, "bp", None)
        if blueprint is not None and blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
