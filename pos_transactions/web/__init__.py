"""The retailer's integration page (``/login``, ``/integration/``): server-rendered Jinja
pages for a retailer's staff to connect LucidRetail, see its polls and the week's audit.

Sessions are signed cookies (HttpOnly, SameSite=Lax, Secure when the public base URL is
https); every form carries a CSRF token (Flask-WTF).  The JSON APIs (the feed, the push,
the webhook) authenticate every request by its ``Authorization`` header and are exempt.
"""

import os

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from ..schema import SchemaState
from ..throttle import _EXTENSION as LIMITER_EXTENSION
from ..throttle import client_address
from . import models as _models  # noqa: F401  (registers the tables)
from . import polls
from .secret import load_secret_key

PUBLIC_BASE_URL_VARIABLE = "POS_TRANSACTIONS_PUBLIC_BASE_URL"
csrf = CSRFProtect()
API_PREFIX = "/api/"


def configure(app: Flask) -> None:
    app.config.setdefault("PUBLIC_BASE_URL", os.environ.get(PUBLIC_BASE_URL_VARIABLE) or None)
    base_url = app.config["PUBLIC_BASE_URL"] or ""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=base_url.startswith("https://"),
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session it is bound to
    )


def throttle_login(app: Flask) -> None:
    """Failed sign-ins count against the address and the email, with the limits (and the
    store) that failed API authentications use (`throttle.py`)."""
    from .views import login_failed, submitted_email

    limiter = app.extensions[LIMITER_EXTENSION]
    view = app.view_functions["web.login"]
    for key, limit, scope in (
        (client_address, "AUTH_FAILURE_LIMIT", "login-failures-by-address"),
        (submitted_email, "AUTH_FAILURE_LIMIT_PER_USERNAME", "login-failures-by-email"),
    ):
        view = limiter.limit(
            lambda limit=limit: app.config[limit],
            key_func=key,
            methods=["POST"],
            scope=scope,
            deduct_when=login_failed,
        )(view)
    app.view_functions["web.login"] = view


def init_app(app: Flask) -> None:
    """Call after `db`, `throttle` and the API blueprint are set up."""
    from ..db import get_engine
    from .integration import integration
    from .views import web

    configure(app)
    app.session_interface = PagesOnlySessions()
    with app.app_context():
        engine = get_engine()
    if app.extensions["pos_transactions.schema"].state is SchemaState.CURRENT:
        load_secret_key(app, engine)  # else on the first page request (`views.py`)
    csrf.init_app(app)
    for json_api in ("api", "cases"):  # the feed and push, the Receive-Case webhook
        csrf.exempt(app.blueprints[json_api])
    app.register_blueprint(web)
    app.register_blueprint(integration)
    throttle_login(app)
    polls.init_app(app, engine)


class PagesOnlySessions(SecureCookieSessionInterface):
    """Sessions for the pages only: an API request (authenticated by its header, never a
    cookie) gets the null session, so a poll costs no cookie serializer."""

    def open_session(self, app: Flask, request: Request):
        if request.path.startswith(API_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)
