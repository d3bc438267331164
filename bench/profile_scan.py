"""Where one scan's time goes: first scans in-process on one thread, profiled.

Seeds a database (as bench/checkin.py does), sends first scans through the app's test client
(no network, no concurrency), and prints the time per scan beside /healthz's, the statements
each scan sends to the database, and the share of the time spent waiting for the database's
answers, then the functions that took the most time.

    .venv/bin/python bench/profile_scan.py
    .venv/bin/python bench/profile_scan.py --database postgresql+psycopg://postgres@127.0.0.1/eventdesk_bench
"""

import cProfile
import json
import pstats
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import checkin

SCANS = 500


def main() -> None:
    database_url = checkin.in_process_database(__doc__)
    data = checkin.seed(database_url, tickets=3 * SCANS + 200, warm_tickets=50)

    from eventdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {data['bearer']}", "Content-Type": "application/json"}
    tickets = iter(data["tokens"][50:])

    def scan():
        body = json.dumps({"token": next(tickets), "client_scan_id": str(uuid.uuid4())})
        response = client.post("/api/v1/scans", data=body, headers=headers)
        assert response.status_code == 200
        assert response.get_json()["result"] == "accepted"

    def per_request_ms(function, times: int) -> float:
        started = time.perf_counter()
        for _ in range(times):
            function()
        return (time.perf_counter() - started) / times * 1000

    for _ in range(100):  # warm up: imports, connections, prepared statements
        scan()
        client.get("/healthz")
    health_ms = per_request_ms(lambda: client.get("/healthz"), 1000)

    statements = _count_statements(app, scan, SCANS)
    scan_ms = per_request_ms(scan, SCANS)

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(SCANS):
        scan()
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt
    waiting = sum(
        cumulative
        for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items()
        if (name == "wait" and filename.endswith("psycopg/connection.py"))
        or ("sqlite3." in name and ("execute" in name or "commit" in name))  # builtins: the name says it
    )
    dialect = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(
        f"\n{dialect}, one thread, in-process: /healthz {health_ms:.2f} ms, a first scan {scan_ms:.2f} ms "
        f"(×{scan_ms / health_ms:.1f}); {statements:.1f} statements a scan besides BEGIN and COMMIT; "
        f"under the profiler {waiting / total:.0%} of the time is spent waiting for the database's answers\n"
    )
    stats.sort_stats("tottime").print_stats(15)


def _count_statements(app, scan, times: int) -> float:
    """Statements a scan sends (besides BEGIN and COMMIT): those of the plain-driver check-in
    path and those SQLAlchemy sends."""
    import sqlalchemy as sa

    from eventdesk.core.rawdb import RawConnection
    from eventdesk.extensions import db

    sent = [0]
    translate = RawConnection._sql

    def counted_sql(self, statement):
        sent[0] += 1
        return translate(self, statement)

    def count(*_args, **_kwargs):
        sent[0] += 1

    RawConnection._sql = counted_sql
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        for _ in range(times):
            scan()
    finally:
        RawConnection._sql = translate
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", count)
    return sent[0] / times


if __name__ == "__main__":
    main()
