"""Live counts: a scan reaches an open stream within two seconds, whichever worker recorded it."""

import http.client
import json
import time
import uuid

import pytest

from eventdesk.extensions import db
from tests.support import factories
from tests.support.remote import EventStream

pytestmark = pytest.mark.server


def _post(base_url, path, token, body):
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request(
        "POST",
        f"/api/v1{path}",
        body=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    answer = json.loads(connection.getresponse().read())
    connection.close()
    return answer


@pytest.fixture
def world(app):
    with app.app_context():
        activity = factories.activity()
        other = factories.activity()
        tickets = [factories.registration(activity).token for _ in range(6)]
        scanner = factories.scanner_token(activity)
        organizer = factories.staff_token(factories.user("organizer"))
        outsider = factories.staff_token(factories.user("staff", scopes=[{"activity_id": other.id}]))
        db.session.commit()
        return {
            "activity": activity.id,
            "event": activity.event_id,
            "tickets": tickets,
            "scanner": scanner,
            "organizer": organizer,
            "outsider": outsider,
            "other_event": other.event_id,
        }


def test_scan_reaches_open_streams_within_two_seconds(app, live_server, world):
    server = live_server(workers=2)
    path = f"/api/v1/stream/counts?event={world['event']}"
    # Several streams, so that the workers serving them and the scans differ.
    streams = [
        EventStream(server.url, path, {"Authorization": f"Bearer {world['organizer']}"}) for _ in range(3)
    ]
    try:
        for stream in streams:
            assert stream.response.status == 200
            assert stream.response.getheader("Content-Type").startswith("text/event-stream")
            name, opening = stream.next_event(time.monotonic() + 5)
            assert name == "counts"
            assert opening["activity_id"] == world["activity"]
            assert opening["counts"]["registered"] == 6
            assert opening["counts"]["checked_in"] == 0
        for expected, ticket in enumerate(world["tickets"][:3], start=1):
            sent = time.monotonic()
            _post(
                server.url, "/scans", world["scanner"], {"token": ticket, "client_scan_id": str(uuid.uuid4())}
            )
            for stream in streams:
                event = stream.next_event(sent + 2.0)
                assert event is not None, "no counts event within two seconds"
                while event[1]["counts"]["checked_in"] < expected:
                    event = stream.next_event(sent + 2.0)
                    assert event is not None, "no counts event within two seconds"
                assert event[1]["counts"]["checked_in"] == expected
                assert time.monotonic() - sent < 2.0
    finally:
        for stream in streams:
            stream.close()


def test_stream_shows_only_activities_in_scope(app, live_server, world):
    server = live_server(workers=1)
    stream = EventStream(
        server.url,
        f"/api/v1/stream/counts?event={world['event']}",
        {"Authorization": f"Bearer {world['outsider']}"},
    )
    try:
        # The outsider reaches nothing of this event: the stream opens with no counts at all.
        assert stream.response.status == 200
        assert stream.next_event(time.monotonic() + 1.5) is None
    finally:
        stream.close()


def test_stream_needs_a_staff_member(app, world):
    http = app.test_client()
    assert http.get(f"/api/v1/stream/counts?event={world['event']}").status_code == 401
    response = http.get(
        f"/api/v1/stream/counts?event={world['event']}",
        headers={"Authorization": f"Bearer {world['scanner']}"},
    )
    assert response.status_code == 403


def test_stream_accepts_the_session_cookie(app, client, world):
    with app.app_context():
        factories.user("organizer", email="watcher@example.org")
        db.session.commit()
    client.login("watcher@example.org")
    response = client.get(f"/api/v1/stream/counts?event={world['event']}", buffered=False)
    assert response.status_code == 200
    first = next(response.response)
    assert b"retry:" in first
    response.close()


def test_redis_carries_changes_between_hosts_at_once(app, live_server, world):
    """Two servers ("hosts") on one database: a scan on one reaches a stream on the other
    through Redis well before the hubs' backstop poll (5 s with Redis) would find it."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    watcher = live_server(workers=1, REDIS_URL=url)
    scanner_host = live_server(workers=1, REDIS_URL=url)
    stream = EventStream(
        watcher.url,
        f"/api/v1/stream/counts?event={world['event']}",
        {"Authorization": f"Bearer {world['organizer']}"},
    )
    try:
        assert stream.next_event(time.monotonic() + 5)[1]["counts"]["checked_in"] == 0
        # Let the watcher's backstop poll pass, so that only Redis can explain a quick event.
        time.sleep(0.5)
        sent = time.monotonic()
        _post(
            scanner_host.url,
            "/scans",
            world["scanner"],
            {"token": world["tickets"][0], "client_scan_id": str(uuid.uuid4())},
        )
        event = stream.next_event(sent + 2.0)
        while event is not None and event[1]["counts"]["checked_in"] == 0:
            event = stream.next_event(sent + 2.0)
        assert event is not None, "no counts event within two seconds"
        assert event[1]["counts"]["checked_in"] == 1
        assert time.monotonic() - sent < 2.0
    finally:
        stream.close()
