"""While the database does not answer, every request that needs it is answered 503
``database_unavailable`` with Retry-After and a translated message (JSON for the API, a page for
pages), never a 500; the probes say the same."""

import socket
import uuid

import pytest

from eventdesk.extensions import db
from tests.support import factories
from tests.support.client import Client
from tests.support.openapi import check

MESSAGE_EN = "The database is not answering for the moment"
MESSAGE_ZH = "数据库暂时没有响应"


@pytest.fixture
def unreachable_app(make_app):
    """The app pointed at a PostgreSQL address where nothing listens (a port just freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{port}/eventdesk")


def assert_unavailable(response):
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert int(response.headers["Retry-After"]) >= 1


def test_api_answers_503_with_its_reason_code_in_both_languages(unreachable_app, app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    http = unreachable_app.test_client()
    scan = {"token": "x" * 22, "client_scan_id": str(uuid.uuid4())}
    headers = {"Authorization": "Bearer some-device-token"}

    chinese = http.post("/api/v1/scans", json=scan, headers=headers)
    assert_unavailable(chinese)
    assert chinese.get_json()["error"]["code"] == "database_unavailable"
    assert MESSAGE_ZH in chinese.get_json()["error"]["message"]
    check(document, "/scans", "post", chinese)

    english = http.get("/api/v1/activities", headers={**headers, "Accept-Language": "en"})
    assert_unavailable(english)
    assert english.get_json()["error"]["code"] == "database_unavailable"
    assert MESSAGE_EN in english.get_json()["error"]["message"]
    check(document, "/activities", "get", english)


def test_every_api_operation_documents_the_503(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "503" in operation["responses"], f"{method.upper()} {path}"
            assert "Retry-After" in operation["responses"]["503"]["headers"]


def test_a_page_answers_503_with_an_error_page(unreachable_app):
    page = unreachable_app.test_client().get("/public", headers={"Accept-Language": "en"})
    assert_unavailable(page)
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert MESSAGE_EN in text
    assert "database_unavailable" in text
    assert "Traceback" not in text


def test_a_signed_in_page_answers_503_when_the_account_cannot_be_read(app, unreachable_app):
    with app.app_context():
        email = factories.user("organizer").email
        db.session.commit()
    browser = Client(app)
    browser.login(email)
    away = unreachable_app.test_client()
    away.set_cookie("session", browser.http.get_cookie("session").value)

    page = away.get("/manage/")
    assert_unavailable(page)
    assert MESSAGE_ZH in page.get_data(as_text=True)


def test_readiness_probe_says_unavailable_and_liveness_stays_up(unreachable_app):
    http = unreachable_app.test_client()
    ready = http.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["database"] == "unreachable"
    assert http.get("/healthz").status_code == 200
