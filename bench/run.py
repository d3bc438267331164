"""`make bench`: every benchmark in one run, on SQLite and PostgreSQL, printed as one table.

For each database: one gunicorn server with the settings of `make run` (gunicorn.conf.py)
on a database seeded in bulk, driven by wrk from 127.0.0.1. Every load is measured beside
`GET /healthz` at the same concurrency on the same server in the same run, so the ratio says
what a request costs against the server's own ceiling on this machine at this moment:

- check-in: first scans, duplicates, an 80/20 mix (80 % first scans, 20 % duplicates) at 1, 16
  and 64 concurrent scanners, and the mix from 16 scanners that each pause 100 ms between scans;
- registration (16 phones at once);
- a 1,000-scan offline batch (median and worst of 5, against /healthz's p50 at 1 connection);
- the dashboard's live figures and the day's tally, on databases holding 1,000 and 1,000,000 scans.

    make bench
    .venv/bin/python bench/run.py --seconds 5 --databases sqlite
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/eventdesk_bench make bench

PostgreSQL's database is emptied (its schema dropped) first; it is created when missing.
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from bench import checkin, counts

DEFAULT_POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/eventdesk_bench"
CONCURRENCY = (1, 16, 64)
#: The first-scan and mix loads at each concurrency, and the paced mix.
FIRST_SCAN_RUNS = 2 * len(CONCURRENCY) + 1
#: The paced load's scanners each wait this long after an answer before their next scan: far
#: busier than a volunteer at a gate (a scan every few seconds), yet short of the server's
#: ceiling, so that its latencies are a scan's own and not the queue's in front of a saturated
#: server (wrk's other loads send the next request the moment an answer arrives).
PACE_MS = 100
PACE = f"""
function delay()
  return {PACE_MS}
end
"""

REGISTRATION_SCRIPT = """
local thread_id = 0
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tonumber(wrk.thread:get("id"))
end

local headers = {["Content-Type"] = "application/json"}

function request()
  counter = counter + 1
  local body = string.format('{"name": "报名者%(run)d号%%d", "phone": "13%%d%%08d", "consent": true}',
    counter, thread_id, counter)
  return wrk.format("POST", "%(path)s", headers, body)
end
""" + checkin.HEALTH_SCRIPT.replace("%", "%%")

GET_SCRIPT = """
wrk.method = "GET"
wrk.path = "%(path)s"
wrk.headers["Authorization"] = "Bearer %(bearer)s"
wrk.headers["Cookie"] = "%(cookie)s"
""" + checkin.HEALTH_SCRIPT.replace("%", "%%")


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB"
    return f"{os.cpu_count()} cores ({model}){memory}, {platform.system()} {platform.release()}"


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min) / {five:.2f} (5 min)"


def postgresql_ready(url: str) -> bool:
    """Create the benchmark database when missing; False when PostgreSQL does not answer."""
    address = sa.engine.make_url(url)
    admin = sa.create_engine(address.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": address.database}
            )
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{address.database}"')
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL at {address.render_as_string()} does not answer ({error.orig}); skipped")
        return False
    finally:
        admin.dispose()
    return True


def wrk_threads(connections: int) -> int:
    return min(2, connections)


def measure(url: str, script: str, seconds: int, connections: int) -> dict:
    return checkin.wrk(url, script, seconds, connections, wrk_threads(connections))


def health(server, seconds: int, connections: int) -> dict:
    return measure(f"{server.url}/healthz", checkin.HEALTH_SCRIPT, seconds, connections)


def check_in_rows(database_url: str, seconds: int) -> list[dict]:
    data = checkin.seed(database_url, tickets=60_000, warm_tickets=50)
    tokens, warm = data["tokens"], data["warm"]
    batch_tokens = tokens[-5_000:]
    fresh = tokens[50:-5_000]
    share = len(fresh) // FIRST_SCAN_RUNS
    lua_warm = ", ".join(f'"{t}"' for t in warm)
    rows = []
    server = checkin.Server(database_url)
    try:
        checkin.post_json(
            f"{server.url}/api/v1/scans/batch",
            data["bearer"],
            {"scans": [{"token": t, "client_scan_id": str(uuid.uuid4())} for t in warm]},
        )
        health(server, 2, 16)  # warm every worker and thread up before measuring
        run = 0
        for connections in CONCURRENCY:
            warm_up = checkin.warm_up_script(data, wrk_threads(connections), run=1000 + connections)
            measure(f"{server.url}/", warm_up, 2, connections)
            baseline = health(server, seconds, connections)
            rows.append(
                {"load": "GET /healthz", "connections": connections, **baseline, "baseline": baseline}
            )
            loads = [("first", "check-in, first scans", ""), ("duplicate", "check-in, duplicates", ""),
                     ("mix", "check-in, 80/20 mix", "")]  # fmt: skip
            if connections == 16:
                loads.append(("mix", f"check-in, 80/20 mix, {PACE_MS} ms between a scanner's scans", PACE))
            for mode, label, pace in loads:
                # Each load scans tickets of its own, never scanned before.
                own = fresh[run * share : (run + 1) * share] if mode != "duplicate" else fresh[:1]
                if mode != "duplicate":
                    run += 1
                script = checkin.WRK_SCRIPT % {
                    "fresh": ", ".join(f'"{t}"' for t in own),
                    "warm": lua_warm,
                    "mode": mode,
                    "bearer": data["bearer"],
                    "threads": wrk_threads(connections),
                    "booths": ", ".join(map(str, data["booths"])),
                    # Distinct in every load, so that no scan id repeats one already sent.
                    "run": len(rows),
                }
                # The 80/20 mix: 8 of every 10 requests a first scan, 2 a duplicate.
                script = script.replace("r < 6", "r < 8").replace("r == 9", "false") + pace
                result = measure(f"{server.url}/", script, seconds, connections)
                row = {"load": label, "connections": connections, **result, "baseline": baseline}
                # A paced load's rate is set by its pauses: a ratio of it says nothing.
                rows.append(row | {"paced": True} if pace else row)

        baseline = health(server, seconds, 16)
        path = f"/api/v1/activities/{seeded_activity(database_url)}/registrations"
        # The first run warms the registration path up; each run registers people of its own.
        measure(f"{server.url}/", REGISTRATION_SCRIPT % {"path": path, "run": 1}, 2, 16)
        result = measure(f"{server.url}/", REGISTRATION_SCRIPT % {"path": path, "run": 2}, seconds, 16)
        rows.append({"load": "registration", "connections": 16, **result, "baseline": baseline})

        baseline = health(server, seconds, 1)
        times = []
        for round_number in range(5):
            chunk = batch_tokens[round_number * 1000 : (round_number + 1) * 1000]
            body = {"scans": [{"token": t, "client_scan_id": str(uuid.uuid4())} for t in chunk]}
            started = time.perf_counter()
            answer = checkin.post_json(f"{server.url}/api/v1/scans/batch", data["bearer"], body)
            times.append((time.perf_counter() - started) * 1000)
            assert len(answer["results"]) == 1000
            assert {r["result"] for r in answer["results"]} == {"accepted"}
        rows.append({
            "load": "1,000-scan batch", "connections": 1, "batch": (statistics.median(times), max(times)),
            "baseline": baseline,
        })  # fmt: skip
    finally:
        server.stop()
    return rows


def seeded_activity(database_url: str) -> int:
    """The id of the seeded activity (open to registration)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SELECT min(id) FROM activity"))
    finally:
        engine.dispose()


