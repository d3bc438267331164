"""Helpers for the ticket tests: reading QR codes back, counting rows, reading tally figures."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Person, Registration, Scan, TallyCount
from eventdesk.extensions import db

ZBARIMG = shutil.which("zbarimg")


def read_qr(png: bytes) -> str:
    """What a QR code image says, as read by zbar (``zbarimg -q --raw``)."""
    if ZBARIMG is None:
        pytest.skip("zbarimg is not installed (apt-get install zbar-tools)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "code.png"
        path.write_bytes(png)
        result = subprocess.run(
            [ZBARIMG, "-q", "--raw", str(path)], capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 0, f"zbarimg found no code: {result.stderr}"
    return result.stdout.strip()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def counts(app) -> dict[str, int]:
    """How many people, registrations and scans are stored."""
    return {
        "people": count(app, Person),
        "registrations": count(app, Registration),
        "scans": count(app, Scan),
    }


def tally(app, activity_id: int, metric: str) -> int:
    """A tally figure for the whole activity, summed over days and shards."""
    with app.app_context():
        return int(
            db.session.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(TallyCount.value), 0)).where(
                    TallyCount.activity_id == activity_id,
                    TallyCount.booth_id == 0,
                    TallyCount.metric == metric,
                )
            )
        )


def registration_of(app, activity_id: int, name: str) -> Registration | None:
    with app.app_context():
        registration = db.session.scalar(
            sa.select(Registration)
            .join(Person)
            .where(Registration.activity_id == activity_id, Person.name == name)
        )
        if registration is not None:
            db.session.expunge(registration)
        return registration
