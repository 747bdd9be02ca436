"""Who is calling: LucidRetail's ``Token``, plus ``Bearer`` and HTTP Basic, via flask-httpauth.

Every scheme resolves to a `Credential`, which carries its retailer (tenancy) and its scope
(the role a view requires).  A failure says the same thing whatever went wrong, so it
reveals nothing about which usernames exist.  A success records the credential's use, at
most once a minute (`credentials.record_use`), for a person rotating credentials.
"""

import re
from dataclasses import dataclass

from flask import Flask, request
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth, MultiAuth

from .credentials import check_password, check_token, now_utc, record_use, use_is_due
from .db import get_engine, new_session
from .errors import error_response

REALM = "pos-transactions"
CHALLENGE = f'Token realm="{REALM}", Bearer realm="{REALM}", Basic realm="{REALM}"'

token_auth = HTTPTokenAuth(scheme="Token", realm=REALM)
bearer_auth = HTTPTokenAuth(scheme="Bearer", realm=REALM)
basic_auth = HTTPBasicAuth(realm=REALM)
auth = MultiAuth(token_auth, bearer_auth, basic_auth)
# Every credential of every scheme is printable ASCII (a Basic pair is base64).
_READABLE_AUTHORIZATION = re.compile(r"[\x20-\x7e]*")


@basic_auth.verify_password
def verify_password(username: str, password: str):
    if not username or not password:
        return None
    with new_session() as session:
        return _caller(check_password(session, username, password))


@token_auth.verify_token
@bearer_auth.verify_token
def verify_token(token: str):
    if not token:
        return None
    with new_session() as session:
        return _caller(check_token(session, token))


@dataclass(frozen=True)
class Caller:
    """The authenticated client: whose data it may touch, and what it may do."""

    retailer_id: str
    scope: str


def _caller(credential) -> Caller | None:
    """The caller a checked credential stands for; its use recorded when that is due."""
    if credential is None:
        return None
    now = now_utc()
    if use_is_due(credential.last_used_at, now):
        record_use(get_engine(), credential.id, now)
    return Caller(credential.retailer_id, credential.scope)


@token_auth.get_user_roles
@bearer_auth.get_user_roles
@basic_auth.get_user_roles
def roles(caller: Caller) -> list[str]:
    return [caller.scope]


@token_auth.error_handler
@bearer_auth.error_handler
@basic_auth.error_handler
def auth_error(status: int):
    if status == 403:
        return error_response(403, "These credentials may not do this; check their scope.")
    response = error_response(401, "Missing or invalid credentials.")
    response.headers["WWW-Authenticate"] = CHALLENGE
    return response


def current_retailer_id() -> str:
    return auth.current_user().retailer_id


def refuse_unreadable_authorization():
    """A 401 for an ``Authorization`` header that no scheme could hold, before anything
    parses it: werkzeug's Basic decoder raises on a non-ASCII one, which would be a 500."""
    value = request.headers.get("Authorization")
    if value is not None and not _READABLE_AUTHORIZATION.fullmatch(value):
        return auth_error(401)
    return None


def init_app(app: Flask) -> None:
    """Call before the throttle: its own hooks read the header too."""
    app.before_request(refuse_unreadable_authorization)
