"""Real serving: ``gunicorn wsgi:app`` and ``pos-transactions demo``, on loopback, with only
DATABASE_URL set — the way production and a newcomer run the service."""

import json
import os
import re
import shutil
import subprocess
import time

import pytest
import requests

from conftest import DATA
from live_server import BIN, free_port, gunicorn_command, server_processes, wait_until_serving


def environment(database_url: str) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "DATABASE_URL": database_url}


@pytest.fixture
def start(tmp_path):
    """Start a server process in its own process group; stop it after the test."""
    with server_processes(tmp_path) as start:
        yield start


def test_gunicorn_serves_wsgi_app_with_only_database_url(database_url, start):
    env = environment(database_url)
    cli = [BIN / "pos-transactions"]
    subprocess.run([*cli, "load-fixture", DATA / "rules.json"], env=env, check=True, timeout=60)
    made = subprocess.run(
        [*cli, "create-credentials", "rules-store", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    token = re.search(r'"token": "([^"]+)"', made.stdout).group(1)
    port = free_port()
    server = start(
        gunicorn_command(port),
        env,
    )
    base = f"http://127.0.0.1:{port}/api/v1/transactions/"
    wait_until_serving(base, server)
    headers = {"Authorization": f"Token {token}"}
    answers = [
        requests.get(
            base + "?start_date=2021-03-11&end_date=2021-03-12", headers=headers, timeout=30
        )
        for _ in range(4)  # both workers, same ids
    ]
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.text for answer in answers}) == 1 and len(answers[0].json()) == 4
    assert requests.get(base, timeout=10).status_code == 401


@pytest.mark.skipif(shutil.which("curl") is None, reason="the demo's curl line needs curl")
def test_demo_loads_fixtures_prints_a_working_curl_line_and_serves(database_url, start, tmp_path):
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    shutil.copy(DATA / "rules.json", fixtures)
    port = free_port()
    demo = start(
        [BIN / "pos-transactions", "demo", "--fixtures", fixtures, "--port", str(port)],
        environment(database_url),
    )
    line = ""
    deadline = time.monotonic() + 60
    while "curl" not in line and time.monotonic() < deadline:
        line = demo.stdout.readline()
    assert "curl" in line, "the demo printed no curl line"
    wait_until_serving(f"http://127.0.0.1:{port}/", demo)
    command = line.strip().replace("curl ", "curl -s ", 1)
    answer = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=30)
    transactions = json.loads(answer.stdout)
    assert len(transactions) == 6  # every reported sale of the store, from its first to last day
