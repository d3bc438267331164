"""Workers killed in the middle of a scan load: scanners retry what went unanswered with the same
client scan ids; every scan answered ``accepted`` is stored, none counts twice, and the tally is
what its facts say."""

import json
import os
import signal
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Scan
from eventdesk.core.services import tally as tally_service
from eventdesk.extensions import db
from tests.support import factories
from tests.support.remote import post_once

pytestmark = pytest.mark.server

TICKETS = 300
SCANNERS = 8
#: How many times the workers may be killed before the test holds that no kill cut a scan.
KILLS = 5
#: How long a scanner keeps retrying one scan before the test gives up on the server.
RETRY_FOR = 60


def scan_until_answered(base_url: str, token: str, body: dict, retries: list) -> dict:
    """Post one scan, again and again with the same client scan id while no answer comes back
    (a connection cut by the killed worker, a 5xx), as the scanner's offline queue does."""
    deadline = time.monotonic() + RETRY_FOR
    while time.monotonic() < deadline:
        answer = post_once(base_url, token, "/scans", body)
        if answer is not None and answer[0] == 200:
            return json.loads(answer[1])
        if answer is None:
            retries.append(body["client_scan_id"])
        time.sleep(0.05)
    raise AssertionError(f"scan {body['client_scan_id']} never answered")


def worker_pids(master: int) -> list[int]:
    output = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in output.stdout.split()]


def test_acknowledged_scans_survive_killed_workers(app, live_server):
    with app.app_context():
        activity = factories.activity()
        tickets = [factories.registration(activity).token for _ in range(TICKETS)]
        scanner = factories.scanner_token(activity)
        db.session.commit()
        activity_id = activity.id
    server = live_server(workers=2)
    workers = worker_pids(server.process.pid)
    assert len(workers) == 2
    bodies = [{"token": ticket, "client_scan_id": str(uuid.uuid4())} for ticket in tickets]
    answered, retries = [], []
    in_flight = 0
    lock = threading.Lock()

    def scan(body):
        nonlocal in_flight
        with lock:
            in_flight += 1
        answer = scan_until_answered(server.url, scanner, body, retries)
        with lock:
            in_flight -= 1
            answered.append((body, answer))
        return answer

    with ThreadPoolExecutor(max_workers=SCANNERS) as pool:
        futures = [pool.submit(scan, body) for body in bodies]
        # Every worker is killed at once while scanners wait on answers, so that scans in flight
        # are cut whichever worker holds them; should the kill fall between two requests, it is
        # done again once the new workers serve, as long as the load lasts.
        served_before_kill = 0
        for _kill in range(KILLS):
            while not retries and len(answered) < TICKETS - SCANNERS:
                if len(answered) > served_before_kill + SCANNERS and in_flight >= SCANNERS // 2:
                    break
                time.sleep(0.005)
            else:
                break
            served_before_kill = len(answered)
            for worker in worker_pids(server.process.pid):
                os.kill(worker, signal.SIGKILL)
            time.sleep(0.5)
        answers = [future.result() for future in futures]

    assert worker_pids(server.process.pid) != workers  # the master replaced the killed worker
    assert retries  # the kill cut scans off in flight, and they were sent again
    assert {answer["result"] for answer in answers} == {"accepted"}
    with app.app_context():
        stored = {
            scan.client_scan_id: scan
            for scan in db.session.scalars(sa.select(Scan).where(Scan.activity_id == activity_id))
        }
        # Every acknowledged scan is in the database, each once, under the id it was answered with.
        assert len(stored) == TICKETS
        for body, answer in answered:
            assert stored[body["client_scan_id"]].id == answer["scan_id"]
            assert stored[body["client_scan_id"]].result == "accepted"
        assert tally_service.stored() == tally_service.facts()
    assert answers[-1]["counts"]["checked_in"] <= TICKETS
    with app.app_context():
        figures = {
            metric: value
            for (_day, figure_activity, _booth, metric), value in tally_service.stored().items()
            if figure_activity == activity_id
        }
    assert figures["checked_in"] == TICKETS
