"""Staff sign-in: passwords, sessions, CSRF, and the role and scope checks on staff pages."""

import sqlalchemy as sa

from eventdesk.core.models import User
from eventdesk.extensions import db
from tests.support import factories


def test_sign_in_and_out(app, client):
    with app.app_context():
        user = factories.user("organizer", email="org@example.org")
        db.session.commit()
    response = client.login("org@example.org")
    assert response.headers["Location"].endswith("/manage/")
    assert client.get("/manage/").status_code == 200
    client.post_form("/logout", form_url="/manage/")
    assert client.get("/manage/").status_code == 302
    del user


def test_wrong_password_is_refused(app, client):
    with app.app_context():
        factories.user("organizer", email="org@example.org")
        db.session.commit()
    response = client.post_form("/login", {"email": "org@example.org", "password": "wrong password"})
    assert response.status_code == 200
    assert "邮箱或密码错误" in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_inactive_account_cannot_sign_in(app, client):
    with app.app_context():
        user = factories.user("organizer", email="gone@example.org")
        user.active = False
        db.session.commit()
    response = client.post_form("/login", {"email": "gone@example.org", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert client.get("/manage/").status_code == 302


def test_form_post_without_csrf_token_is_refused(app, client):
    with app.app_context():
        factories.user("organizer", email="org@example.org")
        db.session.commit()
    response = client.http.post("/login", data={"email": "org@example.org", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(app, client):
    with app.app_context():
        factories.user("organizer", email="org@example.org")
        db.session.commit()
    response = client.login("org@example.org")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_passwords_are_stored_hashed(app, run_cli):
    result = run_cli(
        "users",
        "create",
        "admin@example.org",
        "--role",
        "admin",
        "--password-stdin",
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
        assert user.password_hash.startswith("scrypt:")
        assert "a long enough password" not in user.password_hash


def test_next_parameter_cannot_leave_the_site(app, client):
    with app.app_context():
        factories.user("organizer", email="org@example.org")
        db.session.commit()
    response = client.post_form(
        "/login?next=https://evil.example/",
        {"email": "org@example.org", "password": factories.PASSWORD},
        form_url="/login",
    )
    assert response.headers["Location"] == "/manage/"
