"""Throttling repeated authentication failures, with Flask-Limiter.

Only failures count: every request that presents credentials is first *tested* against two
limits, and a hit is recorded only when its answer is a 401.  So

- a client address that failed too often (``AUTH_FAILURE_LIMIT``) gets 429 for everything
  it sends, good credentials included, until its window has room again;
- a Basic username that failed too often (``AUTH_FAILURE_LIMIT_PER_USERNAME``) gets 429
  from every address, its right password included: that is what stops a spread-out guess,
  at the price that someone hammering a username locks it out for the window.  Tokens
  (LucidRetail's scheme) carry no username, so a Token poll is never held back by failures
  of anyone else's, and a poll from another address is never held back by this one's.

Counts live in ``RATELIMIT_STORAGE_URL``: ``memory://`` is per process (each gunicorn worker
counts alone, so the effective limit is the limit times the workers), fine for the embedded
default; a deployment shares one ``redis://`` store across all its workers.  When that store
is unreachable, each worker falls back to its own memory and logs a warning.
"""

import hashlib
import math
import time

from flask import Flask, current_app, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from .errors import error_response

_EXTENSION = "pos_transactions.limiter"


def client_address() -> str:
    """The caller's address: the peer's, or the one ``TRUSTED_PROXY_HOPS`` proxies vouch
    for (werkzeug's ProxyFix rewrites ``remote_addr`` only when the operator opts in)."""
    return request.remote_addr or "unknown"


def presents_credentials() -> bool:
    return "Authorization" in request.headers


def basic_username_key() -> str:
    """The Basic username, hashed: a client-chosen string never becomes a storage key."""
    username = _basic_username() or ""
    return hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _basic_username() -> str | None:
    credentials = request.authorization
    if credentials is None or credentials.type != "basic":
        return None
    return credentials.username or None


def is_authentication_failure(response: Response) -> bool:
    return response.status_code == 401


def _limits(app: Flask) -> list[ApplicationLimit]:
    return [
        ApplicationLimit(
            lambda: app.config["AUTH_FAILURE_LIMIT"],
            scope="auth-failures-by-address",
            exempt_when=lambda: not presents_credentials(),
            error_message="Too many failed authentication attempts from this address; "
            "try again later.",
            deduct_when=is_authentication_failure,
        ),
        ApplicationLimit(
            lambda: app.config["AUTH_FAILURE_LIMIT_PER_USERNAME"],
            key_function=basic_username_key,
            scope="auth-failures-by-username",
            exempt_when=lambda: _basic_username() is None,
            error_message="Too many failed authentication attempts for this username; "
            "try again later.",
            deduct_when=is_authentication_failure,
        ),
    ]


def too_many_failures(error: RateLimitExceeded):
    """The JSON error every error is, with ``Retry-After``: when the window has room."""
    limiter: Limiter = current_app.extensions[_EXTENSION]
    breached = limiter.current_limit
    wait = math.ceil(breached.reset_at - time.time()) if breached else 60
    response = error_response(429, error.description)
    response.headers["Retry-After"] = str(max(wait, 1))
    return response


def init_app(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=0, x_host=0, x_prefix=0)
    app.extensions[_EXTENSION] = Limiter(
        client_address,
        app=app,
        application_limits=_limits(app),
        storage_uri=app.config["RATELIMIT_STORAGE_URL"],
        key_prefix=app.config["RATELIMIT_KEY_PREFIX"],
        strategy="moving-window",
        in_memory_fallback_enabled=True,
        headers_enabled=False,
    )
    app.register_error_handler(RateLimitExceeded, too_many_failures)
