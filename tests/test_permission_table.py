"""The permission table, proven over every route: each kind of caller, inside and outside the scope
of one activity of every kind, is let in or refused exactly as the route's rule says; a route
without a rule is refused, and the README shows the table as the code has it."""

import re

import pytest
from flask import Blueprint

from eventdesk.core import route_access
from eventdesk.core.models import User
from eventdesk.core.route_access import Caller, Scope
from eventdesk.extensions import db
from tests.support import PROJECT_ROOT
from tests.support.client import Client
from tests.support.headers import security_header_problems
from tests.support.routes import SCOPED, build_world, inside, names_an_activity, route_kind, url_of

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: Every kind of caller; the ticket holder is whoever opens a ticket's link (`Scope.ticket`).
CALLERS = (
    Caller.anonymous,
    Caller.scanner,
    Caller.booth_staff,
    Caller.department_staff,
    Caller.district_organizer,
    Caller.organizer,
    Caller.admin,
)


@pytest.fixture
def world(app, run_cli):
    result = run_cli("demo", "load")
    assert result.exit_code == 0, result.output
    with app.app_context():
        return build_world()


class Callers:
    """One browser per signed-in account (made once), and the bearer tokens."""

    def __init__(self, app, world):
        self.app = app
        self.world = world
        self.browsers: dict[int | None, tuple[Client, str]] = {}

    def user_id(self, caller, home):
        if caller in (Caller.admin, Caller.organizer):
            return self.world.users[caller]
        return home.users.get(caller)

    def token(self, caller, home):
        return self.world.tokens[caller] if caller in self.world.tokens else home.tokens.get(caller)

    def browser(self, user_id):
        if user_id not in self.browsers:
            client = Client(self.app)
            if user_id is not None:
                with self.app.app_context():
                    email = db.session.get(User, user_id).email
                client.login(email)
            page = client.get("/login" if user_id is None else "/manage/").get_data(as_text=True)
            found = CSRF_INPUT.search(page)
            assert found, page[:3000]
            self.browsers[user_id] = (client, found.group(1))
        return self.browsers[user_id]


def _request(callers, caller, home, target, method, url, *, with_csrf):
    api = url.startswith("/api/")
    user_id = callers.user_id(caller, home) if caller not in (Caller.anonymous, Caller.scanner) else None
    headers = {}
    if caller == Caller.scanner or (api and user_id is not None):
        headers["Authorization"] = f"Bearer {callers.token(caller, home)}"
    client, csrf_token = callers.browser(None if api else user_id)
    if method == "GET":
        return client.http.get(url, headers=headers)
    if api:
        # The activity named, as the scanner names it; nothing else, so nothing is done.
        return client.http.post(url, json={"activity_id": target.activity_id}, headers=headers)
    return client.http.post(url, data={"csrf_token": csrf_token} if with_csrf else {}, headers=headers)


def _denial(caller, url, *, foreign):
    """The one status a refused caller gets."""
    if foreign:
        return 404
    if caller == Caller.anonymous:
        return 401 if url.startswith("/api/") else 302
    return 403


def _verdict(response, method, url, *, expected_allowed, expected_denial):
    status = response.status_code
    to_login = status == 302 and "/login" in response.headers.get("Location", "")
    if not expected_allowed:
        if expected_denial == 302:
            return None if to_login else f"expected the sign-in page, got {status}"
        return None if status == expected_denial else f"expected {expected_denial}, got {status}"
    if status >= 500 or status in (401, 403, 404) or to_login:
        return f"expected to be let in, got {status}"
    if method == "POST" and not url.startswith("/api/"):
        # Let in without a CSRF token: refused by the CSRF check alone, after the permission table.
        body = response.get_data(as_text=True)
        refused_for_csrf = status == 400 and "csrf" in body.lower()
        return None if refused_for_csrf else f"expected the CSRF refusal, got {status}"
    return None


def _expectation(rule, url_rule, caller, home, target, foreign, callers):
    """Whether the probe should be let in, and its URL (in an app context of its own: requests
    must not share one, or they would share the signed-in user it caches)."""
    user_id = callers.user_id(caller, home)
    user = db.session.get(User, user_id) if user_id else None
    expected_allowed = (
        caller in rule.callers and not foreign and inside(rule, caller, user, home, target, url_rule)
    )
    url = url_of(url_rule, target, foreign_ticket=foreign)
    db.session.remove()
    return expected_allowed, url


def test_every_route_answers_each_caller_as_the_permission_table_says(app, world):
    callers = Callers(app, world)
    failures = []
    probes = 0
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        rule = route_access.rule_for(url_rule.endpoint)
        assert rule is not None, f"{url_rule.rule} has no rule"
        target = world.target_of_kind(route_kind(url_rule.endpoint))
        for method in sorted(url_rule.methods & {"GET", "POST"}):
            for caller in CALLERS:
                homes = [target]
                if caller in SCOPED and names_an_activity(url_rule):
                    homes.append(world.elsewhere)
                trials = [(home, False) for home in homes]
                by_link = rule.scope in (Scope.ticket, Scope.enrolment)
                if by_link and {"token", "code"} & set(url_rule.arguments):
                    trials.append((target, True))
                for home, foreign in trials:
                    with app.app_context():
                        expected_allowed, url = _expectation(
                            rule, url_rule, caller, home, target, foreign, callers
                        )
                    response = _request(
                        callers, caller, home, target, method, url, with_csrf=not expected_allowed
                    )
                    probes += 1
                    problem = _verdict(
                        response,
                        method,
                        url,
                        expected_allowed=expected_allowed,
                        expected_denial=_denial(caller, url, foreign=foreign),
                    )
                    problem = problem or ", ".join(security_header_problems(response))
                    response.close()
                    if problem:
                        where = "own" if home is target else "other"
                        failures.append(f"{method} {url} [{url_rule.endpoint}] {caller} ({where}): {problem}")
    assert not failures, f"{len(failures)} of {probes} probes:\n" + "\n".join(failures)


def test_a_route_without_a_rule_is_refused(make_app):
    app = make_app()
    stray = Blueprint("stray", __name__)
    stray.add_url_rule("/stray", "page", lambda: "open")
    app.register_blueprint(stray)
    assert route_access.missing_rules(app) == ["stray.page"]
    assert app.test_client().get("/stray").status_code == 403


def test_a_route_whose_rule_only_reads_refuses_writes(make_app, monkeypatch):
    app = make_app()
    reader = Blueprint("reader", __name__)
    reader.add_url_rule("/reader", "page", lambda: "done", methods=["GET", "POST"])
    app.register_blueprint(reader)
    monkeypatch.setitem(route_access._RULES, "reader.page", route_access.public())
    client = app.test_client()
    assert client.get("/reader").status_code == 200
    assert client.post("/reader").status_code == 403


def test_the_readme_shows_the_table_the_code_has(app):
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert route_access.markdown(app) in readme