def counts_rows(database_url: str, size: int, seconds: int) -> list[dict]:
    from eventdesk import create_app
    from eventdesk.core.models import User
    from eventdesk.core.services import users
    from eventdesk.extensions import db
    from tests.support.remote import RemoteClient

    counts.reset_schema(database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    data = counts.seed(app, size)
    with app.app_context():
        organizer = db.session.get(User, data["organizer_id"])
        bearer = users.issue_api_token(organizer, hours=2)
        db.session.commit()
        db.engine.dispose()
    rows = []
    server = checkin.Server(database_url)
    try:
        browser = RemoteClient(server.url)
        browser.login("bench@example.org")
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
        health(server, 2, 1)
        baseline = health(server, seconds, 1)
        day = data["day"].isoformat()
        for label, path in (
            ("dashboard figures", f"/dashboard/live?event={data['event']}&date={day}"),
            ("the day's tally", f"/api/v1/tally?date={day}"),
        ):
            script = GET_SCRIPT % {"path": path, "bearer": bearer, "cookie": cookie}
            measure(server.url, script, 2, 2)  # every worker renders it once before it is timed
            result = measure(server.url, script, seconds, 1)
            rows.append(
                {"load": f"{label}, {size:,} scans", "connections": 1, **result, "baseline": baseline}
            )
    finally:
        server.stop()
    return rows


def print_table(results: dict[str, list[dict]]) -> None:
    print("| database | load | concurrent | req/s | p50 / p99 ms | `/healthz` same run, req/s | p50 ms "
          "| ratio | errors |")  # fmt: skip
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for database, rows in results.items():
        for row in rows:
            baseline = row["baseline"]
            if "batch" in row:
                median, worst = row["batch"]
                cells = ["", f"{median:,.0f} / {worst:,.0f} (median / worst of 5)", "", ""]
            else:
                cells = [
                    f"{row['rate']:,.0f}",
                    f"{row['p50']:.1f} / {row['p99']:.1f}",
                    "",
                    "" if row.get("paced") else f"{row['rate'] / baseline['rate']:.2f}",
                ]
            errors = row.get("errors", 0) + row.get("non_2xx", 0)
            print(
                f"| {database} | {row['load']} | {row['connections']} | {cells[0]} | {cells[1]} | "
                f"{baseline['rate']:,.0f} | {baseline['p50']:.1f} | {cells[3]} | {errors} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_POSTGRESQL)
    parser.add_argument("--seconds", type=int, default=5, help="duration of each load")
    parser.add_argument("--sizes", default="1000,1000000", help="scans held for the dashboard and tally")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    sizes = [int(size) for size in args.sizes.split(",")]
    started = time.monotonic()
    load_before = load_average()
    results = {}
    workdir = Path(tempfile.mkdtemp(prefix="eventdesk-bench-"))
    try:
        for name in args.databases.split(","):
            if name == "sqlite":
                url_of = lambda part: f"sqlite:///{workdir / f'{part}.db'}"  # noqa: E731
                label = "SQLite"
            elif name == "postgresql":
                if not postgresql_ready(args.postgresql):
                    continue
                url_of = lambda _part: args.postgresql  # noqa: E731
                label = "PostgreSQL"
            else:
                raise SystemExit(f"unknown database {name}: sqlite or postgresql")
            print(f"{label}: check-in, registration, batch …", file=sys.stderr, flush=True)
            rows = check_in_rows(url_of("checkin"), args.seconds)
            for size in sizes:
                print(f"{label}: dashboard and tally at {size:,} scans …", file=sys.stderr, flush=True)
                rows += counts_rows(url_of(f"counts-{size}"), size, args.seconds)
            results[label] = rows
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"\nMachine: {machine()}; load average {load_before} before, {load_average()} after; "
        f"{time.monotonic() - started:.0f} s in all. gunicorn.conf.py settings (2 gthread workers), "
        f"wrk from 127.0.0.1 on the same cores, {args.seconds} s per load.\n"
    )
    print_table(results)


if __name__ == "__main__":
    main()
