"""Where the machine's CPU goes per request under load: first scans beside /healthz.

Seeds a database (as bench/checkin.py does), starts EventDesk under gunicorn with the settings
`make run` uses, drives it with wrk at 16 connections, and reads from /proc the CPU time that
the app's workers (user and kernel), PostgreSQL's processes and the rest of the machine spent,
and how long the cores stood idle, each divided by the requests answered.

    .venv/bin/python bench/cpu_share.py                      # SQLite
    .venv/bin/python bench/cpu_share.py --database postgresql+psycopg://postgres@127.0.0.1/eventdesk_bench
"""

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import checkin

CONNECTIONS = 16
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    """CPU seconds spent so far: by the app's workers (and of that in the kernel), by
    PostgreSQL, by the whole machine, and idle."""

    app: float
    app_kernel: float
    database: float
    machine: float
    idle: float


def _process_seconds(pid: int) -> tuple[float, float]:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # ended meanwhile
        return 0.0, 0.0
    user, kernel = int(fields[11]) / TICKS, int(fields[12]) / TICKS
    return user + kernel, kernel


def _pids(*command: str) -> list[int]:
    return [int(pid) for pid in subprocess.run(command, capture_output=True, text=True).stdout.split()]


def sample(master: int) -> Sample:
    workers = [_process_seconds(pid) for pid in _pids("ps", "-o", "pid=", "--ppid", str(master))]
    # Every PostgreSQL process, those that serve the app's connections included.
    database = sum(_process_seconds(pid)[0] for pid in _pids("pgrep", "-x", "postgres"))
    ticks = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return Sample(
        app=sum(total for total, _kernel in workers),
        app_kernel=sum(kernel for _total, kernel in workers),
        database=database,
        machine=sum(ticks) / TICKS,
        idle=(ticks[3] + ticks[4]) / TICKS,
    )


def measure(server: checkin.Server, label: str, url: str, script: str, seconds: int) -> None:
    before = sample(server.process.pid)
    result = checkin.wrk(url, script, seconds, CONNECTIONS, 2)
    after = sample(server.process.pid)
    per_request = 1000 / result["requests"]
    app = (after.app - before.app) * per_request
    database = (after.database - before.database) * per_request
    idle = (after.idle - before.idle) * per_request
    rest = (after.machine - before.machine) * per_request - app - database - idle
    kernel = (after.app_kernel - before.app_kernel) * per_request
    print(
        f"{label:<12} {result['rate']:7.0f} req/s  p99 {result['p99']:6.1f} ms  | ms of CPU a request: "
        f"app {app:.2f} (kernel {kernel:.2f})  PostgreSQL {database:.2f}  rest {rest:.2f}  idle {idle:.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--seconds", type=int, default=8, help="length of each load (default 8)")
    args = parser.parse_args()
    database_url = args.database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='eventdesk-cpu-')) / 'c.db'}"
    data = checkin.seed(database_url, tickets=30_000, warm_tickets=50)
    server = checkin.Server(database_url)
    first_scans = checkin.WRK_SCRIPT % {
        "fresh": ", ".join(f'"{token}"' for token in data["tokens"][50:]),
        "warm": ", ".join(f'"{token}"' for token in data["warm"]),
        "mode": "first",
        "bearer": data["bearer"],
        "threads": 2,
        "booths": ", ".join(map(str, data["booths"])),
        "run": 1,
    }
    try:
        checkin.wrk(f"{server.url}/healthz", checkin.HEALTH_SCRIPT, 2, CONNECTIONS, 2)  # warm up
        measure(server, "GET /healthz", f"{server.url}/healthz", checkin.HEALTH_SCRIPT, args.seconds)
        measure(server, "first scans", f"{server.url}/", first_scans, args.seconds)
        measure(server, "GET /healthz", f"{server.url}/healthz", checkin.HEALTH_SCRIPT, args.seconds)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
