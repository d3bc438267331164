"""How long the written report and the tally take to build on a busy day (100,000 scans).

Seeds a fresh database in bulk — a city's worth of activities, booths and registrations and
100,000 scans on one local day — has `flask tally rebuild`'s service compute the tally from
those facts, then times, several times each:

- the daily tally read (`daily_tally`),
- the city's written report (`written_report`),
- the written report and the tally page served over HTTP (rendering included),
- the tally XLSX export.

The report reads the tally, never the scans, so its time must not grow with the scans.

    .venv/bin/python bench/report.py                       # SQLite, in a temporary folder
    .venv/bin/python bench/report.py --scans 300000
    .venv/bin/python bench/report.py --database postgresql+psycopg://postgres@127.0.0.1/eventdesk_bench
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed(app, scans: int, activities: int, booths: int, seed_value: int) -> dict:
    """One event today, `activities` activities with `booths` booths each, and `scans` scans."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from eventdesk.core.database import write_intent
    from eventdesk.core.models import Person, Registration, Scan, utcnow
    from eventdesk.core.services import tally as tally_service
    from eventdesk.extensions import db
    from tests.support import factories

    rng = random.Random(seed_value)
    with app.app_context(), write_intent():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
        started = time.perf_counter()
        event = factories.event()
        districts = [factories.district() for _ in range(6)]
        departments = [factories.department() for _ in range(14)]
        made = []
        for n in range(activities):
            activity = factories.activity(
                event,
                kind=("consultation", "jobfair", "health", "handover")[n % 4],
                site_=factories.site(districts[n % len(districts)]),
                lead=departments[n % len(departments)],
            )
            activity.cooperators = rng.sample(departments, 3)
            for b in range(booths):
                factories.booth(activity, department_=departments[(n + b) % len(departments)])
            made.append(activity)
        day = made[0].day
        stamp = utcnow()
        people = scans // 4
        db.session.execute(
            sa.insert(Person),
            [
                {"name": f"群众{i}", "phone": f"13{i:09d}", "category": "general", "created_at": stamp}
                for i in range(people)
            ],
        )
        person_ids = db.session.scalars(sa.select(Person.id).order_by(Person.id)).all()
        db.session.execute(
            sa.insert(Registration),
            [
                {
                    "activity_id": made[i % activities].id,
                    "person_id": pid,
                    "token": uuid.uuid4().hex[:22],
                    "ticket_code": f"R{i:08d}",
                    "source": "import",
                    "fields": {},
                    "created_at": stamp,
                    "inside": False,
                }
                for i, pid in enumerate(person_ids)
            ],
        )
        tickets = db.session.execute(sa.select(Registration.id, Registration.activity_id)).all()
        booth_ids = {a.id: [b.id for b in a.booths] for a in made}

        def row(kind, activity_id, booth_id, registration_id, direction, result, reason=None, headcount=1):
            return {
                "client_scan_id": str(uuid.uuid4()),
                "fingerprint": "bench",
                "kind": kind,
                "activity_id": activity_id,
                "booth_id": booth_id,
                "registration_id": registration_id,
                "direction": direction,
                "headcount": headcount,
                "result": result,
                "reason": reason,
                "device": "bench",
                "channel": "scanner",
                "received_at": stamp,
                "counted_at": stamp,
                "local_day": day,
            }

        # The mix of a busy day: every ticket in at the entrance, then booth visits, exits,
        # repeat scans, refused codes and walk-ins, until `scans` rows are written.
        rows = [row("ticket", activity_id, None, rid, "in", "accepted") for rid, activity_id in tickets]
        while len(rows) < scans:
            rid, activity_id = rng.choice(tickets)
            roll = rng.random()
            if roll < 0.55:
                rows.append(
                    row("ticket", activity_id, rng.choice(booth_ids[activity_id]), rid, None, "accepted")
                )
            elif roll < 0.70:
                rows.append(row("ticket", activity_id, None, rid, "in", "duplicate", "already_in"))
            elif roll < 0.85:
                rows.append(row("ticket", activity_id, None, rid, "out", "accepted"))
            elif roll < 0.92:
                rows.append(row("ticket", activity_id, None, None, "in", "rejected", "unknown_token"))
            else:
                booth = rng.choice([None, *booth_ids[activity_id]])
                rows.append(
                    row("walkin", activity_id, booth, None, None, "accepted", headcount=rng.randint(1, 4))
                )
        for start in range(0, len(rows), 20_000):
            db.session.execute(sa.insert(Scan), rows[start : start + 20_000])
        seeded = time.perf_counter() - started

        started = time.perf_counter()
        figures = tally_service.rebuild(day)
        db.session.commit()
        rebuilt = time.perf_counter() - started
        scan_count = db.session.scalar(sa.select(sa.func.count()).select_from(Scan))
        admin = factories.user("admin")
        db.session.commit()
        return {
            "day": day,
            "scans": scan_count,
            "figures": figures,
            "seeded": seeded,
            "rebuilt": rebuilt,
            "admin": admin.email,
        }


def timed(function, repeat: int) -> tuple[float, float]:
    """Median and worst wall time of `repeat` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temporary folder)")
    parser.add_argument("--scans", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=24)
    parser.add_argument("--booths", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    os.environ.setdefault("SECRET_KEY", "bench")
    folder = tempfile.TemporaryDirectory(prefix="eventdesk-report-bench-")
    database = args.database or f"sqlite:///{Path(folder.name) / 'bench.db'}"

    from eventdesk import create_app
    from eventdesk.extensions import db
    from eventdesk.reports import written
    from eventdesk.reports.exports import xlsx_bytes
    from eventdesk.reports.sheets import tally_workbook
    from eventdesk.reports.tally import daily_tally
    from tests.conftest import Client

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "RATELIMIT_ENABLED": False, "TESTING": True})
    seeded = seed(app, args.scans, args.activities, args.booths, args.seed)
    day: dt.date = seeded["day"]
    with app.app_context():
        print(f"database        {db.engine.dialect.name}")
    print(f"seeded          {seeded['scans']:,} scans on {day} in {seeded['seeded']:.1f} s")
    print(
        f"tally rebuilt   {seeded['figures']:,} figures from the scans in {seeded['rebuilt'] * 1000:.0f} ms"
    )

    with app.test_request_context(f"/reports/written/city?date={day.isoformat()}"):
        unit = written.ReportUnit("city")
        results = {
            "daily tally read": timed(lambda: daily_tally(day), args.repeat),
            "written report built": timed(lambda: written.written_report(day, unit), args.repeat),
            "tally XLSX built": timed(lambda: xlsx_bytes(tally_workbook(daily_tally(day))), args.repeat),
        }
        db.session.remove()

    client = Client(app)
    client.login(seeded["admin"])
    for label, url in (
        ("report over HTTP", f"/reports/written/city?date={day.isoformat()}"),
        ("tally page over HTTP", f"/reports/tally?date={day.isoformat()}"),
    ):

        def fetch(url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        results[label] = timed(fetch, args.repeat)

    for label, (median, worst) in results.items():
        print(f"{label:<22}  median {median:7.1f} ms   worst {worst:7.1f} ms")
    limit_ok = results["report over HTTP"][1] < 1000
    print(f"report under one second with {seeded['scans']:,} scans: {'yes' if limit_ok else 'NO'}")
    with app.app_context():
        db.engine.dispose()
    folder.cleanup()
    return 0 if limit_ok else 1


if __name__ == "__main__":
    sys.exit(main())
