"""``pos-transactions lucid send-case`` plays LucidRetail against a real webhook: our own
service under gunicorn on loopback, with only DATABASE_URL set."""

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from test_serving import environment, start  # noqa: F401  (the `start` fixture)

from .conftest import AUDIT_STORE, CASES, EXPECTED_CASES
from conftest import DATA
from live_server import BIN, free_port, gunicorn_command, wait_until_serving

COMMAND = [BIN / "pos-transactions"]


def run(env: dict, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *map(str, arguments)], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def served(database_url, start):  # noqa: F811  (test_serving's fixture)
    """A gunicorn serving the audit store's retailer; its webhook URL, token and env."""
    env = environment(database_url)
    assert run(env, "load-fixture", AUDIT_STORE, DATA / "rules.json").returncode == 0
    made = run(env, "create-credentials", "lucid-audit-demo", "--json")
    token = re.search(r'"token": "([^"]+)"', made.stdout).group(1)
    port = free_port()
    server = start(
        gunicorn_command(port),
        env,
    )
    url = f"http://127.0.0.1:{port}/api/v1/cases/"
    wait_until_serving(f"http://127.0.0.1:{port}/healthz", server)
    return url, token, env


def test_send_case_delivers_a_case_and_exits_0(served):
    url, token, env = served
    sent = run(env, "lucid", "send-case", url, "--token", token, CASES / "multi-batch.json")
    assert sent.returncode == 0, sent.stderr
    assert "HTTP 201" in sent.stderr
    answer = json.loads(sent.stdout)
    assert answer["lucid_ids"] == list(EXPECTED_CASES["multi-batch"]["items"])
    lucid_id = answer["lucid_ids"][0]
    looked_up = run(env, "lucid", "lookup", lucid_id)
    assert looked_up.returncode == 0 and "METRC id 1A4060300002C35000000511" in looked_up.stdout


def test_send_case_exits_1_on_a_refusal_and_prints_it(served):
    url, token, env = served
    refused = run(env, "lucid", "send-case", url, "--token", token, CASES / "malformed.json")
    assert refused.returncode == 1 and "HTTP 400" in refused.stderr
    assert set(EXPECTED_CASES["malformed"]["problems"]) <= set(json.loads(refused.stdout))
    wrong = run(env, "lucid", "send-case", url, "--token", "nope", CASES / "single-batch.json")
    assert wrong.returncode == 1 and "HTTP 401" in wrong.stderr


def test_send_case_exits_1_when_nothing_answers(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/api/v1/cases/"
    env = environment(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    result = run(env, "lucid", "send-case", url, "--token", "t", CASES / "single-batch.json")
    assert result.returncode == 1 and "did not answer: ConnectionError" in result.stderr


def test_deliveries_of_one_case_racing_each_other_all_succeed(served):
    """LucidRetail retrying while its first delivery is in flight: every delivery is a 201
    and the case is stored once (ON CONFLICT upserts; a lost race is retried)."""
    url, token, env = served
    body = (CASES / "sub-cases.json").read_bytes()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    for _round in range(3):
        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(lambda _: requests.post(url, data=body, headers=headers, timeout=60),
                         range(4))
            )
        assert [answer.status_code for answer in answers] == [201] * 4, answers[0].text
    expected = EXPECTED_CASES["sub-cases"]
    for lucid_id, where in expected["items"].items():
        found = json.loads(run(env, "lucid", "lookup", lucid_id, "--json").stdout)
        assert [entry["case_id"] for entry in found["entries"]] == [where["case"]]
