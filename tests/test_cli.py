"""The ``pos-transactions`` command line, on SQLite and PostgreSQL."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pos_transactions.cli import main
from pos_transactions.cli_options import as_cli_message
from pos_transactions.server import port_problem

from conftest import DATA, read_json

RULES = str(DATA / "rules.json")
WINDOW = ["--start", "2021-03-11T00:00:00Z", "--end", "2021-03-12T00:00:00Z"]


def test_init_db_is_safe_to_repeat(runner, cli):
    for _ in range(2):
        result = runner.invoke(cli, ["init-db"])
        assert result.exit_code == 0, result.output


def test_load_fixture_is_idempotent(runner, cli):
    first = runner.invoke(cli, ["load-fixture", RULES])
    second = runner.invoke(cli, ["load-fixture", RULES])
    assert first.exit_code == second.exit_code == 0
    assert "rules-store: 8 created, 0 updated, 0 unchanged, 0 stale" in first.stdout
    assert "rules-store: 0 created, 0 updated, 8 unchanged, 0 stale" in second.stdout


def test_an_invalid_store_loads_nothing_and_lists_every_bad_record(runner, cli):
    result = runner.invoke(cli, ["load-fixture", RULES, str(DATA / "invalid.json")])
    assert result.exit_code == 1
    for record in ("BAD-URL", "BAD-ID", "BAD-TIME", "BAD-STATUS", "NO-LINES", "record #7", "OK-1"):
        assert f"  {record}:" in result.stderr, record
    assert "CaseID" in result.stderr and "more than once" in result.stderr
    # the valid store given alongside was not loaded either: all or nothing
    feed = runner.invoke(cli, ["transactions", "rules-store", *WINDOW])
    assert feed.exit_code != 0 and "no retailer" in feed.output


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        ("this is not json", "not a readable JSON store"),
        ("[1, 2]", "JSON object"),
        ('{"retailer": {"id": "x"}, "sales": []}', "retailer.name"),
        ('{"retailer": {"id": "x", "name": "X", "timezone": "Mars/Olympus"}}', "IANA"),
        (
            '{"retailer": {"id": "x", "name": "X", "timezone": "UTC"}, "adapter": "nope"}',
            "unknown adapter 'nope'; installed adapters: ",
        ),
        (
            '{"retailer": {"id": "x", "name": "X", "timezone": "UTC"}, '
            '"adapter_options": {"a": 1}}',
            "adapter_options: unknown adapter option(s) 'a'; the generic adapter knows: none",
        ),
    ],
)
def test_a_file_that_is_not_a_store_is_refused(runner, cli, tmp_path, content, phrase):
    path = tmp_path / "store.json"
    path.write_text(content)
    result = runner.invoke(cli, ["load-fixture", str(path)])
    assert result.exit_code == 1 and phrase in result.stderr


def test_an_empty_store_only_creates_the_retailer(runner, cli, tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(read_json("rules.json") | {"sales": []}))
    assert runner.invoke(cli, ["load-fixture", str(path)]).exit_code == 0
    result = runner.invoke(cli, ["create-credentials", "rules-store"])
    assert result.exit_code == 0


def test_create_credentials_json_prints_only_the_object(runner, cli, client):
    runner.invoke(cli, ["load-fixture", RULES])
    result = runner.invoke(cli, ["create-credentials", "rules-store", "--json"])
    assert result.exit_code == 0
    made = json.loads(result.stdout)
    assert sorted(made) == ["password", "token", "username"]
    response = client.get(
        "/api/v1/transactions/?start_date=2021-03-11&end_date=2021-03-12",
        headers={"Authorization": f"Token {made['token']}"},
    )
    assert response.status_code == 201 and len(response.json) == 4


@pytest.mark.parametrize(
    ("scope", "feed_status", "push_status"),
    [
        (None, 201, 403),  # the default: LucidRetail's, read-only
        ("feed", 201, 403),
        ("ingest", 403, 201),  # the POS's: write-only
    ],
)
def test_create_credentials_scope(runner, cli, client, scope, feed_status, push_status):
    runner.invoke(cli, ["load-fixture", RULES])
    chosen = ["--scope", scope] if scope else []
    made = json.loads(
        runner.invoke(cli, ["create-credentials", "rules-store", *chosen, "--json"]).stdout
    )
    headers = {"Authorization": f"Token {made['token']}"}
    feed = client.get(
        "/api/v1/transactions/?start_date=2021-03-11&end_date=2021-03-12", headers=headers
    )
    push = client.post("/api/v1/sales/", json=read_json("push-sales.json"), headers=headers)
    assert (feed.status_code, push.status_code) == (feed_status, push_status)


def test_create_credentials_for_an_unknown_retailer_fails(runner, cli):
    result = runner.invoke(cli, ["create-credentials", "nobody"])
    assert result.exit_code != 0 and "no retailer 'nobody'" in result.output


def test_revoking_an_unknown_credential_fails(runner, cli):
    result = runner.invoke(cli, ["revoke-credentials", "pt_nobody"])
    assert result.exit_code != 0 and "pt_nobody" in result.output


def test_transactions_prints_exactly_what_the_api_serves(runner, cli, client, token_headers):
    runner.invoke(cli, ["load-fixture", RULES])
    printed = runner.invoke(cli, ["transactions", "rules-store", *WINDOW])
    served = client.get(
        "/api/v1/transactions/?start_date=2021-03-11T00:00:00Z&end_date=2021-03-12T00:00:00Z",
        headers=token_headers("rules-store"),
    )
    assert printed.exit_code == 0
    assert printed.stdout == served.get_data(as_text=True) + "\n"
    assert len(json.loads(printed.stdout)) == 4


def test_transactions_rejects_a_bad_window(runner, cli):
    runner.invoke(cli, ["load-fixture", RULES])
    result = runner.invoke(cli, ["transactions", "rules-store", "--start", "tomorrow"])
    assert result.exit_code == 2 and "--start" in result.output


def test_adapters_lists_the_generic_adapter(runner, cli):
    result = runner.invoke(cli, ["adapters"])
    assert result.exit_code == 0
    assert any(line.startswith("generic\tpos-transactions ") for line in result.stdout.splitlines())


def test_the_command_finds_its_app_from_any_directory(database_url, tmp_path):
    """The installed console script, run for real with only DATABASE_URL set."""
    command = Path(sys.executable).parent / "pos-transactions"
    env = {k: v for k, v in os.environ.items() if k != "FLASK_APP"} | {"DATABASE_URL": database_url}
    load = subprocess.run(
        [command, "load-fixture", RULES],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert load.returncode == 0, load.stderr
    feed = subprocess.run(
        [command, "transactions", "rules-store", *WINDOW],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert feed.returncode == 0 and len(json.loads(feed.stdout)) == 4


def test_an_invalid_store_says_the_valid_ones_were_not_loaded_either(runner, cli):
    invalid = str(DATA / "invalid.json")
    result = runner.invoke(cli, ["load-fixture", RULES, invalid])
    assert result.exit_code == 1
    assert f"{RULES}: valid, but not loaded because another store is invalid\n" in result.stderr
    assert f"{invalid}: invalid, nothing was loaded\n" in result.stderr


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (["--start", "tomorrow"], "Error: --start must be an ISO-8601 date (2021-03-11 or"),
        (["--end", "2021-03-11\x00"], "Error: --end must be at most 64 characters"),
        (["--start", "2021-03-12", "--end", "2021-03-11"], "Error: --start is later than --end"),
    ],
)
def test_a_bad_window_is_named_by_its_flag(runner, cli, window, message):
    runner.invoke(cli, ["load-fixture", RULES])
    result = runner.invoke(cli, ["transactions", "rules-store", *window])
    assert result.exit_code == 2 and message in result.output
    assert "start_date" not in result.output and "end_date" not in result.output


@pytest.mark.parametrize(
    ("api", "cli_message"),
    [
        ("start_date must be an ISO-8601 date", "--start must be an ISO-8601 date"),
        ("start_date is later than end_date", "--start is later than --end"),
        ("end_date is out of range", "--end is out of range"),
        ("start_datetime is out of range", "start_datetime is out of range"),  # not a flag
    ],
)
def test_window_messages_name_the_flags(api, cli_message):
    assert as_cli_message(api) == cli_message


@pytest.fixture
def busy_port():
    """A port something else is listening on, for as long as the test runs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_demo_on_a_busy_port_says_so_before_loading_or_printing(runner, cli, busy_port):
    result = runner.invoke(cli, ["demo", "--port", str(busy_port)])
    assert result.exit_code == 1
    assert f"port {busy_port} on 127.0.0.1 is already in use" in result.output
    assert f"pick another with --port, e.g. --port {busy_port + 1}" in result.output
    assert "curl" not in result.output and "token" not in result.output
    feed = runner.invoke(cli, ["transactions", "greenleaf-oakland"])
    assert "no retailer 'greenleaf-oakland'" in feed.output  # nothing was loaded


def test_port_problem_tells_a_free_port_from_a_busy_one(busy_port):
    assert port_problem("127.0.0.1", 0) is None  # any free port
    assert (
        port_problem("127.0.0.1", busy_port) == f"port {busy_port} on 127.0.0.1 is already in use"
    )
    assert port_problem("no-such-host.invalid", 8000).startswith("cannot listen on")


def test_help_shows_only_this_service():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    options = result.output.split("Options:")[1].split("Commands:")[0]
    assert [word for word in options.split() if word.startswith("--")] == ["--version", "--help"]
    commands = {
        line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line
    }
    ours = {"init-db", "db", "load-fixture", "create-credentials", "revoke-credentials"}
    assert ours | {"transactions", "adapters", "demo", "lucid"} <= commands
    assert not commands & {"run", "shell", "routes", "limiter"}
