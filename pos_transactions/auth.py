"""Who is calling: LucidRetail's ``Token``, plus ``Bearer`` and HTTP Basic, via flask-httpauth.

Every scheme resolves to a `Credential`, which carries its retailer (tenancy) and its scope
(the role a view requires).  A failure says the same thing whatever went wrong, so it
reveals nothing about which usernames exist.  A success queues a record of the credential's
use, at most once a minute, written off the request's path (`credentials.write_uses`), for
a person rotating credentials.
"""

import re
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth, MultiAuth

from .credentials import (
    CredentialUse,
    check_password,
    check_token,
    now_utc,
    use_is_due,
    write_uses,
)
from .db import engine_of, read_session
from .deferred_writes import DeferredWrites
from .errors import error_response

REALM = "pos-transactions"
CHALLENGE = f'Token realm="{REALM}", Bearer realm="{REALM}", Basic realm="{REALM}"'

token_auth = HTTPTokenAuth(scheme="Token", realm=REALM)
bearer_auth = HTTPTokenAuth(scheme="Bearer", realm=REALM)
basic_auth = HTTPBasicAuth(realm=REALM)
auth = MultiAuth(token_auth, bearer_auth, basic_auth)
# Every credential of every scheme is printable ASCII (a Basic pair is base64).
_READABLE_AUTHORIZATION = re.compile(r"[\x20-\x7e]*")
_USES = "pos_transactions.credential_uses"


@basic_auth.verify_password
def verify_password(username: str, password: str):
    if not username or not password:
        return None
    with read_session() as session:
        return _caller(check_password(session, username, password))


@token_auth.verify_token
@bearer_auth.verify_token
def verify_token(token: str):
    if not token:
        return None
    with read_session() as session:
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
        uses_of(current_app).add(CredentialUse(credential.id, now))
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


def uses_of(app: Flask) -> DeferredWrites[CredentialUse]:
    """The process's queue of credential uses (`flush` it to read them back at once)."""
    return app.extensions[_USES]


def init_app(app: Flask) -> None:
    """Call after the database and before the throttle (its own hooks read the header)."""
    app.extensions[_USES] = DeferredWrites(engine_of(app), write_uses, "credential-use")
    app.before_request(refuse_unreadable_authorization)
