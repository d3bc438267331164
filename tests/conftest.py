"""Fixtures: an app on the test database (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
emptied after every test, a client that signs in and sends CSRF tokens like a browser, and
a real gunicorn server for tests that need several workers."""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventdesk import create_app
from eventdesk.config import normalise_database_url
from eventdesk.extensions import db
from tests.support import PROJECT_ROOT
from tests.support.client import Client
from tests.support.scripted import TEST_KIND


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """The app reads compiled catalogs, which are not committed: build them from the .po files,
    so that `pytest` in a fresh clone (and the servers it starts) speak Chinese too."""
    subprocess.run([sys.executable, "scripts/catalogs.py", "compile"], cwd=PROJECT_ROOT, check=True)


@pytest.fixture(autouse=True)
def rate_limit_windows_start_with_the_test(monkeypatch):
    """The database's rate-limit counters count in fixed windows, which start afresh at each
    window's end: a test counting up to a limit across a boundary would find it reset. Each test
    runs on a clock that starts one second after midnight UTC, where every window (a minute,
    ten minutes, an hour, a day) starts, and goes on at the real pace."""
    from types import SimpleNamespace

    from eventdesk import ratelimit

    started = time.time()
    shift = started - (int(started) // 86_400 * 86_400 + 1)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: time.time() - shift))


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
        hub = app.extensions.get("eventdesk_counts_hub")
        if hub is not None:
            assert hub.wait_until_idle(timeout=5), "a live-count stream was left open"
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


@pytest.fixture
def kind_with_metrics(monkeypatch):
    """A kind that feeds figures of its own (`TEST_KIND`), registered for one test."""
    from eventdesk.core import kinds

    monkeypatch.setitem(kinds._KINDS, TEST_KIND.name, TEST_KIND)
    return TEST_KIND


@pytest.fixture
def stamp_kind_app(make_app, monkeypatch):
    """An app with a small test kind (tests/support/kinds.py) installed as a real kind is."""
    from eventdesk import activities
    from eventdesk.core import kinds
    from eventdesk.errors import REASONS
    from tests.support.kinds import STAMP_KIND, STAMPS

    monkeypatch.setitem(kinds._KINDS, STAMP_KIND.name, STAMP_KIND)
    for code, message in STAMP_KIND.reasons.items():
        monkeypatch.setitem(REASONS, code, message)
    app = make_app()
    activities.install(app, STAMP_KIND)
    with app.app_context():
        STAMPS.create(db.engine)
    yield app
    with app.app_context():
        db.session.remove()
        STAMPS.drop(db.engine)


@pytest.fixture
def in_process_server():
    """Serve an app object from a thread of the test process (for apps a gunicorn cannot build,
    such as one with a test kind installed); returns its base URL."""
    from werkzeug.serving import make_server

    servers = []

    def serve(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=10)


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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """A real gunicorn server (the settings of `make run`) on the test database.

    `stop()` and then `start()` bring it down and up again on the same port, as a venue's
    server going away and coming back looks to a phone.
    """

    def __init__(self, database_url: str, workers: int, extra_env: dict | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The machine's own public address is not the test server's; a test may give one.
        self.env = {
            **{key: value for key, value in os.environ.items() if key != "EVENTDESK_BASE_URL"},
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "RATELIMIT_ENABLED": "false",
            "EVENTDESK_BIND": f"127.0.0.1:{self.port}",
            "EVENTDESK_WORKERS": str(workers),
            **(extra_env or {}),
        }
        self.process = None
        self.log = None
        self.start()

    def start(self) -> None:
        """Start gunicorn (again) and wait until it answers with its database."""
        if self.process is not None and self.process.poll() is None:
            return
        self.log = tempfile.NamedTemporaryFile(prefix="eventdesk-gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        listening = f"Listening at: {self.url}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            # Only once our gunicorn holds the port: another run's server could answer on it.
            if listening not in Path(self.log.name).read_text(errors="replace"):
                time.sleep(0.1)
                continue
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        output = Path(self.log.name).read_text()[-3000:]
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{output}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)
            self.log = None


@pytest.fixture
def live_server(app, database_url):
    """Start gunicorn with `workers` workers; the `app` fixture empties the tables afterwards."""
    servers = []

    def start(workers: int = 2, **extra_env) -> LiveServer:
        server = LiveServer(database_url, workers, extra_env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def module_live_server(database_url):
    """Like `live_server`, but the servers last for the module: for tests of servers that keep
    nothing between requests, where starting them is most of the time spent."""
    servers = []

    def start(workers: int = 2, **extra_env) -> LiveServer:
        server = LiveServer(database_url, workers, extra_env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


CHROMIUM = os.environ.get("EVENTDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def launch_chromium():
    """Launch Debian's Chromium through Playwright; `fake_video` is a .y4m shown as the camera."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browsers = []

    def launch(fake_video: Path | None = None):
        args = list(CHROMIUM_ARGS)
        if fake_video is not None:
            args += [
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={Path(fake_video).resolve()}",
            ]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()
    playwright.stop()
