"""The ``pos-transactions`` command line, on SQLite and PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    for record in ("BAD-URL", "BAD-ID", "BAD-TIME", "BAD-STATUS", "NO-LINES", "record #6", "OK-1"):
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
