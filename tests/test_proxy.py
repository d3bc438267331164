"""EventDesk behind Debian's nginx with the kept configuration (deploy/nginx.conf), over HTTPS
with a self-signed certificate, in front of two app servers."""

import getpass
import os
import random
import re
import shutil
import socket
import ssl
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from eventdesk.api.enrolment import ENROLMENTS_PER_ADDRESS_A_MINUTE
from eventdesk.extensions import db
from tests.support import PROJECT_ROOT, factories
from tests.support.remote import EventStream, RemoteClient
from tests.support.tickets import read_qr

pytestmark = pytest.mark.server

#: The public address, as people scan it: not the address the test connects to, so that a
#: link built from the request instead would show.
BASE_URL = "https://eventdesk.example.org"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
SITE = PROJECT_ROOT / "deploy" / "nginx.conf"
_ENROL_LINK = re.compile(r"https?://[^\s\"<]+/scanner/enrol/[A-Za-z0-9_-]+")
_ASSET = re.compile(r'(/static/[^"?]+\.(?:css|js)\?v=[0-9a-f]+)')


def _system_tool(name: str, package: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: CI installs Debian's {package} package")
        pytest.skip(f"{name} is not installed (apt-get install {package})")
    return path


def _require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {REDIS_URL}: CI starts redis-server")
        pytest.skip(f"Redis is not answering at {REDIS_URL}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx.conf no longer has `{old}` once"
    return text.replace(old, new)


def _site_config(folder: Path, https_port: int, http_port: int, app_ports: list[int]) -> str:
    """deploy/nginx.conf with the test's addresses, certificate and checkout in place."""
    site = SITE.read_text()
    upstreams = "\n    ".join(f"server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in app_ports)
    site = _replace_once(site, "server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;", upstreams)
    site = _replace_once(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = _replace_once(site, "listen [::]:443 ssl http2;", "")
    site = _replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _replace_once(site, "listen [::]:80;", "")
    site = _replace_once(site, "/etc/ssl/eventdesk/fullchain.pem", str(folder / "cert.pem"))
    site = _replace_once(site, "/etc/ssl/eventdesk/privkey.pem", str(folder / "key.pem"))
    return _replace_once(site, "alias /srv/eventdesk/static/;", f"alias {PROJECT_ROOT / 'static'}/;")


def _main_config(folder: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides around a site, kept inside `folder`."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
user {getpass.getuser()};
worker_processes 1;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {folder / "access.log"};
{temp}
    include {folder / "eventdesk.conf"};
}}
"""


class Proxy:
    def __init__(self, folder: Path, app_ports: list[int]):
        nginx = _system_tool("nginx", "nginx")
        openssl = _system_tool("openssl", "openssl")
        self.folder = folder
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"), "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.https_port, self.http_port = _free_port(), _free_port()
        (folder / "eventdesk.conf").write_text(
            _site_config(folder, self.https_port, self.http_port, app_ports)
        )
        (folder / "nginx.conf").write_text(_main_config(folder))
        command = [
            nginx,
            "-p",
            str(folder),
            "-e",
            str(folder / "error.log"),
            "-c",
            str(folder / "nginx.conf"),
        ]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.tls = ssl.create_default_context(cafile=str(folder / "cert.pem"))
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if RemoteClient(self.url, ssl_context=self.tls, timeout=2).get("/readyz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"nginx did not start: {(self.folder / 'error.log').read_text()[-2000:]}")

    def client(self, **options) -> RemoteClient:
        return RemoteClient(self.url, ssl_context=self.tls, **options)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


@pytest.fixture(scope="module")
def proxy(module_live_server, tmp_path_factory):
    """nginx on loopback over HTTPS in front of two app servers that trust one proxy."""
    _require_redis()
    settings = {
        "EVENTDESK_TRUSTED_PROXIES": "1",
        "EVENTDESK_BASE_URL": BASE_URL,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_ENABLED": "true",
    }
    hosts = [module_live_server(workers=2, **settings) for _ in range(2)]
    running = Proxy(tmp_path_factory.mktemp("nginx"), [host.port for host in hosts])
    yield running
    running.stop()


@pytest.fixture
def venue(app):
    with app.app_context():
        activity = factories.activity(registration_open=True)
        organizer = factories.user("organizer", email=f"organizer-{uuid.uuid4().hex[:8]}@example.org")
        world = {
            "activity": activity.id,
            "event": activity.event_id,
            "ticket": factories.registration(activity).token,
            "scanner": factories.scanner_token(activity),
            "organizer_email": organizer.email,
            "organizer_token": factories.staff_token(organizer),
        }
        db.session.commit()
    return world


def _another_client_address() -> str:
    """A loopback address of this run alone: rate-limit counters outlive a run in Redis."""
    return f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"


def test_the_proxy_speaks_https_with_http2_and_sends_plain_http_there(proxy):
    context = ssl.create_default_context(cafile=str(proxy.folder / "cert.pem"))
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", proxy.https_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"
    plain = RemoteClient(f"http://127.0.0.1:{proxy.http_port}").get("/scanner")
    assert plain.status == 301
    assert plain.headers["Location"] == "https://127.0.0.1/scanner"
    assert proxy.client().get("/readyz").json()["status"] == "ok"


def test_qr_codes_and_enrolment_links_carry_the_public_address(proxy, venue):
    phone = proxy.client()
    registered = phone.post_json(
        f"/api/v1/activities/{venue['activity']}/registrations",
        {"name": "李秀英", "phone": "13812345678", "consent": True},
    )
    assert registered.status == 201
    ticket_url = registered.json()["ticket_url"]
    assert ticket_url.startswith(f"{BASE_URL}/t/")
    token = ticket_url.rsplit("/", 1)[1]
    qr = phone.get(f"/t/{token}/qr.png")
    assert qr.status == 200
    assert read_qr(qr.body) == ticket_url

    organizer = proxy.client()
    organizer.login(venue["organizer_email"])
    page = f"/manage/activities/{venue['activity']}/scanners"
    issued = organizer.post_form(page, {"label": "志愿者小李", "booth": "0", "hours": "5"})
    assert issued.status == 200, issued.text[:500]
    links = set(_ENROL_LINK.findall(issued.text))
    assert links
    assert all(link.startswith(f"{BASE_URL}/scanner/enrol/") for link in links)


def test_the_scanner_page_its_service_worker_and_fingerprinted_files_load(proxy):
    phone = proxy.client()
    page = phone.get("/scanner", **{"Accept-Encoding": "gzip"})
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    worker = phone.get("/scanner/sw.js")
    assert worker.status == 200
    assert worker.headers["Content-Type"].startswith("text/javascript")
    assert worker.headers["Service-Worker-Allowed"] == "/scanner"
    assets = set(_ASSET.findall(worker.text))
    assert any(path.endswith(".css") for path in (a.split("?")[0] for a in assets))
    for asset in assets:
        served = phone.get(asset, **{"Accept-Encoding": "gzip"})
        assert served.status == 200, asset
        assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert served.headers["Content-Encoding"] == "gzip"
    unversioned = phone.get("/static/css/scanner.css")
    assert unversioned.headers["Cache-Control"] == "public, max-age=3600"


def test_a_live_count_stream_delivers_events_through_the_proxy(proxy, venue):
    stream = EventStream(
        proxy.url,
        f"/api/v1/stream/counts?event={venue['event']}",
        {"Authorization": f"Bearer {venue['organizer_token']}"},
        ssl_context=proxy.tls,
    )
    try:
        assert stream.response.status == 200
        assert stream.wait_for(lambda data: data["counts"]["checked_in"] == 0, time.monotonic() + 5)
        sent = time.monotonic()
        body = {"token": venue["ticket"], "client_scan_id": str(uuid.uuid4())}
        scanned = proxy.client().post_json("/api/v1/scans", body, token=venue["scanner"])
        assert scanned.json()["result"] == "accepted"
        assert stream.wait_for(lambda data: data["counts"]["checked_in"] == 1, sent + 2.0) is not None
    finally:
        stream.close()


def _enrol(client: RemoteClient, **headers):
    # A code of its own each time: one code tried again is limited on its own, whoever sends it.
    return client.post_json("/api/v1/scanner/enrol", {"code": f"no-such-code-{uuid.uuid4().hex}"}, **headers)


def test_rate_limits_count_the_client_the_proxy_saw_and_not_one_it_claims_to_be(proxy):
    crowded, other = _another_client_address(), _another_client_address()
    allowed = ENROLMENTS_PER_ADDRESS_A_MINUTE
    statuses = [_enrol(proxy.client(source_ip=crowded)).status for _ in range(allowed)]
    assert 429 not in statuses
    assert _enrol(proxy.client(source_ip=crowded)).status == 429
    # Another client (as nginx saw it) has its own allowance, even claiming to be the first.
    assert _enrol(proxy.client(source_ip=other)).status != 429
    assert _enrol(proxy.client(source_ip=other), **{"X-Forwarded-For": crowded}).status != 429


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(live_server):
    _require_redis()
    server = live_server(workers=2, REDIS_URL=REDIS_URL, RATELIMIT_ENABLED="true")
    client = RemoteClient(server.url, source_ip=_another_client_address())
    allowed = ENROLMENTS_PER_ADDRESS_A_MINUTE
    forged = [
        _enrol(client, **{"X-Forwarded-For": _another_client_address()}).status for _ in range(allowed + 1)
    ]
    assert 429 not in forged[:allowed]
    assert forged[allowed] == 429
