"""Credentials and tenancy: Token (LucidRetail), Bearer and Basic; hashed, revocable, scoped."""

import base64
import json

import pytest
from sqlalchemy import event

from pos_transactions.credentials import MAX_USERNAME_LENGTH, Scope, plausible
from pos_transactions.db import new_session
from pos_transactions.models import Credential

from conftest import read_json

FEED = "/api/v1/transactions/?start_date=2021-03-10&end_date=2021-03-13"


@pytest.fixture
def store(load):
    return load("rules.json")


def basic(username: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


@pytest.mark.parametrize("scheme", ["Token", "Bearer"])
def test_token_schemes(client, store, credential, scheme):
    _, secret = credential(store)
    response = client.get(FEED, headers={"Authorization": f"{scheme} {secret}"})
    assert response.status_code == 201 and len(response.json) == 6


def test_basic_auth(client, store, credential):
    username, secret = credential(store)
    assert client.get(FEED, headers=basic(username, secret)).status_code == 201


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Token wrong"},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Token "},
        {"Authorization": "Digest abc"},
        {"Authorization": "Basic !!!not-base64"},
    ],
)
def test_missing_or_wrong_credentials_are_a_json_401(client, store, headers):
    response = client.get(FEED, headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.json["error"]
    assert "Token" in response.headers["WWW-Authenticate"]


def test_401_is_the_same_whether_the_username_exists_or_not(client, store, credential):
    username, _ = credential(store)
    known = client.get(FEED, headers=basic(username, "wrong-password"))
    unknown = client.get(FEED, headers=basic("pt_nobody", "wrong-password"))
    assert (known.status_code, known.json) == (unknown.status_code, unknown.json)
    assert known.headers["WWW-Authenticate"] == unknown.headers["WWW-Authenticate"]


def test_secrets_are_stored_only_as_hashes(app, store, credential):
    _, secret = credential(store)
    with app.app_context(), new_session() as session:
        stored = session.query(Credential).one()
        assert secret.encode() not in stored.secret_hash and len(stored.secret_hash) == 32


def test_a_retailer_can_hold_several_credentials_and_revoke_one(
    client, runner, cli, store, credential
):
    old_user, old_secret = credential(store)
    _, new_secret = credential(store)
    assert runner.invoke(cli, ["revoke-credentials", old_user]).exit_code == 0
    assert client.get(FEED, headers={"Authorization": f"Token {old_secret}"}).status_code == 401
    assert client.get(FEED, headers={"Authorization": f"Token {new_secret}"}).status_code == 201
    assert client.get(FEED, headers=basic(old_user, old_secret)).status_code == 401


def test_a_credential_sees_only_its_own_retailer(client, load, credential, tmp_path):
    load("rules.json")
    other = read_json("rules.json")
    other["retailer"] = {"id": "other-store", "name": "Other", "timezone": "UTC"}
    other["sales"] = other["sales"][:1]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other))
    load(path)
    _, secret = credential("other-store")
    transactions = client.get(FEED, headers={"Authorization": f"Token {secret}"}).json
    assert len(transactions) == 1


def test_an_ingest_credential_cannot_read_the_feed(client, store, credential):
    _, secret = credential(store, Scope.INGEST)
    response = client.get(FEED, headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 403 and response.json["error"]


def test_a_feed_credential_cannot_push_sales(client, store, credential):
    _, secret = credential(store, Scope.FEED)
    response = client.post("/api/v1/sales/", json=[], headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 403


def basic_raw(pair: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Basic YQBiOmM="},  # "a\x00b:c": a NUL in the username
        basic_raw(b"pt_0123\x00:secret"),
        basic_raw(b"pt_ok:sec\x00ret"),
        basic_raw(b"pt_\x01\x7f:secret"),  # control characters
        basic_raw("pt_é:secret".encode()),  # non-ASCII (valid UTF-8)
        basic_raw(b"\xff\xfe:secret"),  # not UTF-8
        basic_raw(b"u" * 65 + b":secret"),  # longer than the username column
        basic_raw(b"u" * 5000 + b":secret"),
        basic_raw(b"pt_ok:" + b"p" * 5000),
        basic_raw(b":"),
        basic_raw(b"nocolon"),
        {"Authorization": "Basic"},
        {"Authorization": "Basic =="},
        {"Authorization": "Basic " + "A" * 6000},
        {"Authorization": "Token " + "t" * 6000},  # longer than any secret
        {"Authorization": "Token abc\x00def"},
        {"Authorization": "Token caf\xe9"},  # a latin-1 byte in the header
        {"Authorization": "Basic \xa0"},  # werkzeug's Basic decoder raises on non-ASCII
        {"Authorization": "Basic caf\xe9=="},
        {"Authorization": "Bearer \x7f"},
        {"Authorization": ""},
        {"Authorization": "   "},
    ],
)
def test_hostile_authorization_headers_are_a_json_401(client, store, headers):
    response = client.get(FEED, headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.json["error"]
    assert "Token" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("pt_0123456789abcdef", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("a\x00b", False),
        ("a b", True),  # printable
        ("a\tb", False),
        ("caf\xe9", False),
        ("\ud800", False),
    ],
)
def test_what_may_reach_the_username_lookup(value, expected):
    assert plausible(value, MAX_USERNAME_LENGTH) is expected


def test_an_implausible_credential_never_reaches_the_database(app, store, credential):
    """Even against a stored credential of that very name, a NUL is not looked up."""
    username, secret = credential(store)
    statements = []
    engine = app.extensions["pos_transactions.engine"]
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    assert client.get(FEED, headers=basic(username + "\x00", secret)).status_code == 401
    assert client.get(FEED, headers={"Authorization": "Token \x00" + secret}).status_code == 401
    assert not [sql for sql in statements if "from credential" in sql.lower()]
    assert client.get(FEED, headers=basic(username, secret)).status_code == 201
    assert [sql for sql in statements if "from credential" in sql.lower()]
