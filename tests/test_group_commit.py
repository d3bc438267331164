"""Scans that arrive at one worker together are judged in one transaction, each as if alone.

The first scan's judging is held until the others wait behind it, so that the group is known:
then every answer, the stored scans and the tally are checked against what each scan alone gets.
"""

import http.client
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from eventdesk.api.scans import GROUP_COMMIT
from eventdesk.core.models import Registration, Scan, ScannerCredential, TallyCount, utcnow
from eventdesk.core.scans.group_commit import GroupCommit
from eventdesk.extensions import db
from tests.support import factories


def _post_scan(base_url: str, bearer: str, body: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=30)
    try:
        connection.request(
            "POST",
            "/api/v1/scans",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def _scan_together(app, monkeypatch, base_url: str, first: tuple[str, dict], others: list[tuple[str, dict]]):
    """Send `first` and hold its judging while `others` arrive one after another, so that they
    are judged together, in that order, as the next group. Returns the answers in the order
    given and the sizes of the groups judged."""
    group_commit: GroupCommit = app.extensions[GROUP_COMMIT]
    judge_together = group_commit._judge_together
    groups: list[int] = []
    held = threading.Event()

    def judge_held_first(connection, items):
        if not groups:
            held.set()
            _wait_for(lambda: group_commit.waiting == len(others), "the scans to gather")
        groups.append(len(items))
        judge_together(connection, items)

    monkeypatch.setattr(group_commit, "_judge_together", judge_held_first)
    with ThreadPoolExecutor(max_workers=1 + len(others)) as pool:
        leader = pool.submit(_post_scan, base_url, *first)
        assert held.wait(timeout=10)
        followers = []
        for number, request in enumerate(others, start=1):
            followers.append(pool.submit(_post_scan, base_url, *request))
            if number < len(others):  # the last one lets the first go on, and the group with it
                _wait_for(lambda number=number: group_commit.waiting == number, "a scan to wait its turn")
        return [leader.result(), *(future.result() for future in followers)], groups


@pytest.fixture
def venue(app):
    with app.app_context():
        activity = factories.activity(booths=1)
        tickets = [factories.registration(activity, factories.person(name=f"王小{i}")) for i in range(4)]
        data = {
            "activity_id": activity.id,
            "booth": activity.booths[0].id,
            "tickets": [ticket.token for ticket in tickets],
            "gate_1": factories.scanner_token(activity, label="东门一号"),
            "gate_2": factories.scanner_token(activity, label="东门二号"),
            "at_booth": factories.scanner_token(activity, booth_=activity.booths[0], label="展位志愿者"),
            "revoked_elsewhere": factories.scanner_token(activity, label="已收回的手机"),
        }
        db.session.commit()
    return data


def _scan(ticket: str, **extra) -> dict:
    return {"token": ticket, "client_scan_id": str(uuid.uuid4()), **extra}


def test_scans_from_several_devices_arriving_together_are_each_judged_as_alone(
    app, monkeypatch, in_process_server, venue
):
    base_url = in_process_server(app)
    first_ticket, second_ticket, third_ticket, _ = venue["tickets"]
    # A device revoked on another host: this worker still remembers its credential.
    assert _post_scan(base_url, venue["revoked_elsewhere"], _scan(third_ticket))[0] == 200
    with app.app_context():
        db.session.execute(
            sa.update(ScannerCredential)
            .where(ScannerCredential.label == "已收回的手机")
            .values(revoked_at=utcnow())
        )
        db.session.commit()
    retried = _scan(second_ticket)
    answers, groups = _scan_together(
        app,
        monkeypatch,
        base_url,
        (venue["gate_1"], _scan(first_ticket)),
        [
            (venue["gate_1"], retried),
            (venue["gate_1"], retried),
            (venue["gate_2"], _scan(second_ticket)),
            (venue["gate_2"], _scan(first_ticket)),
            (venue["at_booth"], _scan(first_ticket)),
            (venue["revoked_elsewhere"], _scan(third_ticket, direction="out")),
            (venue["gate_2"], _scan("not-a-ticket-of-ours")),
            (venue["gate_1"], _scan(first_ticket)),
        ],
    )
    assert groups == [1, 8]
    (first, retry_1, retry_2, same_ticket, again, booth, revoked, unknown, again_at_gate_1) = answers
    assert first[0] == 200
    assert first[1]["result"] == "accepted"
    assert retry_1[0] == 200
    assert retry_1[1]["result"] == "accepted"
    assert retry_2 == retry_1
    # Two devices, one ticket, one transaction: one acceptance, and the other is told by whom.
    assert same_ticket[0] == 200
    assert (same_ticket[1]["result"], same_ticket[1]["reason"]) == ("duplicate", "already_in")
    assert same_ticket[1]["first_seen"]["device"] == "东门一号"
    assert (again[1]["result"], again[1]["reason"]) == ("duplicate", "already_in")
    # The duplicates of the group's several scanners are each told who let the ticket in.
    for duplicate in (again, again_at_gate_1):
        assert duplicate[1]["first_seen"]["device"] == "东门一号"
    assert booth[0] == 200
    assert booth[1]["result"] == "accepted"
    assert revoked[0] == 401
    assert revoked[1]["error"]["code"] == "credential_revoked"
    assert unknown[0] == 200
    assert (unknown[1]["result"], unknown[1]["reason"]) == ("rejected", "unknown_token")
    # Each answer of the group carries the counts after the group.
    counts = retry_1[1]["counts"]
    others = (same_ticket, again, booth, unknown, again_at_gate_1)
    assert all(answer[1]["counts"] == counts for answer in others)
    assert (counts["checked_in"], counts["inside"], counts["booth_visits"]) == (3, 3, 1)
    assert (counts["scans"], counts["duplicates"], counts["rejected"]) == (8, 3, 1)
    with app.app_context():
        stored = db.session.scalars(sa.select(Scan.client_scan_id)).all()
        tally = dict(
            db.session.execute(
                sa.select(TallyCount.metric, sa.func.sum(TallyCount.value)).group_by(TallyCount.metric)
            ).all()
        )
    # The revoked device's scan is not stored, the retried one is stored once.
    assert len(stored) == 8
    assert stored.count(retried["client_scan_id"]) == 1
    assert (tally["scans"], tally["duplicates"], tally["rejected"], tally["checked_in"]) == (8, 3, 1, 3)


def test_one_scan_id_sent_by_two_devices_of_a_group_is_stored_once(
    app, monkeypatch, in_process_server, venue
):
    base_url = in_process_server(app)
    first_ticket, second_ticket, third_ticket, fourth_ticket = venue["tickets"]
    shared_id = str(uuid.uuid4())
    answers, groups = _scan_together(
        app,
        monkeypatch,
        base_url,
        (venue["gate_1"], _scan(fourth_ticket)),
        [
            (venue["gate_1"], {"token": first_ticket, "client_scan_id": shared_id}),
            (venue["gate_2"], {"token": second_ticket, "client_scan_id": shared_id}),
            (venue["gate_2"], _scan(third_ticket)),
        ],
    )
    assert groups == [1, 3]
    (_first, stored_first, reused, other) = answers
    assert stored_first[0] == 200
    assert stored_first[1]["result"] == "accepted"
    assert reused[0] == 409
    assert reused[1]["error"]["code"] == "client_scan_id_reused"
    assert other[0] == 200
    assert other[1]["result"] == "accepted"
    assert other[1]["counts"]["checked_in"] == 3
    with app.app_context():
        shared = db.session.scalars(
            sa.select(Scan.registration_id).where(Scan.client_scan_id == shared_id)
        ).all()
        first_id = db.session.scalar(sa.select(Registration.id).where(Registration.token == first_ticket))
        checked_in = db.session.scalar(
            sa.select(sa.func.sum(TallyCount.value)).where(TallyCount.metric == "checked_in")
        )
    assert shared == [first_id]
    assert checked_in == 3


def test_a_group_that_fails_fails_in_every_thread_of_it_and_the_next_group_is_judged():
    judged: list[list[str]] = []
    first_held = threading.Event()

    def judge_together(_connection, items):
        if not judged:
            first_held.set()
            _wait_for(lambda: group_commit.waiting == 3, "the items to gather")
        judged.append(list(items))
        if "bad" in items:
            raise RuntimeError("the database went away")

    group_commit = GroupCommit(judge_together)

    def judge(item):
        try:
            group_commit.judge(None, item)
        except RuntimeError as error:
            return str(error)
        return "judged"

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(judge, "first")
        assert first_held.wait(timeout=10)
        rest = []
        for number, item in enumerate(("bad", "second", "third"), start=1):
            rest.append(pool.submit(judge, item))
            if number < 3:
                _wait_for(lambda number=number: group_commit.waiting == number, "an item to wait its turn")
        answers = [first.result(), *(future.result() for future in rest)]
    assert judged == [["first"], ["bad", "second", "third"]]
    assert answers == ["judged"] + ["the database went away"] * 3
    assert judge("after") == "judged"
    assert judged[-1] == ["after"]
    assert group_commit.waiting == 0
