"""The scan rules of API.md over HTTP: a JSON scan in, the judged answer and the stored facts out."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Registration, TallyCount, utcnow
from eventdesk.core.services import credentials
from eventdesk.extensions import db
from tests.support import factories
from tests.support.api import Api, new_id, scan_rows


@pytest.fixture
def setup(app):
    """An activity open all day with two booths, a registered ticket, and a scanner credential."""
    with app.app_context():
        activity = factories.activity(booths=2)
        booth_a, booth_b = activity.booths
        ticket = factories.registration(activity, factories.person(name="张三丰"))
        token = factories.scanner_token(activity)
        db.session.commit()
        data = {
            "activity_id": activity.id,
            "event_id": activity.event_id,
            "booths": [booth_a.id, booth_b.id],
            "ticket_token": ticket.token,
            "ticket_code": ticket.ticket_code,
            "registration_id": ticket.id,
            "scanner": token,
        }
    return data


@pytest.fixture
def api(app, setup):
    return Api(app, setup["scanner"])


def test_entrance_in_out_and_reentry(api, setup):
    token = setup["ticket_token"]
    first = api.scan(token)
    assert first["result"] == "accepted"
    assert first["reason"] is None
    assert first["person"] == {"name_masked": "张*丰", "category": "general"}
    assert first["counts"]["checked_in"] == 1
    assert first["counts"]["inside"] == 1
    assert first["counts"]["attendance"] == 1

    again = api.scan(token)
    assert again["result"] == "duplicate"
    assert again["reason"] == "already_in"
    assert again["first_seen"]["device"] == "志愿者小王"
    assert again["first_seen"]["at"].endswith("+08:00")
    assert again["counts"]["checked_in"] == 1

    out = api.scan(token, direction="out")
    assert out["result"] == "accepted"
    assert out["counts"]["inside"] == 0
    out_again = api.scan(token, direction="out")
    assert (out_again["result"], out_again["reason"]) == ("duplicate", "not_inside")

    back = api.scan(token, direction="in")
    assert back["result"] == "accepted"
    counts = back["counts"]
    assert (counts["checked_in"], counts["inside"], counts["scans"], counts["duplicates"]) == (1, 1, 5, 2)


def test_out_before_any_in_is_a_duplicate(api, setup):
    answer = api.scan(setup["ticket_token"], direction="out")
    assert (answer["result"], answer["reason"]) == ("duplicate", "not_inside")
    assert answer["counts"]["checked_in"] == 0


def test_booth_visit_checks_in_and_counts_once_per_booth(api, setup):
    booth_a, booth_b = setup["booths"]
    token = setup["ticket_token"]
    first = api.scan(token, booth_id=booth_a)
    assert first["result"] == "accepted"
    assert first["counts"]["checked_in"] == 1
    assert first["counts"]["inside"] == 0  # only the entrance makes people "inside"
    assert first["counts"]["booth_visits"] == 1
    again = api.scan(token, booth_id=booth_a, direction="out")  # direction does not apply at booths
    assert (again["result"], again["reason"]) == ("duplicate", "already_visited")
    assert "first_seen" in again
    other = api.scan(token, booth_id=booth_b)
    assert other["result"] == "accepted"
    assert other["counts"]["booth_visits"] == 2
    assert other["counts"]["checked_in"] == 1
    assert {b["id"]: b["visits"] for b in other["counts"]["booths"]} == {booth_a: 1, booth_b: 1}
    # Entering afterwards is still accepted, and does not check in twice.
    entered = api.scan(token)
    assert entered["result"] == "accepted"
    assert entered["counts"]["checked_in"] == 1


@pytest.mark.parametrize("field", ["ticket_code", "registration_id"])
def test_ticket_found_by_code_or_registration_id(api, setup, field):
    body = {field: setup[field], "client_scan_id": new_id()}
    answer = api.post("/scans", body).get_json()
    assert answer["result"] == "accepted"


def test_ticket_code_is_read_forgivingly(api, setup):
    code = setup["ticket_code"]
    spaced = f" {code[:4].lower()}-{code[4:]} "
    answer = api.post("/scans", {"ticket_code": spaced, "client_scan_id": new_id()}).get_json()
    assert answer["result"] == "accepted"


def test_whole_ticket_url_is_accepted(api, setup):
    answer = api.scan(f"https://eventdesk.example.gov.cn/t/{setup['ticket_token']}")
    assert answer["result"] == "accepted"


@pytest.mark.parametrize(
    "presented",
    [
        "Xq3vN0pLm8sT2wYz5aBcDe",  # the shape of a token, but no such ticket (forged)
        "https://weixin.qq.com/r/abcdefghijklmnop",  # somebody else's QR code
        "WIFI:S:venue;T:WPA;P:secret;;",
        "\U0001f600\u202e\u0000 ticket",  # odd Unicode
        "x" * 2048,
    ],
)
def test_forged_or_foreign_codes_are_unknown(app, api, presented):
    answer = api.scan(presented)
    assert (answer["result"], answer["reason"]) == ("rejected", "unknown_token")
    assert answer["person"] is None
    assert answer["counts"]["rejected"] == 1
    [row] = scan_rows(app)
    assert (row.result, row.reason, row.registration_id) == ("rejected", "unknown_token", None)


def test_ticket_of_another_activity_names_the_right_one(app, api, setup):
    with app.app_context():
        from eventdesk.core.models import Event

        event = db.session.get(Event, setup["event_id"])
        other = factories.activity(event)
        foreign = factories.registration(other)
        db.session.commit()
        foreign_token, other_id, other_name = foreign.token, other.id, other.name
    answer = api.scan(foreign_token)
    assert (answer["result"], answer["reason"]) == ("rejected", "wrong_activity")
    assert answer["expected_activity"] == {"id": other_id, "name": other_name}


def test_ticket_of_another_event(app, api):
    with app.app_context():
        foreign = factories.registration(factories.activity())
        db.session.commit()
        foreign_token = foreign.token
    answer = api.scan(foreign_token)
    assert (answer["result"], answer["reason"]) == ("rejected", "wrong_event")
    assert "expected_activity" not in answer


def test_revoked_ticket_is_rejected(app, api, setup):
    with app.app_context():
        from eventdesk.core.services import registrations

        registrations.revoke(db.session.get(Registration, setup["registration_id"]))
        db.session.commit()
    answer = api.scan(setup["ticket_token"])
    assert (answer["result"], answer["reason"]) == ("rejected", "revoked")
    assert answer["counts"]["checked_in"] == 0


@pytest.mark.parametrize("inside", [False, True], ids=["arriving", "already-inside"])
def test_ticket_cancelled_while_its_scan_is_on_the_way_is_refused(app, api, setup, monkeypatch, inside):
    """The ticket is looked up valid, then cancelled at the desk before the scan is written:
    the scan is refused as revoked (not accepted, not a duplicate) and nobody is let in."""
    from eventdesk.core.scans import service
    from eventdesk.core.services import registrations

    if inside:
        assert api.scan(setup["ticket_token"])["result"] == "accepted"
    look_up = service._Judge.load

    def look_up_then_cancel(judge, requests):
        look_up(judge, requests)
        with app.app_context():
            registrations.revoke(db.session.get(Registration, setup["registration_id"]))
            db.session.commit()

    monkeypatch.setattr(service._Judge, "load", look_up_then_cancel)
    answer = api.scan(setup["ticket_token"])
    assert (answer["result"], answer["reason"]) == ("rejected", "revoked")
    assert answer["counts"]["checked_in"] == (1 if inside else 0)
    with app.app_context():
        ticket = db.session.get(Registration, setup["registration_id"])
        assert ticket.inside is inside


def test_outside_opening_hours_is_not_open(app, setup):
    with app.app_context():
        now = utcnow()
        activity = factories.activity(
            opens_at=now + dt.timedelta(hours=2), closes_at=now + dt.timedelta(hours=5)
        )
        ticket = factories.registration(activity)
        token = factories.scanner_token(activity)
        db.session.commit()
        ticket_token = ticket.token
    answer = Api(app, token).scan(ticket_token)
    assert (answer["result"], answer["reason"]) == ("rejected", "not_open")


def test_booth_bound_credential_refuses_other_booths(app, setup):
    booth_a, booth_b = setup["booths"]
    with app.app_context():
        from eventdesk.core.models import Activity, Booth

        activity = db.session.get(Activity, setup["activity_id"])
        token = factories.scanner_token(activity, booth_=db.session.get(Booth, booth_a))
        db.session.commit()
    bound = Api(app, token)
    # Without a booth, a booth-bound device scans at its own booth.
    own = bound.scan(setup["ticket_token"])
    assert own["result"] == "accepted"
    assert own["counts"]["booth_visits"] == 1
    other = bound.scan(setup["ticket_token"], booth_id=booth_b)
    assert (other["result"], other["reason"]) == ("rejected", "wrong_booth")


def test_booth_of_another_activity_is_refused(app, api, setup):
    with app.app_context():
        stranger = factories.booth(factories.activity())
        db.session.commit()
        stranger_id = stranger.id
    answer = api.scan(setup["ticket_token"], booth_id=stranger_id)
    assert (answer["result"], answer["reason"]) == ("rejected", "wrong_booth")
    [row] = scan_rows(app)
    assert row.booth_id is None


def test_replay_returns_the_first_answer_and_counts_once(app, api, setup):
    body = {"token": setup["ticket_token"], "client_scan_id": new_id()}
    first = api.post("/scans", body).get_json()
    replay = api.post("/scans", body).get_json()
    assert replay["scan_id"] == first["scan_id"]
    assert replay["result"] == "accepted"
    assert replay["counts"]["checked_in"] == 1
    assert replay["counts"]["scans"] == 1
    assert len(scan_rows(app)) == 1


def test_reused_scan_id_with_other_content_is_refused(app, api, setup):
    body = {"token": setup["ticket_token"], "client_scan_id": new_id()}
    api.post("/scans", body)
    response = api.post("/scans", {**body, "direction": "out"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "client_scan_id_reused"
    [row] = scan_rows(app)
    assert row.direction == "in"


def test_offline_scan_counts_at_device_time(app, api, setup):
    # An hour ago is plausible: the scan counts then (and for that day).
    earlier = (utcnow() - dt.timedelta(hours=1)).replace(microsecond=0)
    answer = api.scan(setup["ticket_token"], scanned_at=earlier.isoformat())
    assert answer["result"] in ("accepted", "rejected")  # rejected only if the hour fell before midnight
    [row] = scan_rows(app)
    assert row.counted_at == earlier
    assert row.scanned_at == earlier


@pytest.mark.parametrize("offset", [dt.timedelta(hours=49), -dt.timedelta(minutes=6)])
def test_implausible_device_time_falls_back_to_server_time(app, api, setup, offset):
    claimed = utcnow() - offset
    api.scan(setup["ticket_token"], scanned_at=claimed.isoformat())
    [row] = scan_rows(app)
    assert row.scanned_at == claimed.replace(microsecond=claimed.microsecond)
    assert abs(row.counted_at - row.received_at) < dt.timedelta(seconds=1)


def test_walk_ins_at_entrance_and_booth(api, setup):
    booth_a = setup["booths"][0]
    entrance = api.post("/walkins", {"client_scan_id": new_id(), "count": 3}).get_json()
    assert entrance["result"] == "accepted"
    assert entrance["counts"]["walk_ins"] == 3
    assert entrance["counts"]["attendance"] == 3
    booth = api.post("/walkins", {"client_scan_id": new_id(), "count": 2, "booth_id": booth_a}).get_json()
    assert booth["counts"]["walk_ins"] == 3
    assert booth["counts"]["booth_visits"] == 2
    assert booth["counts"]["booths"][0]["walk_ins"] == 2


@pytest.mark.parametrize("count", [0, -1, 501, "3", True, 1.5, None])
def test_walk_in_counts_must_be_sensible(api, count):
    response = api.post("/walkins", {"client_scan_id": new_id(), "count": count})
    if count is None:  # the count defaults to one person
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "malformed"


@pytest.mark.parametrize(
    "body",
    [
        {"token": "abc"},  # no client scan id
        {"client_scan_id": "not-a-uuid", "token": "abc"},
        {"client_scan_id": str(uuid.uuid4())},  # no ticket named
        {"client_scan_id": str(uuid.uuid4()), "token": "a", "ticket_code": "b"},  # two named
        {"client_scan_id": str(uuid.uuid4()), "token": 12345},
        {"client_scan_id": str(uuid.uuid4()), "registration_id": "12"},
        {"client_scan_id": str(uuid.uuid4()), "registration_id": True},
        {"client_scan_id": str(uuid.uuid4()), "token": "abc", "direction": "sideways"},
        {"client_scan_id": str(uuid.uuid4()), "token": "abc", "booth_id": "1"},
        {"client_scan_id": str(uuid.uuid4()), "token": "abc", "scanned_at": "yesterday"},
        {"client_scan_id": str(uuid.uuid4()), "token": "abc", "scanned_at": "2026-10-17T09:00:00"},
        {"client_scan_id": str(uuid.uuid4()), "token": "x" * 3000},
    ],
)
def test_malformed_scans_are_400_and_store_nothing(app, api, body):
    response = api.post("/scans", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "malformed"
    assert scan_rows(app) == []


@pytest.mark.parametrize("raw", [b"", b"{", b"[1, 2]", b"null", b'"text"', b"\xff\xfe", b"[" * 100000])
def test_malformed_json_is_400(api, raw):
    response = api.http.post(
        "/api/v1/scans",
        data=raw,
        headers={"Authorization": f"Bearer {api.token}"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_huge_body_is_413(app, api):
    response = api.http.post(
        "/api/v1/scans/batch",
        data=b'{"scans": [' + b" " * (3 * 1024 * 1024) + b"]}",
        headers={"Authorization": f"Bearer {api.token}"},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "body_too_large"


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Token abc"])
def test_missing_or_bad_credential_is_401(api, setup, header):
    headers = {"Authorization": header} if header is not None else {"Authorization": ""}
    response = api.post("/scans", {"token": setup["ticket_token"], "client_scan_id": new_id()}, **headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_expired_credential_is_401_for_live_scans(app, setup):
    with app.app_context():
        from eventdesk.core.models import Activity, ScannerCredential

        token = factories.scanner_token(db.session.get(Activity, setup["activity_id"]))
        credential = db.session.scalars(
            sa.select(ScannerCredential).order_by(ScannerCredential.id.desc())
        ).first()
        credential.expires_at = utcnow() - dt.timedelta(minutes=1)
        db.session.commit()
    response = Api(app, token).post("/scans", {"token": setup["ticket_token"], "client_scan_id": new_id()})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "credential_expired"


def test_revoked_credential_stops_at_once(app, api, setup):
    assert api.scan(setup["ticket_token"])["result"] == "accepted"
    with app.app_context():
        from eventdesk.core.models import ScannerCredential

        for credential in db.session.scalars(sa.select(ScannerCredential)):
            credentials.revoke(credential)
        db.session.commit()
    response = api.post("/scans", {"token": setup["ticket_token"], "client_scan_id": new_id()})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "credential_revoked"
    batch = api.post(
        "/scans/batch", {"scans": [{"token": setup["ticket_token"], "client_scan_id": new_id()}]}
    )
    assert batch.status_code == 401


@pytest.mark.parametrize(
    "scan",
    [
        {"token": "TICKET"},
        {"kind": "walkin", "headcount": 1},
        {"token": "0" * 22},
        {"ticket_code": "NOSUCHCODE"},
    ],
    ids=["ticket", "walk-in", "unknown token", "unknown code"],
)
def test_credential_revoked_on_another_host_is_refused_on_the_next_scan(app, api, setup, scan):
    """A worker remembers credentials it has just seen; one revoked elsewhere (no news of it
    here) is still refused at its next scan, and that scan leaves no trace."""
    assert api.scan(setup["ticket_token"])["result"] == "accepted"
    with app.app_context():
        db.session.execute(sa.text("UPDATE scanner_credential SET revoked_at = CURRENT_TIMESTAMP"))
        db.session.commit()
    body = {key: setup["ticket_token"] if value == "TICKET" else value for key, value in scan.items()}
    path = "/walkins" if scan.get("kind") == "walkin" else "/scans"
    response = api.post(path, {**body, "client_scan_id": new_id()})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "credential_revoked"
    assert len(scan_rows(app)) == 1


def test_every_scan_records_its_credential(app, api, setup):
    api.scan(setup["ticket_token"])
    [row] = scan_rows(app)
    assert row.credential_id is not None
    assert row.device == "志愿者小王"
    assert row.channel == "scanner"


def test_staff_token_scans_with_an_activity_id(app, setup):
    with app.app_context():
        from eventdesk.core.models import Activity

        activity = db.session.get(Activity, setup["activity_id"])
        staff = factories.user("staff", scopes=[{"activity_id": activity.id}])
        outsider = factories.user("staff", scopes=[{"activity_id": factories.activity().id}])
        token, outsider_token = factories.staff_token(staff), factories.staff_token(outsider)
        db.session.commit()
    body = {"token": setup["ticket_token"], "client_scan_id": new_id(), "activity_id": setup["activity_id"]}
    assert Api(app, outsider_token).post("/scans", body).status_code == 403
    answer = Api(app, token).post("/scans", body).get_json()
    assert answer["result"] == "accepted"
    missing = Api(app, token).post("/scans", {**body, "client_scan_id": new_id(), "activity_id": None})
    assert missing.status_code == 400
    [row] = scan_rows(app)
    assert row.user_id is not None
    assert row.credential_id is None


def test_scanner_cannot_scan_for_another_activity(app, api, setup):
    body = {
        "token": setup["ticket_token"],
        "client_scan_id": new_id(),
        "activity_id": setup["activity_id"] + 999,
    }
    assert api.post("/scans", body).status_code == 403


def test_tally_rows_are_fed_with_the_scan(app, api, setup):
    api.scan(setup["ticket_token"])
    with app.app_context():
        figures = {
            row.metric: row.value
            for row in db.session.scalars(sa.select(TallyCount).where(TallyCount.booth_id == 0))
        }
    assert figures["checked_in"] == 1
    assert figures["entries"] == 1
    assert figures["scans"] == 1
