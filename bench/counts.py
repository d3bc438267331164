"""Dashboard counts and the day's tally at 1,000 and at 1,000,000 scans.

Seeds a database in bulk (scans written straight into the table, then `flask tally
rebuild`), then times, for each size: the live counts of the day's activities (what the
dashboard and the stream read), the dashboard's figures fragment over HTTP (in-process),
and reading the day's tally as the tally page and the reports do. The goal: the
1,000,000-scan figures within twice the 1,000-scan ones — reading counts must not grow
with the number of scans.

    .venv/bin/python bench/counts.py
    .venv/bin/python bench/counts.py --database postgresql+psycopg://postgres@127.0.0.1/eventdesk_bench
"""

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("SECRET_KEY", "bench")

import sqlalchemy as sa
from flask_migrate import upgrade

from eventdesk import create_app
from eventdesk.core.database import write_intent
from eventdesk.core.models import Activity, Scan, utcnow
from eventdesk.core.rawdb import borrowed_connection
from eventdesk.core.scans.counts import counts_of_activities
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from eventdesk.reports.tally import daily_tally
from tests.support import factories

ACTIVITIES = 5
BOOTHS = 6
TICKETS = 20_000


def reset_schema(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def seed(app, scans: int) -> dict:
    """Five activities today with booths, registrations, `scans` scans, and the rebuilt tally."""
    rng = random.Random(17)
    with app.app_context(), write_intent():
        upgrade()
        event = factories.event()
        activities = [factories.activity(event, booths=BOOTHS) for _ in range(ACTIVITIES)]
        db.session.commit()
        connection = borrowed_connection()
        stamp = utcnow()
        people = [(f"群众{i}", f"13{i:09d}", "general", connection.time_param(stamp)) for i in range(TICKETS)]
        cursor = connection.dbapi.cursor()
        mark = "?" if connection.sqlite else "%s"
        cursor.executemany(
            f"INSERT INTO person (name, phone, category, created_at) VALUES ({', '.join([mark] * 4)})", people
        )
        person_ids = [row[0] for row in connection.all("SELECT id FROM person ORDER BY id")]
        registrations = [
            (
                activities[i % ACTIVITIES].id,
                person_id,
                uuid.uuid4().hex[:22],
                f"C{i:07d}",
                "import",
                "{}",
                connection.time_param(stamp),
                connection.bool_param(False),
                connection.bool_param(False),
            )
            for i, person_id in enumerate(person_ids)
        ]
        cursor.executemany(
            "INSERT INTO registration (activity_id, person_id, token, ticket_code, source, fields, "
            f"created_at, inside, identity_conflict) VALUES ({', '.join([mark] * 9)})",
            registrations,
        )
        registration_ids = [
            (row[0], row[1]) for row in connection.all("SELECT id, activity_id FROM registration ORDER BY id")
        ]
        booths = {a.id: [b.id for b in a.booths] for a in activities}
        day = event.starts_on
        opening = activities[0].opens_at
        rows = []
        for n in range(scans):
            registration_id, activity_id = registration_ids[rng.randrange(len(registration_ids))]
            at_booth = rng.random() < 0.4
            moment = opening + dt.timedelta(seconds=rng.randrange(8 * 3600))
            result = rng.choice(("accepted", "accepted", "duplicate", "rejected"))
            rows.append(
                (
                    str(uuid.UUID(int=n + 1)),
                    "bench",
                    "ticket",
                    activity_id,
                    rng.choice(booths[activity_id]) if at_booth else None,
                    registration_id,
                    None if at_booth else rng.choice(("in", "in", "out")),
                    1,
                    result,
                    None if result == "accepted" else ("already_in" if result == "duplicate" else "not_open"),
                    "bench",
                    "batch",
                    connection.time_param(moment),
                    connection.time_param(moment),
                    connection.time_param(moment),
                    connection.date_param(day),
                )
            )
            if len(rows) == 50_000 or n == scans - 1:
                cursor.executemany(
                    "INSERT INTO scan (client_scan_id, fingerprint, kind, activity_id, booth_id, "
                    "registration_id, direction, headcount, result, reason, device, channel, scanned_at, "
                    f"received_at, counted_at, local_day) VALUES ({', '.join([mark] * 16)})",
                    rows,
                )
                rows = []
        cursor.close()
        db.session.commit()
        started = time.perf_counter()
        tally_service.rebuild()
        db.session.commit()
        rebuilt = time.perf_counter() - started
        organizer = factories.user("organizer", email="bench@example.org")
        db.session.commit()
        return {
            "day": day,
            "kinds": {a.id: a.kind for a in activities},
            "event": event.id,
            "rebuild_seconds": rebuilt,
            "organizer_id": organizer.id,
        }


def timed(function, repeat: int) -> tuple[float, float]:
    """Median and 95th percentile of `repeat` runs, in milliseconds."""
    function()  # warm caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def measure(app, data: dict, repeat: int) -> dict:
    results = {}
    with app.app_context():

        def counts():
            counts_of_activities(borrowed_connection(), data["kinds"])
            db.session.rollback()

        def tally_of_day():
            daily_tally(data["day"], event_id=data["event"])
            db.session.rollback()

        results["counts"] = timed(counts, repeat)
        results["tally"] = timed(tally_of_day, repeat)
        scans = db.session.scalar(sa.select(sa.func.count()).select_from(Scan))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == ACTIVITIES
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(data["organizer_id"])
        session["_fresh"] = True
    url = f"/dashboard/live?event={data['event']}&date={data['day'].isoformat()}"

    def fragment():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    results["dashboard"] = timed(fragment, repeat)
    results["scans"] = scans
    results["rebuild_seconds"] = data["rebuild_seconds"]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="SQLAlchemy URL (default: fresh SQLite files)")
    parser.add_argument("--sizes", default="1000,1000000", help="scan counts to compare")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="eventdesk-bench-"))
    measured = {}
    try:
        for size in sizes:
            url = args.database or f"sqlite:///{workdir / f'counts-{size}.db'}"
            reset_schema(url)
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
            print(f"seeding {size:,} scans …", flush=True)
            data = seed(app, size)
            measured[size] = measure(app, data, args.repeat)
            with app.app_context():
                db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    dialect = "PostgreSQL" if (args.database or "").startswith("postgresql") else "SQLite"
    base = measured[sizes[0]]
    print(
        f"\n{dialect}, {ACTIVITIES} activities × {BOOTHS} booths, {TICKETS:,} tickets; median / p95 of "
        f"{args.repeat} runs, in ms\n"
    )
    print("| scans | activity counts | dashboard figures (HTTP) | day's tally | tally rebuild (s) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        row = measured[size]
        cells = []
        for name in ("counts", "dashboard", "tally"):
            median, p95 = row[name]
            ratio = median / base[name][0] if size != sizes[0] else 1.0
            cells.append(f"{median:.2f} / {p95:.2f} (×{ratio:.2f})")
        print(f"| {row['scans']:,} | {' | '.join(cells)} | {row['rebuild_seconds']:.1f} |")


if __name__ == "__main__":
    main()
