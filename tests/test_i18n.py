"""Chinese by default, English on request; every string has its Chinese translation."""

import runpy
import subprocess
import sys

from tests.support import PROJECT_ROOT


def test_pages_are_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "工作人员登录" in page
    assert 'lang="zh-CN"' in page


def test_english_by_query_parameter_is_remembered(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert "Staff sign-in" in page
    assert 'lang="en"' in page
    # The choice sticks for the following pages through a cookie.
    assert "Staff sign-in" in client.get("/login").get_data(as_text=True)


def test_accept_language_is_followed(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "Staff sign-in" in page
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "工作人员登录" in page


def test_api_errors_follow_accept_language(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.get_json()["error"] == {"code": "not_found", "message": "Not found."}
    response = client.get("/api/v1/nothing-here")
    assert response.get_json()["error"]["message"] == "未找到。"


def test_every_string_has_a_chinese_translation():
    result = subprocess.run(
        [sys.executable, "scripts/catalogs.py", "check"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_signed_in_staff_keep_their_language_in_their_account(app, client):
    from eventdesk.core.models import User
    from eventdesk.extensions import db
    from tests.support import factories

    with app.app_context():
        factories.user("organizer", email="lang@example.org")
        db.session.commit()
    client.login("lang@example.org")
    response = client.post_form(
        "/account/language", {"language": "en", "next": "/manage/"}, form_url="/manage/"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/manage/"
    with app.app_context():
        assert db.session.scalar(db.select(User.locale).where(User.email == "lang@example.org")) == "en"
    # Another browser, no cookie: the account's language wins over the browser's Chinese.
    other = type(client)(app)
    other.login("lang@example.org")
    page = other.get("/manage/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="en"' in page
    refused = client.post_form("/account/language", {"language": "klingon"}, form_url="/manage/")
    assert refused.status_code == 400


def test_the_catalog_check_catches_a_thing_named_otherwise_than_the_glossary(tmp_path, monkeypatch):
    catalogs = runpy.run_path(str(PROJECT_ROOT / "scripts" / "catalogs.py"))
    assert catalogs["off_glossary"]() == []
    # A glossary that forbids a name the catalogs use (签到 for "check in") makes the check fail.
    glossary = tmp_path / "glossary.md"
    glossary.write_text(
        "| 中文 | English | what it is | not |\n| --- | --- | --- | --- |\n"
        "| 入场登记 | check in | the first accepted scan | 签到 |\n",
        encoding="utf-8",
    )
    monkeypatch.setitem(catalogs["off_glossary"].__globals__, "GLOSSARY", glossary)
    problems = catalogs["off_glossary"]()
    assert problems
    assert all("says 签到; the glossary says 入场登记" in problem for problem in problems)
