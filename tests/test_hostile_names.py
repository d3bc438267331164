"""Hostile names stay inert on every page, answer and export that shows a name, and every route
answers with the security headers."""

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from eventdesk.activities.jobfair.models import Employer
from eventdesk.core.models import Booth, Person
from eventdesk.core.route_access import Caller
from eventdesk.extensions import db
from eventdesk.reports.registry import lists_for
from tests.support.client import Client
from tests.support.headers import security_header_problems
from tests.support.routes import build_world, route_kind, url_of

SCRIPT = '<script>alert("x")</script>'
HOSTILE_NAMES = (
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    'O\'Brien "Bob" `tick`',
    "王\u202eRTL覆盖\u202c",
    "张\u200b三\u200d丰",
    "长" * 50,
    "🎉李四🙂",
    '=HYPERLINK("http://evil.example","点我")',
    "+1-2@SUM(A1)",
)
#: What a hostile name would look like had it been written into a page unescaped.
RAW_MARKUP = ("<script>alert(", "<img src=x onerror")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The live-count stream stays open: names never go into it, only counts.
STREAMS = {"api.stream_counts"}


@pytest.fixture
def hostile_world(app, run_cli):
    """The demo with every person, employer and booth renamed with a hostile name."""
    assert run_cli("demo", "load").exit_code == 0
    with app.app_context():
        world = build_world()
        for model, length in ((Person, 50), (Employer, 100), (Booth, 100)):
            rows = db.session.scalars(sa.select(model).order_by(model.id)).all()
            for index, row in enumerate(rows):
                # Numbered: employers and booths are named once per activity.
                row.name = HOSTILE_NAMES[index % len(HOSTILE_NAMES)][: length - 3] + f"{index:03d}"
        db.session.commit()
    return world


def _admin(app, world) -> Client:
    from eventdesk.core.models import User

    client = Client(app)
    with app.app_context():
        email = db.session.get(User, world.users[Caller.admin]).email
    client.login(email)
    return client


def test_every_page_showing_hostile_names_keeps_them_inert(app, hostile_world):
    admin = _admin(app, hostile_world)
    problems = []
    shown = 0
    for url_rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in url_rule.methods or url_rule.endpoint in STREAMS:
            continue
        with app.app_context():
            target = hostile_world.target_of_kind(route_kind(url_rule.endpoint))
            url = url_of(url_rule, target)
        headers = {}
        if url.startswith("/api/"):
            headers["Authorization"] = f"Bearer {hostile_world.tokens[Caller.admin]}"
        response = admin.http.get(url, headers=headers)
        body = (
            response.get_data(as_text=True)
            if response.mimetype.startswith(("text/", "application/json"))
            else ""
        )
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        if response.mimetype == "text/html" and any(markup in body for markup in RAW_MARKUP):
            problems.append(f"{url}: a name written as markup")
        shown += "&lt;script&gt;alert(" in body or "\\u003cscript\\u003e" in body or SCRIPT in body
        problems += [f"{url}: {problem}" for problem in security_header_problems(response)]
        response.close()
    assert not problems, "\n".join(problems)
    assert shown >= 15  # the names did reach the staff pages, the kinds' pages and the answers


def test_a_scanners_look_up_answers_hostile_names_as_inert_data(app, hostile_world):
    target = hostile_world.target_of_kind("consultation")
    response = app.test_client().get(
        f"/api/v1/activities/{target.activity_id}/lookup?q=script",
        headers={"Authorization": f"Bearer {target.tokens[Caller.scanner]}"},
    )
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert not security_header_problems(response)
    names = [result["name_masked"] for result in response.get_json()["results"]]
    assert names
    assert all(name.startswith("<") and "script>" not in name for name in names)  # masked data


def _cells(response, fmt: str) -> list[str]:
    if fmt == "csv":
        return [
            cell
            for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
            for cell in row
        ]
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula cell {cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralise_names_that_look_like_formulas(app, hostile_world, fmt):
    admin = _admin(app, hostile_world)
    exported = []
    for target in hostile_world.targets.values():
        with app.app_context():
            from eventdesk.core.models import Activity

            names = [export.name for export in lists_for(db.session.get(Activity, target.activity_id))]
        for name in names:
            response = admin.get(f"/reports/activities/{target.activity_id}/lists/{name}.{fmt}")
            assert response.status_code == 200, (target.activity_id, name)
            exported += _cells(response, fmt)
    for fmt_name in ("tally",):
        response = admin.get(f"/reports/{fmt_name}.{fmt}")
        assert response.status_code == 200
        exported += _cells(response, fmt)
    assert any("HYPERLINK" in cell for cell in exported)
    if fmt == "csv":  # an XLSX text cell is text whatever it starts with; `_cells` checks the type
        dangerous = [cell for cell in exported if cell.startswith(FORMULA_STARTS) and not _is_number(cell)]
        assert not dangerous


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_hsts_is_sent_behind_https_only(make_app):
    app = make_app(EVENTDESK_TRUSTED_PROXIES=1)
    client = app.test_client()
    behind_https = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert behind_https.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_a_name_longer_than_a_person_may_have_is_refused_clearly(app, hostile_world):
    client = Client(app)
    target = hostile_world.target_of_kind("consultation")
    url = f"/activities/{target.activity_id}/register"
    response = client.post_form(url, {"name": "长" * 200, "phone": "13700001111", "consent": "y"})
    assert response.status_code == 400
    assert "内容太长了" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Person.id).where(Person.phone == "13700001111")) is None
