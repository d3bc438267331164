"""A test client that behaves like a browser with forms."""

import re

from tests.support import factories

_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Client:
    """A test client that behaves like a browser with forms: it reads and sends CSRF tokens."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()

    def get(self, url, **kwargs):
        return self.http.get(url, **kwargs)

    def csrf_token(self, url):
        page = self.http.get(url)
        match = _CSRF_INPUT.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {url} (status {page.status_code})"
        return match.group(1)

    def post_form(self, url, data=None, *, form_url=None, **kwargs):
        """Post `data` as the form on `form_url` (default `url`) would, with its CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(form_url or url))
        return self.http.post(url, data=data, **kwargs)

    def login(self, email, password=factories.PASSWORD):
        response = self.post_form("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response
