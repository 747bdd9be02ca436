"""Signing in and out, and the one-time link that sets a password.  Views stay thin: the
rules are in `users.py`."""

import hashlib
from functools import wraps

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError

from ..db import get_engine, new_session
from .forms import LoginForm, LogoutForm, SetPasswordForm
from .models import WebUser
from .secret import load_secret_key
from .users import authenticate, find_link, set_password

web = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                static_url_path="/web-static")


@web.before_app_request
def session_key() -> None:
    """Pages need the session key; one not loaded at start (the database was not ready)
    is loaded now.  API requests never touch it."""
    if request.blueprint in ("web", "integration"):
        load_secret_key(current_app, get_engine())


def signed_in_user() -> WebUser | None:
    """The signed-in user, read once per request (None when signed out or since deleted)."""
    if "web_user" not in g:
        user_id = session.get("user_id")
        with new_session() as db_session:
            g.web_user = db_session.get(WebUser, user_id) if user_id is not None else None
    return g.web_user


def sign_in_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if signed_in_user() is None:
            return redirect(url_for("web.login"))
        return view(*args, **kwargs)

    return guarded


@web.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        with new_session() as db_session:
            user = authenticate(db_session, form.email.data, form.password.data)
        if user is not None:
            session.clear()
            session["user_id"] = user.id
            return redirect(url_for("integration.page"))
        g.login_failed = True  # counted by the login throttle (`web.init_app`)
        failed = True
    status = 401 if failed else 200
    return render_template("login.html", form=form, failed=failed), status


def login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def submitted_email() -> str:
    """The key of the per-email login throttle: the email as normalised, hashed."""
    email = (request.form.get("email") or "").strip().lower()
    return hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@web.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        session.clear()
    return redirect(url_for("web.login"))


@web.route("/set-password", methods=["GET", "POST"])
def choose_password():
    """The one-time link's page.  Its token is in the query string, which no log records
    (gunicorn's access log and the request log keep the path only)."""
    token = request.args.get("token", "")
    form = SetPasswordForm()
    with new_session() as db_session, db_session.begin():
        link = find_link(db_session, token)
        if link is None:
            return render_template("link_expired.html"), 404
        if form.validate_on_submit():
            set_password(db_session, link, form.password.data)
            return redirect(url_for("web.login", password="set"))
    return render_template("set_password.html", form=form)


@web.errorhandler(CSRFError)
def csrf_refused(error: CSRFError):
    return render_template("error.html", title="Form expired", message=error.description), 400


@web.errorhandler(RateLimitExceeded)
def too_many_attempts(_error: RateLimitExceeded):
    message = "Too many failed sign-ins. Wait a minute, then try again."
    return render_template("error.html", title="Too many attempts", message=message), 429
