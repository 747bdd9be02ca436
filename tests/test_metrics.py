"""``GET /metrics``: Prometheus' text format, who may read it, and counts across workers."""

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from pos_transactions import create_app
from pos_transactions.credentials import Scope
from pos_transactions.observability import metrics
from pos_transactions.observability.exchange import Exchange
from pos_transactions.observability.metrics_view import bearer_matches

from conftest import DATA
from live_server import free_port, gunicorn_command, server_processes, wait_until_serving

FEED = "/api/v1/transactions/"


def samples(text: str) -> dict[tuple, float]:
    """Every sample of the exposition, keyed by (name, sorted labels)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(client) -> str:
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.data
    return answer.get_data(as_text=True)


def test_metrics_count_requests_transactions_sales_and_failures(client, load, token_headers):
    store = load("rules.json")
    before = scrape(client)
    client.get(FEED + "?start_date=2021-03-11&end_date=2021-03-12", headers=token_headers(store))
    client.get(FEED)  # no credentials
    records = [
        {"id": "M-1", "completed_at": "2021-03-11T10:00:00Z", "status": "completed",
         "lines": [{"quantity": 1, "lucid_ids": ["5vHqLc9etTWW3AVrEJvBez"]}]}
    ]  # fmt: skip
    push = client.post(
        "/api/v1/sales/?adapter=generic", json=records, headers=token_headers(store, Scope.INGEST)
    )
    assert push.status_code == 201
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests_total = "pos_transactions_requests_total"
    assert grew(requests_total, endpoint="api.transactions", method="GET", status="201") == 1
    assert grew(requests_total, endpoint="api.transactions", method="GET", status="401") == 1
    assert grew(requests_total, endpoint="api.push_sales", method="POST", status="201") == 1
    assert grew("pos_transactions_transactions_served_total") == 4
    assert grew("pos_transactions_sales_written_total", adapter="generic") == 1
    assert grew("pos_transactions_authentication_failures_total") == 1
    latency = "pos_transactions_request_duration_seconds_count"
    assert grew(latency, endpoint="api.transactions") == 2
    assert store not in after  # no retailer label


@pytest.mark.parametrize(
    ("status", "counter"),
    [(401, "AUTHENTICATION_FAILURES"), (429, "THROTTLED"), (503, "DATABASE_ERRORS")],
)
def test_error_statuses_have_their_own_counters(status, counter):
    before = getattr(metrics, counter)._value.get()
    exchange = Exchange("id", "GET", "/x", "api.transactions", 0.0, status=status)
    metrics.observe(exchange, 0.01)
    assert getattr(metrics, counter)._value.get() == before + 1


def test_unbounded_methods_share_one_label():
    exchange = Exchange("id", "BREW", "/x", None, 0.0, status=405)
    metrics.observe(exchange, 0.01)
    text = metrics.exposition().decode()
    assert 'method="other"' in text and "BREW" not in text


def test_cached_day_hits_and_misses_are_counted():
    hits = metrics.CACHED_DAYS.labels("hit")._value.get()
    misses = metrics.CACHED_DAYS.labels("miss")._value.get()
    metrics.record_cached_day(hit=True)
    metrics.record_cached_day(hit=False)
    metrics.record_cached_day(hit=False)
    assert metrics.CACHED_DAYS.labels("hit")._value.get() == hits + 1
    assert metrics.CACHED_DAYS.labels("miss")._value.get() == misses + 2


def test_metrics_are_open_to_loopback_only_by_default(client):
    assert client.get("/metrics").headers["Content-Type"].startswith("text/plain")
    for address in ("127.0.0.1", "::1", "127.0.0.2"):
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": address}).status_code == 200
    remote = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert remote.status_code == 403 and remote.json["status"] == 403
    assert "POS_TRANSACTIONS_METRICS_TOKEN" in remote.json["error"]


@pytest.fixture
def token_app(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "METRICS_TOKEN": "m-s3cret"})
    yield app
    app.extensions["pos_transactions.engine"].dispose()


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(None, 401), ("Bearer wrong", 401), ("Token m-s3cret", 401), ("Bearer m-s3cret", 200),
     ("bearer m-s3cret", 200)],
)  # fmt: skip
def test_a_metrics_token_is_required_from_anywhere_when_set(token_app, authorization, status):
    headers = {"Authorization": authorization} if authorization else {}
    for address in ("127.0.0.1", "10.1.2.3"):
        answer = token_app.test_client().get(
            "/metrics", headers=headers, environ_base={"REMOTE_ADDR": address}
        )
        assert answer.status_code == status
        if status == 401:
            assert answer.json["status"] == 401 and "Bearer" in answer.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    ("header", "matches"),
    [("Bearer t0k", True), ("BEARER t0k", True), ("Bearer t0k ", True), ("Bearer t0", False),
     ("Bearer", False), ("", False), (None, False), ("Basic t0k", False),
     ("Bearer t0k\u00e9", False)],
)  # fmt: skip
def test_bearer_matches(header, matches):
    assert bearer_matches(header, "t0k") is matches


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
     ("10.0.0.1", False), ("::ffff:10.0.0.1", False), ("2001:db8::1", False), ("", False),
     (None, False), ("localhost", False)],
)  # fmt: skip
def test_is_loopback(address, loopback):
    assert metrics.is_loopback(address) is loopback


@pytest.fixture
def start_logged(tmp_path):
    """Start a server whose output goes to a file; stop it after the test."""
    with server_processes(tmp_path, to_files=True) as start:
        yield start


def test_counts_add_up_across_two_gunicorn_workers(tmp_path, start_logged):
    folder = tmp_path / "metrics"
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'metrics.sqlite3'}",
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    folder.mkdir()
    (folder / "counter_999999.db").write_bytes(b"stale")  # an earlier run's: emptied at start
    port = free_port()
    server = start_logged(
        gunicorn_command(port, 2, "-c", DATA / "gunicorn-metrics.conf.py"),
        env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base + "/metrics", server)
    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        deadline = time.monotonic() + 120
        while len(writers(folder)) < 2 and time.monotonic() < deadline:
            answers = list(pool.map(lambda _: requests.get(base + FEED, timeout=60), range(16)))
            assert {answer.status_code for answer in answers} == {401}
            sent += len(answers)
    assert "999999" not in writers(folder), "an earlier run's counts were kept"
    assert len(writers(folder)) == 2, "one worker answered every request"
    labels = {"endpoint": "api.transactions", "method": "GET", "status": "401"}
    deadline = time.monotonic() + 60  # a request is counted when its response has been closed,
    while time.monotonic() < deadline:  # just after the client got its last byte
        text = requests.get(base + "/metrics", timeout=60).text
        counts = [
            value(text, "pos_transactions_requests_total", **labels),
            value(text, "pos_transactions_authentication_failures_total"),
        ]
        if counts == [sent, sent]:
            break
        time.sleep(0.2)
    assert counts == [sent, sent]


def writers(folder: Path) -> set[str]:
    """The processes that wrote counts to the multi-process folder (an earlier run's are gone)."""
    return {re.search(r"_(\d+)\.db$", path.name).group(1) for path in folder.glob("*.db")}
