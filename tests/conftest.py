"""Fixtures: an app on the test database (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
emptied after every test, a client that signs in and sends CSRF tokens like a browser, and
a real gunicorn server for tests that need several workers."""

import os
import re
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventdesk import create_app
from eventdesk.config import normalise_database_url
from eventdesk.extensions import db
from tests import factories

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The test database, migrated from empty once per run."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        url = normalise_database_url(url)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'eventdesk-test.db'}"
    app = create_app(_test_config(url))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _test_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_ENABLED": False,
        "EVENTDESK_BASE_URL": None,
    }


def _empty_all_tables():
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(sa.text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture
def make_app(database_url):
    """Build apps on the test database with extra settings; every table is emptied afterwards."""
    apps = []

    def build(**settings):
        app = create_app({**_test_config(database_url), **settings})
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            if app.config["SQLALCHEMY_DATABASE_URI"] == database_url:
                _empty_all_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


class Client:
    """A test client that behaves like a browser with forms: it reads and sends CSRF tokens."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()

    def get(self, url, **kwargs):
        return self.http.get(url, **kwargs)

    def csrf_token(self, url):
        page = self.http.get(url)
        match = _CSRF_INPUT.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {url} (status {page.status_code})"
        return match.group(1)

    def post_form(self, url, data=None, *, form_url=None, **kwargs):
        """Post `data` as the form on `form_url` (default `url`) would, with its CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(form_url or url))
        return self.http.post(url, data=data, **kwargs)

    def login(self, email, password=factories.PASSWORD):
        response = self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def run_cli(app):
    """Run a `flask` command against the test app; returns the click result."""

    def run(*args, input=None):
        return app.test_cli_runner().invoke(args=list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture
def tmp_dir():
    with tempfile.TemporaryDirectory() as path:
        yield Path(path)
