"""Signing in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eventdesk import ratelimit
from eventdesk.auth.forms import LoginForm
from eventdesk.core.models import User
from eventdesk.core.services import users
from eventdesk.extensions import db, login_manager
from eventdesk.web import error_response, wants_json

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The account a session or remember-me cookie names, while it is of the current generation."""
    user_id, _, generation = session_id.partition(".")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return error_response("unauthorized", 401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


#: Failed sign-ins before an account (whether it exists or not: nothing tells them apart) is
#: locked for the rest of the window, and before an address is: a venue's staff share one.
ACCOUNT_LOCKOUT = ratelimit.Lockout("account", "5/15minutes")
ADDRESS_LOCKOUT = ratelimit.Lockout("address", "50/15minutes")


def _email_or_address() -> str:
    return (request.form.get("email") or "").strip().lower() or request.remote_addr or "-"


def _safe_next(target: str | None) -> str:
    """Only local paths, so a crafted link cannot send people elsewhere after sign-in."""
    if not target:
        return url_for("manage.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("manage.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@ratelimit.limit("60/minute")
@ratelimit.limit("10/minute", key=_email_or_address)
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        account = "account:" + (form.email.data or "").strip().lower()
        address = ratelimit.client_address()
        if ACCOUNT_LOCKOUT.is_locked(account) or ADDRESS_LOCKOUT.is_locked(address):
            flash(_("Too many failed sign-ins: try again in 15 minutes."), "error")
            status = 429
        else:
            user = users.authenticate(form.email.data, form.password.data)
            if user is None:
                db.session.rollback()  # the failures are counted on a connection of their own
                ACCOUNT_LOCKOUT.failed(account)
                ADDRESS_LOCKOUT.failed(address)
                flash(_("Wrong e-mail or password."), "error")
            else:
                login_user(user, remember=form.remember.data)
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token, so a link elsewhere cannot sign anyone out), on
    every device: a copied session or remember-me cookie signs nobody in afterwards."""
    users.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/account/language")
@login_required
def set_language():
    """Keep the signed-in staff member's language in their account."""
    users.set_language(current_user, request.form.get("language", ""))
    db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
