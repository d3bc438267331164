"""Offline sync: batches judged item by item, replayed safely, bounded in size."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Activity, Scan, ScannerCredential, utcnow
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, scan_rows


@pytest.fixture
def setup(app):
    with app.app_context():
        activity = factories.activity(booths=1)
        tickets = [factories.registration(activity) for _ in range(5)]
        token = factories.scanner_token(activity)
        db.session.commit()
        return {
            "activity_id": activity.id,
            "booth": activity.booths[0].id,
            "tokens": [t.token for t in tickets],
            "scanner": token,
        }


@pytest.fixture
def api(app, setup):
    return Api(app, setup["scanner"])


def item(token, **fields):
    return {"token": token, "client_scan_id": str(uuid.uuid4()), **fields}


def test_batch_is_judged_in_order(api, setup):
    first, second = setup["tokens"][:2]
    scans = [item(first), item(first), item(first, direction="out"), item(second, booth_id=setup["booth"])]
    response = api.post("/scans/batch", {"scans": scans})
    assert response.status_code == 200
    body = response.get_json()
    assert [(r["result"], r["reason"]) for r in body["results"]] == [
        ("accepted", None),
        ("duplicate", "already_in"),
        ("accepted", None),
        ("accepted", None),
    ]
    assert body["counts"]["checked_in"] == 2
    assert body["counts"]["inside"] == 0


def test_batch_interleaving_tickets_entrance_and_booth_keeps_each_tickets_order(app, api, setup):
    a, b, c = setup["tokens"][:3]
    booth = setup["booth"]
    scans = [
        item(a),
        item(b, booth_id=booth),
        item(a),
        item(a, direction="out"),
        item(b),
        item(b, booth_id=booth),
        item(a),
        item(c),
        item(c, direction="out"),
        item(c, direction="out"),
    ]
    body = api.post("/scans/batch", {"scans": scans}).get_json()
    assert [(r["result"], r["reason"]) for r in body["results"]] == [
        ("accepted", None),
        ("accepted", None),
        ("duplicate", "already_in"),
        ("accepted", None),
        ("accepted", None),
        ("duplicate", "already_visited"),
        ("accepted", None),
        ("accepted", None),
        ("accepted", None),
        ("duplicate", "not_inside"),
    ]
    # A duplicate names the accepted scan of the same batch before it.
    assert body["results"][2]["first_seen"]["device"]
    assert body["results"][5]["first_seen"]["device"]
    counts = body["counts"]
    assert (counts["checked_in"], counts["inside"], counts["duplicates"]) == (3, 2, 3)
    assert counts["booths"][0]["visits"] == 1
    assert len(scan_rows(app)) == len(scans)


def test_each_duplicate_of_a_batch_names_where_its_own_ticket_was_first_accepted(app):
    """A queue of duplicates is explained in one look-up; each answer still names its own
    ticket's first acceptance: at the entrance, or at that very booth."""
    with app.app_context():
        activity = factories.activity(booths=2)
        a, b = (factories.registration(activity) for _ in range(2))
        booth_1, booth_2 = (booth.id for booth in activity.booths)
        labels = ("东门", "展位一", "展位二")
        devices = {label: factories.scanner_token(activity, label=label) for label in labels}
        db.session.commit()
        a, b, activity_id = a.token, b.token, activity.id
    first_seen = {}
    firsts = ((a, None, "东门"), (a, booth_1, "展位一"), (a, booth_2, "展位二"), (b, booth_2, "展位一"))
    for ticket, booth, label in firsts:
        answer = Api(app, devices[label]).scan(ticket, booth_id=booth, activity_id=activity_id)
        assert answer["result"] == "accepted"
        first_seen[(ticket, booth)] = answer
    queue = [
        item(b, booth_id=booth_2),
        item(a, booth_id=booth_1),
        item(a),
        item(a, booth_id=booth_2),
        item(b),
    ]
    body = Api(app, devices["东门"]).post("/scans/batch", {"scans": queue}).get_json()
    assert [(r["result"], r["reason"]) for r in body["results"]] == [
        ("duplicate", "already_visited"),
        ("duplicate", "already_visited"),
        ("duplicate", "already_in"),
        ("duplicate", "already_visited"),
        ("accepted", None),
    ]
    expected = [(b, booth_2, "展位一"), (a, booth_1, "展位一"), (a, None, "东门"), (a, booth_2, "展位二")]
    for result, (ticket, booth, device) in zip(body["results"], expected, strict=False):
        assert result["first_seen"]["device"] == device
        with app.app_context():
            first_at = db.session.get(Scan, first_seen[(ticket, booth)]["scan_id"]).counted_at
        beijing = dt.timezone(dt.timedelta(hours=8))
        assert result["first_seen"]["at"] == first_at.astimezone(beijing).replace(microsecond=0).isoformat()
    assert "first_seen" not in body["results"][4]


def test_batch_replayed_twice_counts_once(app, api, setup):
    scans = [item(token) for token in setup["tokens"]]
    first = api.post("/scans/batch", {"scans": scans}).get_json()
    again = api.post("/scans/batch", {"scans": scans}).get_json()
    assert [r["scan_id"] for r in again["results"]] == [r["scan_id"] for r in first["results"]]
    assert {r["result"] for r in again["results"]} == {"accepted"}
    assert again["counts"]["checked_in"] == len(scans)
    assert again["counts"]["scans"] == len(scans)
    assert len(scan_rows(app)) == len(scans)


