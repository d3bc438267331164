"""Starting EventDesk in production: a setting that is missing or too weak is named in one line."""

import os
import subprocess
import sys

import pytest

from tests.support import PROJECT_ROOT

STRONG_KEY = "k" * 32


def _flask(tmp_path, **settings):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DATABASE_URL", "EVENTDESK_ID_KEY"}
    }
    env.update(EVENTDESK_ENV="production", **settings)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "current"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("settings", "line"),
    [
        ({"DATABASE_URL": "sqlite:///{db}"}, "SECRET_KEY must be set when EVENTDESK_ENV=production"),
        ({"SECRET_KEY": STRONG_KEY}, "DATABASE_URL must be set when EVENTDESK_ENV=production"),
        (
            {"SECRET_KEY": "k" * 31, "DATABASE_URL": "sqlite:///{db}"},
            "SECRET_KEY must be at least 32 characters when EVENTDESK_ENV=production",
        ),
        (
            {"SECRET_KEY": STRONG_KEY, "DATABASE_URL": "sqlite:///{db}"},
            "EVENTDESK_ID_KEY must be at least 32 characters when EVENTDESK_ENV=production",
        ),
    ],
)
def test_a_missing_or_short_setting_is_one_clear_line(tmp_path, settings, line):
    settings = {key: value.format(db=tmp_path / "eventdesk.db") for key, value in settings.items()}
    result = _flask(tmp_path, **settings)
    assert result.returncode == 1
    assert result.stderr.strip() == f"EventDesk cannot start: {line}"
    assert "Traceback" not in result.stdout + result.stderr


def test_a_key_of_32_characters_starts(tmp_path):
    result = _flask(
        tmp_path,
        SECRET_KEY=STRONG_KEY,
        EVENTDESK_ID_KEY=STRONG_KEY,
        DATABASE_URL=f"sqlite:///{tmp_path / 'eventdesk.db'}",
    )
    assert result.returncode == 0, result.stderr
    assert "EventDesk cannot start" not in result.stderr
