"""A deployment that forgot to build the translation catalogs would serve English to everyone:
in production it does not start, and /readyz fails until they are built."""

import os
import shutil
import subprocess
import sys
import time

import pytest

from eventdesk import i18n
from tests.support import PROJECT_ROOT

STRONG_KEY = "k" * 32
COPIED = ("eventdesk", "templates", "migrations", "wsgi.py")


@pytest.fixture
def installation(tmp_path):
    """A copy of EventDesk as a deployment would unpack it, catalogs compiled."""
    root = tmp_path / "eventdesk-app"
    root.mkdir()
    for name in COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    return root


def _start_in_production(root, tmp_path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update(
        EVENTDESK_ENV="production",
        SECRET_KEY=STRONG_KEY,
        EVENTDESK_ID_KEY=STRONG_KEY,
        DATABASE_URL=f"sqlite:///{tmp_path / 'eventdesk.db'}",
        PYTHONPATH=str(root),
    )
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "current"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compiled_catalogs_start(installation, tmp_path):
    result = _start_in_production(installation, tmp_path)
    assert result.returncode == 0, result.stderr


def test_catalogs_never_compiled_stop_the_start_with_one_clear_line(installation, tmp_path):
    for compiled in installation.rglob("*.mo"):
        compiled.unlink()
    result = _start_in_production(installation, tmp_path)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.startswith("EventDesk cannot start: ")
    assert "translation catalogs are not compiled" in message
    assert "run `python scripts/catalogs.py compile`" in message
    assert "Traceback" not in result.stdout + result.stderr


def test_a_catalog_changed_since_it_was_compiled_stops_the_start(installation, tmp_path):
    catalog = installation / "eventdesk" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
    later = time.time() + 60
    os.utime(catalog, (later, later))
    result = _start_in_production(installation, tmp_path)
    assert result.returncode == 1
    assert f"translation catalogs are not compiled ({catalog}): run" in result.stderr


def test_readyz_fails_while_catalogs_are_not_compiled(make_app, monkeypatch, tmp_path):
    ready = make_app().test_client().get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["catalogs"] == "ok"

    uncompiled = tmp_path / "translations" / "zh_Hans" / "LC_MESSAGES"
    uncompiled.mkdir(parents=True)
    (uncompiled / "messages.po").write_text('msgid "Sign out"\nmsgstr "退出"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "translation_directories", lambda app: [str(tmp_path / "translations")])
    response = make_app().test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["catalogs"] == "not compiled"
    assert "scripts/catalogs.py compile" in response.get_json()["hint"]
