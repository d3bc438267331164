"""How big and how fast a job fair's list of postings is for a phone (the public page, a seeker's
own page with the postings that fit them, and ``GET /api/v1/activities/{id}/postings``).

Loads the demo, adds employers with five postings each through the fair's services (a big
fair has a hundred stands), then requests each page several times through the app and prints
the median and 95th percentile times and the page's size, raw and gzipped (what a phone
downloads behind a compressing proxy).

    .venv/bin/python bench/jobfair.py                     # SQLite, in a temporary folder
    .venv/bin/python bench/jobfair.py --employers 200
    .venv/bin/python bench/jobfair.py --database postgresql+psycopg://postgres@127.0.0.1/eventdesk_bench
"""

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventdesk import create_app
from eventdesk.extensions import db

JOBS = ("保洁员", "保安", "护工", "操作工", "快递配送员")


def seed(app, employers: int) -> dict:
    from flask_migrate import upgrade

    from eventdesk import demo
    from eventdesk.activities.jobfair import employers as employer_service
    from eventdesk.core.database import write_intent
    from eventdesk.core.models import Activity, Registration

    with app.app_context(), app.test_request_context(), write_intent():
        upgrade()
        demo.load_demo(demo.today())
        fair = db.session.scalars(sa.select(Activity).where(Activity.kind == "jobfair")).one()
        for n in range(employers):
            employer = employer_service.create_employer(
                fair,
                employer_service.EmployerInput(
                    name=f"用人单位{n:03d}",
                    kind="private",
                    contact_name="联系人",
                    contact_phone="0919-3152100",
                ),
            )
            for m, title in enumerate(JOBS):
                employer_service.create_posting(
                    employer,
                    employer_service.PostingInput(
                        title=title, positions=1 + (n + m) % 9, pay_min=2500, pay_max=4000, workplace="王益区"
                    ),
                )
        seeker = db.session.scalars(
            sa.select(Registration)
            .where(Registration.activity_id == fair.id)
            .order_by(Registration.id.desc())
        ).first()
        db.session.commit()
        return {"fair": fair.id, "token": seeker.token}


def measure(app, url: str, repeat: int) -> tuple[float, float, int, int]:
    client = app.test_client()
    client.get(url)  # warm up: templates compiled, connections open
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    body = response.get_data()
    return (
        statistics.median(times),
        statistics.quantiles(times, n=20)[-1],
        len(body),
        len(gzip.compress(body)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--employers", type=int, default=100, help="employers added to the demo's dozen")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="eventdesk-bench-"))
    try:
        url = args.database or f"sqlite:///{workdir / 'jobfair.db'}"
        engine = sa.create_engine(url)
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
        print(f"seeding the demo and {args.employers} employers …", flush=True)
        data = seed(app, args.employers)
        pages = {
            "public list of postings": f"/activities/{data['fair']}/postings",
            "a seeker's postings": f"/t/{data['token']}/postings",
            "postings API": f"/api/v1/activities/{data['fair']}/postings",
        }
        dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        postings = (args.employers + 12) * 5
        print(
            f"\n{dialect}, {args.employers + 12} employers, about {postings} postings; {args.repeat} runs\n"
        )
        print("| page | median ms | p95 ms | bytes | gzipped bytes |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, page in pages.items():
            median, p95, size, packed = measure(app, page, args.repeat)
            print(f"| {name} | {median:.1f} | {p95:.1f} | {size:,} | {packed:,} |")
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
