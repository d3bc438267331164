"""EventDesk: registrations, QR check-in and live counts for on-site public-service activities."""

from pathlib import Path

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from eventdesk import i18n
from eventdesk.config import ConfigError, load_config
from eventdesk.core import languages
from eventdesk.core.database import configure_engine, reset_write_intent, set_write_intent
from eventdesk.extensions import babel, compress, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Blueprint modules, each exposing `bp`, in the order they are registered.
BLUEPRINTS = (
    "eventdesk.health",
    "eventdesk.auth.views",
    "eventdesk.manage.views",
    "eventdesk.dashboard.views",
    "eventdesk.api",
    "eventdesk.tickets.views",
    "eventdesk.scanner.views",
    "eventdesk.reports.views",
    "eventdesk.plan.views",
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, command line."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)

    proxies = app.config["EVENTDESK_TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)

    from eventdesk import web

    web.install_converters(app)
    _init_extensions(app)
    _check_catalogs(app)
    _register_blueprints(app)

    from eventdesk import activities, cli, comfort, permission_table
    from eventdesk.core import route_access

    route_access.declare(permission_table.RULES)
    route_access.init_app(app)
    _register_request_hooks(app)
    activities.init_app(app)
    comfort.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app


def _check_catalogs(app: Flask) -> None:
    """Without its compiled catalogs the app would speak English to everyone, silently: in
    production it refuses to start; elsewhere it says so, and /readyz fails until they are built."""
    problems = i18n.uncompiled_catalogs(i18n.translation_directories(app))
    app.extensions[i18n.UNCOMPILED_CATALOGS] = problems
    if not problems:
        return
    if app.config["EVENTDESK_ENV"] == "production":
        raise ConfigError(i18n.uncompiled_message(problems))
    app.logger.warning("%s", i18n.uncompiled_message(problems))


def _init_extensions(app: Flask) -> None:
    import eventdesk.core.models  # noqa: F401  (registers the models with the metadata)
    from eventdesk import ratelimit

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        default_locale=languages.DEFAULT_LANGUAGE,
        default_translation_directories=";".join(i18n.translation_directories(app)),
        locale_selector=i18n.select_locale,
    )
    ratelimit.init_app(app)
    compress.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for name in BLUEPRINTS:
        app.register_blueprint(import_module(name).bp)


def _register_request_hooks(app: Flask) -> None:
    def _declare_write_intent():
        g.write_intent_token = set_write_intent(request.method not in SAFE_METHODS)

    # First of all: the permission table's check may read, and a write's transaction must begin
    # as one (``BEGIN IMMEDIATE`` on SQLite), not as a read that later asks for the write lock.
    app.before_request_funcs.setdefault(None, []).insert(0, _declare_write_intent)

    @app.teardown_request
    def _forget_write_intent(_exc):
        token = g.pop("write_intent_token", None)
        if token is not None:
            reset_write_intent(token)

    app.after_request(i18n.remember_language)
