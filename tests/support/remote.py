"""Talking to a real server over HTTP or HTTPS, as a browser or a phone would: cookies kept,
redirects reported rather than followed, forms sent with their CSRF token, live-count streams
read event by event."""

import http.client
import json
import re
import ssl
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.support import factories

_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _connection(base_url: str, ssl_context: ssl.SSLContext | None, timeout: float, source_address=None):
    parts = urlsplit(base_url)
    if parts.scheme == "https":
        return http.client.HTTPSConnection(
            parts.hostname,
            parts.port or 443,
            timeout=timeout,
            context=ssl_context,
            source_address=source_address,
        )
    return http.client.HTTPConnection(
        parts.hostname, parts.port or 80, timeout=timeout, source_address=source_address
    )


def post_once(base_url: str, token: str, path: str, body: dict) -> tuple[int, bytes, object] | None:
    """POST JSON to the API with a bearer token on a fresh connection: the status, body and
    headers of the answer, or None when none came (a cut connection, a timeout)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        connection.request(
            "POST",
            f"/api/v1{path}",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body or b"{}")


class RemoteClient:
    """One browser (or phone) talking to a server at `base_url`; its cookies may be carried to
    another server with `cookies=`; `source_ip` (a loopback address such as 127.0.0.7) makes
    it another client as the server sees it."""

    def __init__(
        self,
        base_url: str,
        *,
        ssl_context=None,
        cookies: dict | None = None,
        timeout: float = 60,
        source_ip=None,
    ):
        self.base_url = base_url
        self.ssl_context = ssl_context
        self.source_address = (source_ip, 0) if source_ip else None
        self.cookies = dict(cookies or {})
        self.timeout = timeout

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
    ) -> Reply:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = _connection(self.base_url, self.ssl_context, self.timeout, self.source_address)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return reply

    def get(self, path: str, **headers) -> Reply:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, body, *, token: str | None = None, **headers) -> Reply:
        headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.request("POST", path, body=json.dumps(body).encode(), headers=headers)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        match = _CSRF_INPUT.search(page.text)
        assert match, f"no CSRF token on {path} (status {page.status})"
        return match.group(1)

    def post_form(self, path: str, data: dict, *, form_path: str | None = None) -> Reply:
        data = {"csrf_token": self.csrf_token(form_path or path), **data}
        return self.request(
            "POST",
            path,
            body=urlencode(data).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base_url + path},
        )

    def login(self, email: str, password: str = factories.PASSWORD) -> Reply:
        reply = self.post_form("/login", {"email": email, "password": password})
        assert reply.status == 302, reply.text[:500]
        return reply


class EventStream:
    """A raw reader of a server-sent-events stream."""

    def __init__(self, base_url: str, path: str, headers: dict, *, ssl_context=None):
        self.connection = _connection(base_url, ssl_context, timeout=10)
        self.connection.request("GET", path, headers={"Accept": "text/event-stream", **headers})
        self.response = self.connection.getresponse()

    def next_event(self, deadline: float) -> tuple[str, dict] | None:
        """The next named event before `deadline` (a `time.monotonic()` value), or None."""
        name, data = None, []
        while time.monotonic() < deadline:
            self.connection.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                line = self.response.fp.readline().decode("utf-8")
            except TimeoutError:
                return None
            if not line:
                return None
            line = line.rstrip("\n")
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                data.append(line.split(":", 1)[1].strip())
            elif line == "" and name:
                return name, json.loads("".join(data))
        return None

    def wait_for(self, predicate, deadline: float) -> dict | None:
        """The data of the first `counts` event that satisfies `predicate` before `deadline`."""
        while (event := self.next_event(deadline)) is not None:
            name, data = event
            if name == "counts" and predicate(data):
                return data
        return None

    def close(self):
        self.connection.close()
