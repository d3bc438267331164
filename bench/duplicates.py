"""What a duplicate costs as one ticket's scans pile up: in-process, one thread.

A ticket scanned again and again (a queue at the gate showing the same screen, a phone
replaying) must not make each of its next scans dearer. Seeds a database (as
bench/checkin.py does), lets one ticket in, then scans it again through the app's test client
and prints the time per duplicate after 200, 1,000 and 3,000 scans of it.

    .venv/bin/python bench/duplicates.py
    .venv/bin/python bench/duplicates.py --database postgresql+psycopg://postgres@127.0.0.1/eventdesk_bench
"""

import json
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import checkin

MEASURED = 200
HISTORIES = (200, 1_000, 3_000)


def main() -> None:
    database_url = checkin.in_process_database(__doc__)
    data = checkin.seed(database_url, tickets=300, warm_tickets=50)

    from eventdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {data['bearer']}", "Content-Type": "application/json"}
    token = data["tokens"][0]

    def scan(expected: str) -> None:
        body = json.dumps({"token": token, "client_scan_id": str(uuid.uuid4())})
        answer = client.post("/api/v1/scans", data=body, headers=headers).get_json()
        assert answer["result"] == expected, answer

    scan("accepted")
    scanned = 1
    print(f"\n{'SQLite' if database_url.startswith('sqlite') else 'PostgreSQL'}, one thread, in-process:")
    for history in HISTORIES:
        while scanned < history - MEASURED:
            scan("duplicate")
            scanned += 1
        started = time.perf_counter()
        for _ in range(MEASURED):
            scan("duplicate")
        scanned += MEASURED
        each = (time.perf_counter() - started) / MEASURED * 1000
        print(f"  {each:.2f} ms a duplicate, over scans {scanned - MEASURED + 1:,}–{scanned:,} of one ticket")


if __name__ == "__main__":
    main()
