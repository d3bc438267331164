"""Check-in throughput and latency under concurrent scanners, against /healthz in the same run.

Starts EventDesk under gunicorn with the settings `make run` uses (gunicorn.conf.py),
seeds a database in bulk, then drives it with wrk (Debian's `wrk` package) from
127.0.0.1: first scans, duplicates and a mix, each for a bounded time, and /healthz the
same way. Prints requests/s, p50/p95/p99 and the ratio to /healthz, then times
1,000-scan offline batches.

    .venv/bin/python bench/checkin.py                      # SQLite
    .venv/bin/python bench/checkin.py --database postgresql+psycopg://postgres@127.0.0.1/eventdesk_bench
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRK_SCRIPT = """
local fresh = {%(fresh)s}
local warm = {%(warm)s}
local mode = "%(mode)s"
local booths = {%(booths)s}
local thread_id = 0
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tonumber(wrk.thread:get("id"))
  counter = 0
end

local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(bearer)s"}

function request()
  counter = counter + 1
  local scan_id = string.format("%%08x-%%04x-4000-8000-%%012x", thread_id, %(run)d, counter)
  local token
  local extra = ""
  local r = counter %% 10
  if mode == "first" or (mode == "mix" and r < 6) then
    -- Each thread walks its own share of never-scanned tickets.
    token = fresh[((counter - 1) * %(threads)d + thread_id) %% #fresh + 1]
  else
    -- Tickets already inside: an "in" is a duplicate.
    token = warm[(counter %% #warm) + 1]
    if mode == "mix" and r == 9 then
      extra = string.format(', "booth_id": %%d', booths[(counter %% #booths) + 1])
    end
  end
  local body = string.format('{"token": "%%s", "client_scan_id": "%%s"%%s}', token, scan_id, extra)
  return wrk.format("POST", "/api/v1/scans", headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%.1f %%.3f %%.3f %%.3f %%d\\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
"""

HEALTH_SCRIPT = """
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %.1f %.3f %.3f %.3f %d\\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_process_database(description: str) -> str:
    """The database an in-process benchmark uses: `--database`, or a fresh SQLite file."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    database = parser.parse_args().database
    return database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='eventdesk-bench-')) / 'bench.db'}"


def seed(database_url: str, tickets: int, warm_tickets: int) -> dict:
    """A migrated database with one activity open all day, booths, `tickets` registrations."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench")
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from eventdesk import create_app
    from eventdesk.core.database import write_intent
    from eventdesk.core.models import Person, Registration, utcnow
    from eventdesk.core.services import credentials
    from eventdesk.core.services import tally as tally_service
    from eventdesk.extensions import db
    from tests.support import factories

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context(), write_intent():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
        activity = factories.activity(booths=6)
        booths = [b.id for b in activity.booths]
        stamp = utcnow()
        db.session.execute(
            sa.insert(Person),
            [
                {"name": f"群众{i}", "phone": f"13{i:09d}", "category": "general", "created_at": stamp}
                for i in range(tickets)
            ],
        )
        person_ids = db.session.scalars(sa.select(Person.id).order_by(Person.id)).all()
        tokens = [uuid.uuid4().hex[:22] for _ in range(tickets)]
        db.session.execute(
            sa.insert(Registration),
            [
                {
                    "activity_id": activity.id,
                    "person_id": pid,
                    "token": token,
                    "ticket_code": f"B{i:07d}",
                    "source": "import",
                    "fields": {},
                    "created_at": stamp,
                    "inside": False,
                }
                for i, (pid, token) in enumerate(zip(person_ids, tokens, strict=True))
            ],
        )
        _credential, bearer, _code = credentials.issue(activity, label="bench", hours=48)
        tally_service.rebuild()
        db.session.commit()
        db.engine.dispose()
    return {"tokens": tokens, "bearer": bearer, "booths": booths, "warm": tokens[:warm_tickets]}


class Server:
    def __init__(self, database_url: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": "false",
            "EVENTDESK_BIND": f"127.0.0.1:{self.port}",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def warm_up_script(data: dict, threads: int, run: int) -> str:
    """Duplicate scans of tickets already inside: they open the pooled connections that many
    scanners use, as a running server has them open, and use no fresh ticket up."""
    lua_warm = ", ".join(f'"{t}"' for t in data["warm"])
    return WRK_SCRIPT % {
        "fresh": lua_warm,
        "warm": lua_warm,
        "mode": "duplicate",
        "bearer": data["bearer"],
        "threads": threads,
        "booths": ", ".join(map(str, data["booths"])),
        "run": run,
    }


def wrk(url: str, script: str, seconds: int, connections: int, threads: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        Path(handle.name).unlink()
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, rate, p50, p95, p99, errors = line.split()[1:]
    non_2xx = 0
    for text in out.splitlines():
        if "Non-2xx or 3xx responses" in text:
            non_2xx = int(text.split(":")[1])
    return {
        "requests": int(requests),
        "rate": float(rate),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "errors": int(errors),
        "non_2xx": non_2xx,
    }


def post_json(url: str, bearer: str, body: dict) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--seconds", type=int, default=8, help="duration of each load (bounded)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent scanners")
    parser.add_argument("--tickets", type=int, default=60_000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="eventdesk-bench-"))
    database_url = args.database or f"sqlite:///{workdir / 'bench.db'}"
    print(f"seeding {args.tickets} tickets into {database_url.split('@')[-1]} …", flush=True)
    data = seed(database_url, args.tickets, warm_tickets=50)
    threads = 2
    server = Server(database_url)
    try:
        # The "duplicate" load re-scans 50 tickets that are already inside.
        post_json(
            f"{server.url}/api/v1/scans/batch",
            data["bearer"],
            {"scans": [{"token": t, "client_scan_id": str(uuid.uuid4())} for t in data["warm"]]},
        )
        fresh = data["tokens"][50:-20_000]
        lua_fresh = ", ".join(f'"{t}"' for t in fresh)
        lua_warm = ", ".join(f'"{t}"' for t in data["warm"])
        rows = []
        # Warm up every worker and thread (imports, pooled connections, caches) before measuring.
        wrk(f"{server.url}/healthz", HEALTH_SCRIPT, 2, args.connections, threads)
        wrk(f"{server.url}/", warm_up_script(data, threads, run=99), 2, args.connections, threads)
        health = wrk(f"{server.url}/healthz", HEALTH_SCRIPT, args.seconds, args.connections, threads)
        rows.append(("GET /healthz (baseline)", health))
        for run, (mode, label) in enumerate(
            [
                ("first", "POST /scans, first scans"),
                ("duplicate", "POST /scans, duplicates"),
                ("mix", "POST /scans, mix: 60 % first, 30 % duplicate, 10 % booth"),
            ]
        ):
            script = WRK_SCRIPT % {
                "fresh": lua_fresh,
                "warm": lua_warm,
                "mode": mode,
                "bearer": data["bearer"],
                "threads": threads,
                "booths": ", ".join(map(str, data["booths"])),
                "run": run,
            }
            rows.append((label, wrk(f"{server.url}/", script, args.seconds, args.connections, threads)))
        health_after = wrk(f"{server.url}/healthz", HEALTH_SCRIPT, args.seconds, args.connections, threads)
        rows.append(("GET /healthz (again, after)", health_after))
        baseline = (health["rate"] + health_after["rate"]) / 2

        batch_times = []
        remaining = data["tokens"][-20_000:]
        for round_number in range(5):
            chunk = remaining[round_number * 1000 : (round_number + 1) * 1000]
            body = {"scans": [{"token": t, "client_scan_id": str(uuid.uuid4())} for t in chunk]}
            started = time.perf_counter()
            answer = post_json(f"{server.url}/api/v1/scans/batch", data["bearer"], body)
            batch_times.append(time.perf_counter() - started)
            assert len(answer["results"]) == 1000
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    dialect = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(
        f"\n{dialect}, {os.cpu_count()} cores, gunicorn.conf.py settings, {args.connections} connections, "
        f"{args.seconds} s each, wrk from 127.0.0.1\n"
    )
    print("| load | requests/s | ratio to /healthz | p50 ms | p95 ms | p99 ms | errors / non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, row in rows:
        print(
            f"| {label} | {row['rate']:,.0f} | {row['rate'] / baseline:.2f} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['p99']:.1f} | {row['errors']} / {row['non_2xx']} |"
        )
    print(
        textwrap.dedent(
            f"""
            1,000-scan batch (first scans), 5 rounds: median {statistics.median(batch_times) * 1000:.0f} ms, \
            max {max(batch_times) * 1000:.0f} ms"""
        ).strip()
    )


if __name__ == "__main__":
    main()
