"""Schema migrations: release f8a907a's database upgrades intact, the models and the
migrations agree, every migration goes down and up again, and starting is safe."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from migration_helpers import (
    differences_from_models,
    every_row,
    load_f8a907a,
    signature,
)

from pos_transactions import create_app, health
from pos_transactions.cli import main
from pos_transactions.db import ensure_schema, make_engine
from pos_transactions.schema import (
    SchemaError,
    SchemaState,
    alembic_config,
    baseline_differences,
    classify,
    current,
    heads,
    parse_flag,
    script_directory,
    upgrade,
    upgrade_on_start,
)

BIN = Path(sys.executable).parent
HEAD = heads()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_app():
    """Create applications on demand (after the test has prepared the database)."""
    apps = []

    def make(database_url: str, **config):
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["pos_transactions.engine"].dispose()


@pytest.mark.parametrize(
    ("recorded", "has_tables", "is_baseline", "state"),
    [
        ((), False, False, SchemaState.EMPTY),
        ((), True, True, SchemaState.BEHIND),  # made by f8a907a, before migrations
        ((), True, False, SchemaState.UNVERSIONED),
        (("0002",), True, False, SchemaState.CURRENT),
        (("0001",), True, False, SchemaState.BEHIND),
        (("0003",), True, False, SchemaState.AHEAD),  # a newer release's revision
        (("0001", "0003"), True, False, SchemaState.AHEAD),
    ],
)
def test_where_a_database_stands(recorded, has_tables, is_baseline, state):
    known = frozenset({"0001", "0002"})
    assert classify(recorded, ("0002",), known, has_tables, is_baseline) is state


@pytest.mark.parametrize(
    ("found", "differences"),
    [
        ({"a": {"x", "y"}, "b": {"z"}}, []),
        ({"a": {"x", "y"}}, ["missing table b"]),
        ({"a": {"x", "y"}, "b": {"z"}, "c": set()}, ["unknown table c"]),
        ({"a": {"x"}, "b": {"z", "w"}}, ["a: missing column y", "b: unknown column w"]),
    ],
)
def test_recognising_the_baseline(found, differences):
    assert baseline_differences(found, {"a": {"x", "y"}, "b": {"z"}}) == differences


@pytest.mark.parametrize(
    ("value", "flag"),
    [("1", True), ("yes", True), (" True ", True), ("", False), ("0", False), ("off", False),
     (True, True), (False, False)],
)
def test_upgrade_on_start_is_a_yes_or_no(value, flag):
    assert parse_flag("X", value) is flag


def test_upgrade_on_start_comes_from_the_app_config_or_else_the_environment(monkeypatch):
    monkeypatch.setenv("POS_TRANSACTIONS_UPGRADE_ON_START", "1")
    assert upgrade_on_start({}) is True
    assert upgrade_on_start({"UPGRADE_ON_START": False}) is False
    monkeypatch.delenv("POS_TRANSACTIONS_UPGRADE_ON_START")
    assert upgrade_on_start({}) is False


def test_a_wrong_upgrade_on_start_value_is_an_error():
    with pytest.raises(RuntimeError, match="X must be 1 or 0"):
        parse_flag("X", "sometimes")


def test_an_empty_database_is_made_at_head_and_matches_the_models(engine):
    assert ensure_schema(engine, upgrade=False).state is SchemaState.CURRENT
    with engine.connect() as connection:
        assert current(connection) == HEAD
        assert differences_from_models(connection) == []


def test_the_baseline_makes_exactly_f8a907a_schema(database_url, engine):
    load_f8a907a(database_url)
    with engine.begin() as connection:
        made_by_f8a907a = signature(connection)
        baseline = script_directory().get_revision("0001").module.baseline_metadata()
        baseline.drop_all(connection)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")  # the baseline alone
    with engine.connect() as connection:
        assert current(connection) == ("0001",)
        assert signature(connection) == made_by_f8a907a


def test_a_database_from_f8a907a_upgrades_with_everything_intact(
    database_url, engine, make_app
):
    served = load_f8a907a(database_url)
    with engine.connect() as connection:
        before = every_row(connection)
    app = make_app(database_url)
    client = app.test_client()
    headers = {"Authorization": f"Token {served['token']}"}
    refused = client.get("/api/v1/transactions/", headers=headers)
    assert refused.status_code == 503 and refused.json["schema"] == "behind"

    result = app.test_cli_runner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "upgraded from no revision (before migrations) to head 0005" in result.stderr
    with engine.connect() as connection:
        assert current(connection) == HEAD
        assert differences_from_models(connection) == []
        assert every_row(connection) == before  # sales, credential, registry, pseudonym key
        added = connection.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM sale WHERE modified_at IS NOT NULL"
                " OR original_id IS NOT NULL),"
                " (SELECT count(*) FROM credential WHERE label IS NOT NULL"
                " OR last_used_at IS NOT NULL)"
            )
        ).one()
        assert tuple(added) == (0, 0)  # 0002's columns: empty, so every row means what it did
    for query, answer in served["answers"].items():
        response = client.get(f"/api/v1/transactions/?{query}", headers=headers)
        assert response.status_code == 201
        assert response.get_data(as_text=True) == answer  # byte for byte


def test_every_migration_downgrades_and_upgrades_again(engine):
    ensure_schema(engine)
    steps = len(list(script_directory().walk_revisions()))
    with engine.begin() as connection:
        config = alembic_config(connection)
        for _ in range(steps):
            command.downgrade(config, "-1")
        assert current(connection) == ()
        assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
        for _ in range(steps):
            command.upgrade(config, "+1")
        assert current(connection) == HEAD
        assert differences_from_models(connection) == []
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        assert differences_from_models(connection) == []


def test_init_db_upgrades_a_database_that_is_behind(database_url, make_app):
    load_f8a907a(database_url)
    app = make_app(database_url)
    result = app.test_cli_runner().invoke(main, ["init-db"])
    assert result.exit_code == 0, result.output
    assert app.test_client().get("/readyz").status_code == 200


def test_db_current_and_history_say_where_the_schema_stands(database_url, make_app):
    runner = make_app(database_url).test_cli_runner()
    now = runner.invoke(main, ["db", "current"])
    assert now.exit_code == 0
    assert now.stdout.split() == ["revision:", "0005", "head:", "0005", "state:", "current"]
    history = runner.invoke(main, ["db", "history"])
    assert history.exit_code == 0 and "base -> 0001: Baseline" in history.stdout
    assert "0001 -> 0002: Record versions" in history.stdout
    assert "0002 -> 0003: Received cases" in history.stdout
    assert "0003 -> 0004: The integration page" in history.stdout
    assert "0004 -> 0005 (head): The feed index holds the feed" in history.stdout


def test_several_processes_starting_on_an_empty_database_agree(database_url, engine):
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": database_url}
    processes = [
        subprocess.Popen(
            [BIN / "pos-transactions", "init-db"], env=env, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=180)
        assert process.returncode == 0, errors
    with engine.connect() as connection:
        assert current(connection) == HEAD
        assert differences_from_models(connection) == []
        keys = connection.execute(
            sa.text("SELECT count(*) FROM service_setting WHERE name = 'pseudonym_key'")
        ).scalar()
    assert keys == 1


def make_behind(database_url: str, engine) -> None:
    load_f8a907a(database_url)  # a database from before migrations counts as behind


def make_ahead(database_url: str, engine) -> None:
    ensure_schema(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'f00dfeed'"))


def make_unversioned(database_url: str, engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE somebody_elses (id INTEGER PRIMARY KEY)"))


@pytest.mark.parametrize(
    ("prepare", "state", "upgrades_on_start"),
    [
        (make_behind, "behind", True),
        (make_ahead, "ahead", False),
        (make_unversioned, "unversioned", False),
    ],
)
def test_a_server_refuses_a_schema_it_was_not_written_for(
    database_url, engine, make_app, prepare, state, upgrades_on_start
):
    prepare(database_url, engine)
    client = make_app(database_url).test_client()
    for method, path in [("GET", "/api/v1/transactions/"), ("POST", "/api/v1/sales/")]:
        refused = client.open(path, method=method)
        assert refused.status_code == 503 and refused.json["schema"] == state
        assert state in refused.json["error"] and refused.headers["Retry-After"]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["schema"]["state"] == state
    assert client.get("/healthz").status_code == 200

    opted_in = make_app(database_url, UPGRADE_ON_START=True).test_client()
    assert (opted_in.get("/readyz").status_code == 200) is upgrades_on_start
    assert (opted_in.get("/api/v1/transactions/").status_code == 401) is upgrades_on_start


@pytest.mark.parametrize(("prepare", "phrase"), [
    (make_ahead, "a newer release upgraded it"),
    (make_unversioned, "unknown table somebody_elses"),
])
def test_db_upgrade_refuses_what_no_migration_leads_from(
    database_url, engine, make_app, prepare, phrase
):
    prepare(database_url, engine)
    result = make_app(database_url).test_cli_runner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1 and phrase in result.output
    with engine.connect() as connection, pytest.raises(SchemaError, match=phrase):
        upgrade(connection)


def test_a_running_server_serves_once_an_operator_has_upgraded(
    database_url, engine, make_app, monkeypatch
):
    make_behind(database_url, engine)
    client = make_app(database_url).test_client()
    assert client.get("/api/v1/transactions/").status_code == 503
    ensure_schema(engine)  # `pos-transactions db upgrade`, from another process
    monkeypatch.setattr(health, "SCHEMA_RECHECK_SECONDS", 0.0)  # the next look is due
    assert client.get("/api/v1/transactions/").status_code == 401  # served: asks who you are
