"""`flask users …`: creating accounts, setting passwords, issuing personal API tokens."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from eventdesk.core import tokens
from eventdesk.core.models import ApiToken, AuditLog, User
from eventdesk.extensions import db
from tests.support import factories

_CREATE = ("users", "create", "--password-stdin")
_PASSWORD = "a long enough password\n"


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_admin(app, run_cli):
    result = run_cli(*_CREATE, "Chief@Example.org", "--role", "admin", "--name", "王主任", input=_PASSWORD)
    assert result.exit_code == 0, result.output
    assert "created admin chief@example.org" in result.output
    with app.app_context():
        user = _user("chief@example.org")
        assert (user.role, user.name, user.active, user.scopes) == ("admin", "王主任", True, [])
        assert check_password_hash(user.password_hash, "a long enough password")
        assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.target_id == user.id)) == (
            "user.created"
        )


def test_create_scoped_to_district_and_department(app, run_cli):
    with app.app_context():
        district = factories.district(code="wangyi")
        department = factories.department(code="hrss")
        db.session.commit()
        district_id, department_id = district.id, department.id
    result = run_cli(
        *_CREATE,
        "li@example.org",
        "--role",
        "organizer",
        "--district",
        "wangyi",
        "--department",
        "hrss",
        input=_PASSWORD,
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        scopes = _user("li@example.org").scopes
        assert {(s.district_id, s.department_id) for s in scopes} == {
            (district_id, None),
            (None, department_id),
        }


@pytest.mark.parametrize(
    ("args", "password", "code"),
    [
        (("taken@example.org", "--role", "staff"), "a long enough password", "email_taken"),
        (("new@example.org", "--role", "staff"), "short", "password_too_short"),
        (
            ("new@example.org", "--role", "staff", "--district", "nowhere"),
            "a long enough password",
            "not_found",
        ),
        (("not-an-email", "--role", "staff"), "a long enough password", "invalid_field"),
    ],
)
def test_create_refused_writes_nothing(app, run_cli, args, password, code):
    with app.app_context():
        factories.user("staff", email="taken@example.org")
        db.session.commit()
    result = run_cli(*_CREATE, *args, input=password + "\n")
    assert result.exit_code == 1
    assert code in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == 0


def test_refusal_is_explained_in_the_terminals_language(app, run_cli, monkeypatch):
    with app.app_context():
        factories.user("staff", email="taken@example.org")
        db.session.commit()
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    result = run_cli(*_CREATE, "taken@example.org", "--role", "staff", input=_PASSWORD)
    assert "An account with this e-mail already exists." in result.output
    monkeypatch.setenv("LANG", "C.UTF-8")
    result = run_cli(*_CREATE, "taken@example.org", "--role", "staff", input=_PASSWORD)
    assert "该邮箱的账号已存在" in result.output


def test_reset_password(app, run_cli):
    with app.app_context():
        factories.user("organizer", email="org@example.org")
        db.session.commit()
    result = run_cli(
        "users", "reset-password", "ORG@example.org", "--password-stdin", input="brand new secret\n"
    )
    assert result.exit_code == 0, result.output
    assert "password set for org@example.org" in result.output
    with app.app_context():
        user = _user("org@example.org")
        assert check_password_hash(user.password_hash, "brand new secret")
        assert not check_password_hash(user.password_hash, factories.PASSWORD)


def test_reset_password_refuses_short_one_and_unknown_account(app, run_cli):
    with app.app_context():
        factories.user("organizer", email="org@example.org")
        db.session.commit()
    result = run_cli("users", "reset-password", "org@example.org", "--password-stdin", input="short\n")
    assert result.exit_code == 1
    assert "password_too_short" in result.output
    result = run_cli(
        "users", "reset-password", "nobody@example.org", "--password-stdin", input="long enough\n"
    )
    assert result.exit_code == 1
    with app.app_context():
        assert check_password_hash(_user("org@example.org").password_hash, factories.PASSWORD)


def test_token_is_printed_on_its_own_line_and_stored_hashed(app, run_cli, client):
    with app.app_context():
        factories.user("organizer", email="org@example.org")
        db.session.commit()
    result = run_cli("users", "token", "org@example.org", "--hours", "2")
    assert result.exit_code == 0, result.output
    match = re.search(r"^token: (\S+)$", result.output, re.MULTILINE)
    assert match, result.output
    token = match.group(1)
    with app.app_context():
        stored = db.session.scalars(sa.select(ApiToken)).one()
        assert stored.token_hash == tokens.token_digest(token)
        assert token not in stored.token_hash
        hours = (stored.expires_at - stored.created_at).total_seconds() / 3600
        assert 1.99 < hours < 2.01


def test_token_refused_for_inactive_account(app, run_cli):
    with app.app_context():
        user = factories.user("organizer", email="gone@example.org")
        user.active = False
        db.session.commit()
    result = run_cli("users", "token", "gone@example.org")
    assert result.exit_code == 1
    assert "token:" not in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


@pytest.mark.parametrize("scope", [("--district", "nowhere"), ("--department", "nowhere")])
def test_create_names_an_unknown_code_before_asking_for_a_password(app, run_cli, scope):
    result = run_cli("users", "create", "new@example.org", "--role", "staff", *scope, input="")
    assert result.exit_code == 1
    assert "not_found" in result.output
    assert scope[0].lstrip("-") in result.output
    assert "Password" not in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
