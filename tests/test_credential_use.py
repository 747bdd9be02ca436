"""Credentials a person can rotate: labels, list-credentials, and last use recorded at most
once a minute, never failing or holding up a request."""

import json
import logging
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from pos_transactions.auth import uses_of
from pos_transactions.credentials import Scope, use_is_due
from pos_transactions.db import get_engine, new_session
from pos_transactions.models import Credential

STORE = "rules.json"
FEED = "/api/v1/transactions/"
T0 = datetime(2026, 12, 1, 9, 0, 0)


@pytest.mark.parametrize(
    ("last_used_at", "now", "due"),
    [
        (None, T0, True),
        (T0, T0, False),
        (T0, T0 + timedelta(seconds=59, microseconds=999_999), False),
        (T0, T0 + timedelta(seconds=60), True),
        (T0 + timedelta(seconds=5), T0, False),  # another worker's clock ahead: not due
    ],
)
def test_use_is_recorded_at_most_once_a_minute(last_used_at, now, due):
    assert use_is_due(last_used_at, now) is due


@pytest.fixture
def retailer(load):
    return load(STORE)


def credentials(app, retailer):
    """The retailer's credentials as stored once every queued use is written."""
    uses_of(app).flush()
    with app.app_context(), new_session() as session:
        return {c.username: c for c in session.query(Credential).filter_by(retailer_id=retailer)}


def test_list_credentials_shows_what_rotation_needs_and_never_a_secret(
    app, runner, cli, retailer, client
):
    made = runner.invoke(
        cli, ["create-credentials", retailer, "--label", "LucidRetail prod", "--json"]
    )
    new = json.loads(made.stdout)
    old = json.loads(runner.invoke(cli, ["create-credentials", retailer, "--json"]).stdout)
    runner.invoke(cli, ["revoke-credentials", old["username"]])
    assert client.get(FEED, headers={"Authorization": f"Token {new['token']}"}).status_code == 201
    uses_of(app).flush()
    listed = runner.invoke(cli, ["list-credentials", retailer, "--json"])
    assert listed.exit_code == 0
    rows = {row["username"]: row for row in json.loads(listed.stdout)}
    assert rows[new["username"]]["label"] == "LucidRetail prod"
    assert rows[new["username"]]["last_used_at"].endswith("Z")
    assert rows[new["username"]]["revoked_at"] is None
    assert rows[old["username"]]["revoked_at"].endswith("Z")
    assert rows[old["username"]]["last_used_at"] is None and rows[old["username"]]["label"] is None
    assert set(rows[new["username"]]) == {
        "username", "scope", "label", "created_at", "last_used_at", "revoked_at"
    }
    table = runner.invoke(cli, ["list-credentials", retailer])
    assert table.stdout.splitlines()[0].split() == [
        "username", "scope", "label", "created", "last", "used", "revoked"
    ]
    assert "LucidRetail prod" in table.stdout and old["username"] in table.stdout
    for output in (listed.output, table.output):
        assert new["token"] not in output and old["token"] not in output


def test_list_credentials_of_an_unknown_retailer_says_so(runner, cli):
    result = runner.invoke(cli, ["list-credentials", "nobody"])
    assert result.exit_code == 1 and "no retailer 'nobody'" in result.output


@pytest.mark.parametrize(("label", "problem"), [("x" * 201, "at most 200"), ("a\nb", "control")])
def test_a_label_is_bounded_text(runner, cli, retailer, label, problem):
    result = runner.invoke(cli, ["create-credentials", retailer, "--label", label])
    assert result.exit_code == 2 and problem in result.output


@pytest.fixture
def clock(monkeypatch):
    """The time authentication sees, set by the test."""
    now = {"value": T0}
    monkeypatch.setattr("pos_transactions.auth.now_utc", lambda: now["value"])
    return now


@pytest.fixture
def credential_updates(app):
    """Every UPDATE of the credential table the writer of credential uses runs."""
    seen = []
    engine = uses_of(app).engine

    def count(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE CREDENTIAL"):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", count)


def test_polls_record_last_use_without_a_write_per_request(
    app, client, retailer, credential, clock, credential_updates
):
    username, secret = credential(retailer)
    headers = {"Authorization": f"Token {secret}"}
    assert client.get(FEED, headers=headers).status_code == 201
    assert credentials(app, retailer)[username].last_used_at == T0
    for seconds in (1, 30, 59):
        clock["value"] = T0 + timedelta(seconds=seconds)
        assert client.get(FEED, headers=headers).status_code == 201
    assert len(credential_updates) == 1  # the first poll's only
    clock["value"] = T0 + timedelta(seconds=61)
    assert client.get(FEED, headers=headers).status_code == 201
    assert credentials(app, retailer)[username].last_used_at == T0 + timedelta(seconds=61)
    assert len(credential_updates) == 2


def test_basic_logins_record_use_and_failures_do_not(app, client, retailer, credential, clock):
    username, secret = credential(retailer, Scope.INGEST)
    refused = client.post("/api/v1/sales/", json=[], auth=(username, secret + "x"))
    assert refused.status_code == 401
    assert credentials(app, retailer)[username].last_used_at is None
    client.post("/api/v1/sales/", json=[], auth=(username, secret))
    assert credentials(app, retailer)[username].last_used_at == T0


def test_a_poll_writes_nothing_and_never_waits_for_a_writer_holding_the_lock(
    app, client, retailer, credential, caplog
):
    """A writer holding the lock (SQLite: a bulk load; PostgreSQL: the credential's row)
    costs a poll nothing: its use is only queued, and a write that cannot be made is
    logged and forgotten, never raised."""
    username, secret = credential(retailer)
    with app.app_context():
        engine = get_engine()
    statements = []
    sa.event.listen(
        engine, "before_cursor_execute", lambda *args: statements.append(args[2].strip())
    )
    with engine.connect() as holder:
        if engine.dialect.name == "sqlite":
            holder.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            holder.begin()
            holder.execute(sa.select(Credential).with_for_update())
        response = client.get(FEED, headers={"Authorization": f"Token {secret}"})
        assert response.status_code == 201
        assert not [sql for sql in statements if sql.upper().startswith("UPDATE")]
        assert not uses_of(app).entries.empty()  # queued, to be written once the lock is free
        holder.rollback()
    assert credentials(app, retailer)[username].last_used_at is not None


def test_a_use_that_cannot_be_written_is_logged_and_dropped(
    app, client, retailer, credential, caplog, monkeypatch
):
    username, secret = credential(retailer)
    uses = uses_of(app)
    monkeypatch.setattr(uses, "engine", sa.create_engine("sqlite:////nonexistent/dir/db"))
    assert client.get(FEED, headers={"Authorization": f"Token {secret}"}).status_code == 201
    with caplog.at_level(logging.INFO, logger="pos_transactions.deferred_writes"):
        uses.flush()
    assert "1 credential-use entries not written (OperationalError)" in caplog.text
    assert uses.entries.empty() and secret not in caplog.text
    monkeypatch.undo()
    assert credentials(app, retailer)[username].last_used_at is None
