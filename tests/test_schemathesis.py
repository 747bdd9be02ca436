"""Schemathesis, from the served OpenAPI document, against a live gunicorn with real data.

Every operation gets a bounded, deterministic budget (``SCHEMATHESIS_MAX_EXAMPLES`` per
operation, 50 unless set; derandomized) of positive examples, sent with valid credentials of
the scope the operation needs; each answer must not be a server error and must conform to
the document (status, content type, headers, body schema).  Run longer by hand:
``SCHEMATHESIS_MAX_EXAMPLES=1000 scripts/run-tests tests/test_schemathesis.py``.
"""

import json
import os
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from test_metrics import start_logged  # noqa: F401 - a fixture
from test_serving import environment

from conftest import DATA
from live_server import BIN, free_port, gunicorn_command, wait_until_serving

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "50"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
SCOPE_OF = {"/api/v1/transactions/": "feed", "/api/v1/sales/": "ingest"}


def _token(env: dict, scope: str) -> str:
    made = subprocess.run(
        [BIN / "pos-transactions", "create-credentials", "rules-store", "--scope", scope, "--json"],
        env=env, check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return re.search(r'"token": "([^"]+)"', made.stdout).group(1)


def store_moved_to_yesterday(folder: Path) -> Path:
    """tests/data/rules.json with its sales moved to yesterday (UTC), so the feed's default
    window (the one most examples ask for) answers real transactions, null ids included."""
    store = json.loads((DATA / "rules.json").read_text())
    shift = datetime.now(UTC).date() - timedelta(days=1) - date(2021, 3, 11)
    for sale in store["sales"]:
        moved = datetime.fromisoformat(sale["completed_at"]) + shift
        sale["completed_at"] = moved.isoformat()
    path = folder / "rules-yesterday.json"
    path.write_text(json.dumps(store))
    return path


@pytest.fixture
def live(database_url, start_logged, tmp_path):  # noqa: F811
    """A gunicorn (2 workers) on a seeded database, and a token per scope."""
    env = environment(database_url)
    subprocess.run(
        [BIN / "pos-transactions", "load-fixture", store_moved_to_yesterday(tmp_path)],
        env=env, check=True, timeout=120,
    )  # fmt: skip
    tokens = {scope: _token(env, scope) for scope in ("feed", "ingest")}
    port = free_port()
    server = start_logged(
        gunicorn_command(port),
        env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base + "/api/v1/openapi.json", server)
    return base, tokens


def test_no_server_error_and_every_answer_conforms(live):
    base, tokens = live
    schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json")
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.path for operation in operations} >= SCOPE_OF.keys()
    for operation in operations:
        scope = SCOPE_OF.get(operation.path)
        headers = {"Authorization": f"Token {tokens[scope]}"} if scope else {}
        try:
            fuzz(operation, base, headers)
        except Exception as error:  # every operation runs; all failures are reported at once
            failures.append(f"{operation.label}:\n{error}")
    assert not failures, "\n\n".join(failures)


def fuzz(operation, base: str, headers: dict) -> None:
    """Send the operation's examples and check each answer; raises on the first failure."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def examples(case):
        response = case.call(base_url=base, headers=headers, timeout=60)
        case.validate_response(response, checks=CHECKS)

    examples()
