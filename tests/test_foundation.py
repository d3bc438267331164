"""The application starts, answers its probes, and its schema is the one the migrations build."""

import re
import runpy

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eventdesk.extensions import db
from tests.support import PROJECT_ROOT


def test_healthz_answers_without_database(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_database(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_readyz_fails_when_database_is_unreachable(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_migrated_schema_equals_models(app_ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_are_at_head(app_ctx):
    with db.engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    from alembic.script import ScriptDirectory
    from flask import current_app

    scripts = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    assert version == scripts.get_current_head()


def test_the_favicon_is_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
        assert response.data[:4] == b"\x00\x00\x01\x00"


def test_the_quick_start_says_how_to_serve_on_another_port(monkeypatch):
    quick_start = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split("## Who it is for")[0]
    command = re.search(r"`(EVENTDESK_BIND=(\S+) make run)`", quick_start)
    assert command is not None, "the quick start names no other port"
    # The server's settings read that variable.
    monkeypatch.setenv("EVENTDESK_BIND", command.group(2))
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert settings["bind"] == command.group(2)
