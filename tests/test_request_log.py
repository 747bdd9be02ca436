"""The request log: one JSON line per request on stderr, with the request id everywhere."""

import base64
import json
import logging
import os
import signal
import subprocess

import pytest
import requests
from test_serving import environment, start  # noqa: F401 - a fixture

from pos_transactions.credentials import Scope
from pos_transactions.observability.exchange import request_id_from

from conftest import DATA
from live_server import BIN, free_port, gunicorn_command, wait_until_serving

FEED = "/api/v1/transactions/"
WINDOW = "?start_date=2021-03-11&end_date=2021-03-12"


def log_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def request_lines(text: str) -> list[dict]:
    return [line for line in log_lines(text) if line["logger"] == "pos_transactions.requests"]


@pytest.fixture
def store(load):
    return load("rules.json")


def test_a_feed_request_logs_one_line_with_its_fields(client, store, token_headers, capsys):
    capsys.readouterr()
    answer = client.get(FEED + WINDOW, headers=token_headers(store))
    (line,) = request_lines(capsys.readouterr().err)
    assert line["request_id"] == answer.headers["X-Request-ID"]
    assert line["method"] == "GET" and line["path"] == FEED and line["status"] == 201
    assert line["retailer_id"] == store
    assert line["transactions_served"] == len(answer.json) == 4
    assert line["duration_ms"] >= 0 and line["time"].endswith("Z")


def test_a_push_logs_the_sales_it_wrote(client, store, token_headers, capsys):
    records = [
        {"id": "LOG-1", "completed_at": "2021-03-11T10:00:00Z", "status": "completed",
         "lines": [{"quantity": 1, "lucid_ids": ["5vHqLc9etTWW3AVrEJvBez"]}]}
    ]  # fmt: skip
    capsys.readouterr()
    answer = client.post("/api/v1/sales/", json=records, headers=token_headers(store, Scope.INGEST))
    (line,) = request_lines(capsys.readouterr().err)
    assert answer.status_code == 201
    assert line["sales_written"] == answer.json == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "stale": 0,
    }
    assert line["retailer_id"] == store and "transactions_served" not in line


def test_credentials_and_query_values_never_reach_the_log(client, store, credential, capsys):
    username, secret = credential(store)
    basic = base64.b64encode(f"{username}:{secret}".encode()).decode()
    capsys.readouterr()
    client.get(
        FEED + "?start_date=2021-03-11&end_date=2021-03-12",
        headers={"Authorization": f"Token {secret}"},
    )
    client.get(FEED + "?start_date=1999-01-01", headers={"Authorization": f"Basic {basic}"})
    client.get(FEED, headers={"Authorization": "Token not-a-real-secret-value"})
    output = capsys.readouterr().err
    lines = request_lines(output)
    assert [line["status"] for line in lines] == [201, 201, 401]
    assert lines[2]["retailer_id"] is None
    for forbidden in (secret, basic, "not-a-real-secret-value", "2021-03-11", "1999", "start_date"):
        assert forbidden not in output


def test_an_incoming_request_id_is_echoed_and_logged(client, capsys):
    capsys.readouterr()
    answer = client.get("/metrics", headers={"X-Request-ID": "lucid.poll-2021_03_11"})
    assert answer.headers["X-Request-ID"] == "lucid.poll-2021_03_11"
    assert request_lines(capsys.readouterr().err)[0]["request_id"] == "lucid.poll-2021_03_11"


@pytest.mark.parametrize(
    "hostile",
    ["x" * 65, "abc\r\nX-Injected: 1", "abc\ndef", "caf\u00e9", "\u00ff\u00fe", "has space", "",
     "a/b", '"quoted"', "id;drop"],
)  # fmt: skip
def test_a_hostile_request_id_is_replaced_by_a_generated_one(client, hostile, capsys):
    capsys.readouterr()
    answer = client.get("/metrics", environ_overrides={"HTTP_X_REQUEST_ID": hostile})
    echoed = answer.headers["X-Request-ID"]
    assert echoed != hostile and len(echoed) == 32 and echoed.isalnum()
    assert request_lines(capsys.readouterr().err)[0]["request_id"] == echoed


@pytest.mark.parametrize(
    ("given", "kept"),
    [("abc", True), ("A-z.0_9", True), ("x" * 64, True), ("x" * 65, False), (None, False),
     ("", False), ("a\n", False), ("a b", False), ("\u0430bc", False)],
)  # fmt: skip
def test_request_id_from(given, kept):
    made = request_id_from(given)
    assert (made == given) is kept
    assert made.isascii() and 1 <= len(made) <= 64


def test_error_logs_carry_the_request_id(app, capsys):
    def boom():
        raise RuntimeError("planted failure")

    app.add_url_rule("/boom", view_func=boom)
    capsys.readouterr()
    answer = app.test_client().get("/boom", headers={"X-Request-ID": "trace-500"})
    lines = log_lines(capsys.readouterr().err)
    assert answer.status_code == 500
    error = next(line for line in lines if line["level"] == "ERROR")
    assert error["request_id"] == "trace-500" and "planted failure" in error["exception"]
    assert request_lines("\n".join(map(json.dumps, lines)))[0]["request_id"] == "trace-500"
    assert "planted failure" not in answer.get_data(as_text=True)


def test_a_log_line_outside_a_request_has_no_request_id(app, capsys):
    capsys.readouterr()
    logging.getLogger("pos_transactions.test").warning("outside")
    (line,) = log_lines(capsys.readouterr().err)
    assert line["request_id"] is None and line["message"] == "outside"


def test_the_production_command_logs_requests_and_no_credentials(database_url, start):  # noqa: F811
    env = environment(database_url)
    cli = BIN / "pos-transactions"
    subprocess.run([cli, "load-fixture", DATA / "rules.json"], env=env, check=True, timeout=120)
    made = subprocess.run(
        [cli, "create-credentials", "rules-store", "--json"],
        env=env, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    credential = json.loads(made.stdout)
    basic = base64.b64encode(f"{credential['username']}:{credential['password']}".encode())
    port = free_port()
    server = start(
        gunicorn_command(port, 2, "--access-logfile", "-"),
        env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}{FEED}{WINDOW}"
    wait_until_serving(url, server)
    token = {"Authorization": f"Token {credential['token']}"}
    assert requests.get(url, headers=token, timeout=60).status_code == 201
    basic_header = {"Authorization": f"Basic {basic.decode()}"}
    assert requests.get(url, headers=basic_header, timeout=60).status_code == 201
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)
    output = server.stdout.read() + server.stderr.read()
    served = [line for line in request_lines(output) if line["status"] == 201]
    assert len(served) == 2 and {line["transactions_served"] for line in served} == {4}
    assert "GET /api/v1/transactions/" in output  # gunicorn's access log ran too
    assert credential["token"] not in output and basic.decode() not in output
