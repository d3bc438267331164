"""Two app hosts on one database: separate gunicorn servers (own ports, own processes, no shared
memory), with and without Redis, behave as one EventDesk."""

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from threading import Event

import pytest
import sqlalchemy as sa

from eventdesk.core.models import Registration, Scan
from eventdesk.extensions import db
from tests.support import factories
from tests.support.remote import EventStream, RemoteClient

pytestmark = pytest.mark.server

#: A database of its own on the shared Redis, so that other runs' counters never meet these.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def _require_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {REDIS_URL}: CI starts redis-server")
        pytest.skip(f"Redis is not answering at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture(scope="module", params=["database only", "with Redis"])
def two_hosts(request, module_live_server):
    """Two hosts on the test database (`with Redis`: sharing a Redis too), kept for the module:
    they keep nothing between requests, and each test's rows are emptied after it."""
    extra_env = {"REDIS_URL": _require_redis()} if request.param == "with Redis" else {}
    hosts = [module_live_server(workers=2, **extra_env) for _ in range(2)]
    yield hosts
    for host in hosts:
        host.stop()


@pytest.fixture
def venue(app):
    with app.app_context():
        activity = factories.activity(registration_open=True)
        tickets = [factories.registration(activity).token for _ in range(20)]
        organizer = factories.user("organizer", email=f"organizer-{uuid.uuid4().hex[:8]}@example.org")
        world = {
            "activity": activity.id,
            "event": activity.event_id,
            "tickets": tickets,
            "scanner": factories.scanner_token(activity),
            "organizer_email": organizer.email,
            "organizer_token": factories.staff_token(organizer),
        }
        db.session.commit()
    return world


def _scan(host, token, ticket, scan_id=None):
    body = {"token": ticket, "client_scan_id": scan_id or str(uuid.uuid4())}
    return RemoteClient(host.url).post_json("/api/v1/scans", body, token=token)


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_storm_on_one_ticket_across_both_hosts_accepts_it_once(app, two_hosts, venue):
    first, second = two_hosts
    ticket = venue["tickets"][0]
    start = Event()

    def send(host):
        start.wait(timeout=30)
        return _scan(host, venue["scanner"], ticket)

    with ThreadPoolExecutor(max_workers=32) as pool:
        futures = [pool.submit(send, (first, second)[i % 2]) for i in range(32)]
        start.set()
        replies = [future.result() for future in futures]
    assert [reply.status for reply in replies] == [200] * 32
    results = [reply.json()["result"] for reply in replies]
    assert results.count("accepted") == 1
    assert results.count("duplicate") == 31
    assert _count(app, Scan, Scan.result == "accepted") == 1


def test_an_offline_batch_replayed_to_the_other_host_counts_once(app, two_hosts, venue):
    first, second = two_hosts
    batch = {"scans": [{"token": t, "client_scan_id": str(uuid.uuid4())} for t in venue["tickets"]]}
    sent = RemoteClient(first.url).post_json("/api/v1/scans/batch", batch, token=venue["scanner"])
    replayed = RemoteClient(second.url).post_json("/api/v1/scans/batch", batch, token=venue["scanner"])
    assert (sent.status, replayed.status) == (200, 200)
    assert [r["scan_id"] for r in replayed.json()["results"]] == [
        r["scan_id"] for r in sent.json()["results"]
    ]
    assert {r["result"] for r in replayed.json()["results"]} == {"accepted"}
    assert replayed.json()["counts"]["checked_in"] == len(venue["tickets"])
    assert _count(app, Scan) == len(venue["tickets"])


def test_a_stream_on_one_host_sees_scans_made_on_the_other_within_two_seconds(two_hosts, venue):
    first, second = two_hosts
    stream = EventStream(
        first.url,
        f"/api/v1/stream/counts?event={venue['event']}",
        {"Authorization": f"Bearer {venue['organizer_token']}"},
    )
    try:
        assert stream.response.status == 200
        assert stream.wait_for(lambda data: data["counts"]["checked_in"] == 0, time.monotonic() + 5)
        for expected, ticket in enumerate(venue["tickets"][:3], start=1):
            sent = time.monotonic()
            assert _scan(second, venue["scanner"], ticket).json()["result"] == "accepted"
            seen = stream.wait_for(lambda data, n=expected: data["counts"]["checked_in"] == n, sent + 2.0)
            assert seen is not None, f"scan {expected} on the other host not seen within two seconds"
    finally:
        stream.close()


def test_a_staff_session_made_on_one_host_is_valid_on_the_other(two_hosts, venue):
    first, second = two_hosts
    browser = RemoteClient(first.url)
    browser.login(venue["organizer_email"])
    elsewhere = RemoteClient(second.url, cookies=browser.cookies)
    page = elsewhere.get("/manage/")
    assert page.status == 200, page.headers.get("Location")
    assert 'action="/logout"' in page.text  # only a signed-in page offers to sign out
    # A form read on one host is accepted by the other (the CSRF token travels in the session).
    signed_out = elsewhere.post_form("/logout", {}, form_path="/manage/")
    assert signed_out.status == 302
    assert elsewhere.get("/manage/").status == 302


def test_a_phone_s_rate_limit_holds_across_both_hosts_with_redis(app, live_server, venue):
    redis_url = _require_redis()
    first, second = (live_server(workers=2, REDIS_URL=redis_url, RATELIMIT_ENABLED="true") for _ in range(2))
    # A number of this run alone: counters from earlier runs may still be in Redis.
    phone = "139" + str(uuid.uuid4().int)[:8]

    def register(host, n):
        body = {"name": f"报名者{n}", "phone": phone, "consent": True}
        return RemoteClient(host.url).post_json(f"/api/v1/activities/{venue['activity']}/registrations", body)

    # Ten an hour per phone: five on each host are all counted against the one number.
    statuses = [register((first, second)[n % 2], n).status for n in range(10)]
    assert 429 not in statuses
    for host in (first, second):
        refused = register(host, 99)
        assert refused.status == 429
        assert refused.json()["error"]["code"] == "rate_limited"
    assert _count(app, Registration, Registration.activity_id == venue["activity"]) == 20 + statuses.count(
        201
    )