def test_partly_synced_batch_resent_with_more(app, api, setup):
    """A sync cut off after the server stored the first half: the retry sends everything again."""
    scans = [item(token) for token in setup["tokens"]]
    api.post("/scans/batch", {"scans": scans[:2]})
    body = api.post("/scans/batch", {"scans": scans}).get_json()
    assert [r["result"] for r in body["results"]] == ["accepted"] * len(scans)
    assert body["counts"]["checked_in"] == len(scans)
    assert len(scan_rows(app)) == len(scans)


def test_same_scan_id_twice_in_one_batch(app, api, setup):
    scan = item(setup["tokens"][0])
    changed = {**scan, "direction": "out"}
    body = api.post("/scans/batch", {"scans": [scan, scan, changed]}).get_json()
    results = body["results"]
    assert results[0] == results[1]
    assert (results[2]["result"], results[2]["reason"]) == ("rejected", "client_scan_id_reused")
    assert len(scan_rows(app)) == 1


def test_bad_items_are_rejected_and_the_rest_go_on(app, api, setup):
    scans = [
        item(setup["tokens"][0]),
        {"client_scan_id": "nope", "token": "x"},
        "not even an object",
        {"token": setup["tokens"][1]},
        item(setup["tokens"][2], booth_id="seven"),
        item(setup["tokens"][3]),
    ]
    body = api.post("/scans/batch", {"scans": scans}).get_json()
    assert [(r["result"], r["reason"]) for r in body["results"]] == [
        ("accepted", None),
        ("rejected", "malformed"),
        ("rejected", "malformed"),
        ("rejected", "malformed"),
        ("rejected", "malformed"),
        ("accepted", None),
    ]
    assert len(scan_rows(app)) == 2


def test_walk_ins_sync_in_a_batch(api, setup):
    scans = [
        {"kind": "walkin", "client_scan_id": str(uuid.uuid4()), "count": 4},
        {"kind": "walkin", "client_scan_id": str(uuid.uuid4()), "count": 2, "booth_id": setup["booth"]},
    ]
    body = api.post("/scans/batch", {"scans": scans}).get_json()
    assert [r["result"] for r in body["results"]] == ["accepted", "accepted"]
    assert body["counts"]["walk_ins"] == 4
    assert body["counts"]["booth_visits"] == 2


def test_batch_of_1001_is_413_and_writes_nothing(app, api, setup):
    scans = [item(setup["tokens"][i % 5]) for i in range(1001)]
    response = api.post("/scans/batch", {"scans": scans})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "batch_too_large"
    assert scan_rows(app) == []


def test_batch_of_1000_spans_several_transactions(app, api, setup):
    scans = [
        item(setup["tokens"][i % 5], direction="in" if (i // 5) % 2 == 0 else "out") for i in range(1000)
    ]
    body = api.post("/scans/batch", {"scans": scans}).get_json()
    assert len(body["results"]) == 1000
    # Alternating in/out on five tickets: every scan changes the ticket's state.
    assert {r["result"] for r in body["results"]} == {"accepted"}
    assert body["counts"]["scans"] == 1000
    assert body["counts"]["inside"] == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 1000


@pytest.mark.parametrize("body", [{}, {"scans": None}, {"scans": {"a": 1}}, {"scans": "x"}])
def test_batch_envelope_must_hold_a_list(api, body):
    response = api.post("/scans/batch", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_field"


def test_expired_credential_syncs_scans_made_before_expiry(app, api, setup):
    with app.app_context():
        credential = db.session.scalar(sa.select(ScannerCredential))
        credential.expires_at = utcnow() - dt.timedelta(minutes=10)
        db.session.commit()
    before = (utcnow() - dt.timedelta(minutes=30)).isoformat()
    after = (utcnow() - dt.timedelta(minutes=5)).isoformat()
    scans = [item(setup["tokens"][0], scanned_at=before), item(setup["tokens"][1], scanned_at=after)]
    body = api.post("/scans/batch", {"scans": scans}).get_json()
    results = [(r["result"], r["reason"]) for r in body["results"]]
    assert results[1] == ("rejected", "credential_expired")
    # The first counts unless the half hour fell before the activity opened at local midnight.
    assert results[0] in [("accepted", None), ("rejected", "not_open")]
    # Live scans stay refused.
    assert api.post("/scans", item(setup["tokens"][2])).status_code == 401


def test_batch_with_only_bad_items_still_answers(api):
    body = api.post("/scans/batch", {"scans": [{"bad": True}]}).get_json()
    assert body["results"][0]["reason"] == "malformed"


def test_empty_batch(api):
    body = api.post("/scans/batch", {"scans": []}).get_json()
    assert body["results"] == []


def test_batch_for_another_activity_is_refused(app, api, setup):
    with app.app_context():
        other_id = factories.activity().id
        db.session.commit()
    response = api.post("/scans/batch", {"scans": [item(setup["tokens"][0], activity_id=other_id)]})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Activity, setup["activity_id"]) is not None
