"""Throttling: repeated authentication failures get 429 with Retry-After, per client address
and per Basic username; only failures count, and nobody else's failures hold back a poll.

Limits are tiny and per hour so that no test depends on timing: nothing here sleeps, and no
window can roll over while a test runs.
"""

import base64
import os
import uuid

import pytest

from pos_transactions import create_app
from pos_transactions.config import settings_from_environment

FEED = "/api/v1/transactions/?start_date=2021-03-10&end_date=2021-03-13"
REDIS_URL = os.environ.get("POS_TEST_REDIS_URL")
WRONG = {"Authorization": "Token wrong-token"}


def basic(username: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def at(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def store(app, load):
    app.config["AUTH_FAILURE_LIMIT"] = "3 per hour"
    app.config["AUTH_FAILURE_LIMIT_PER_USERNAME"] = "2 per hour"
    return load("rules.json")


@pytest.fixture
def good(token_headers, store):
    return token_headers(store)


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert response.is_json and response.json["status"] == 429
    assert "Too many failed authentication attempts" in response.json["error"]
    assert 1 <= int(response.headers["Retry-After"]) <= 3601
    assert response.headers["Cache-Control"] == "no-store"


def test_repeated_failures_from_one_address_get_a_429_with_retry_after(client, good):
    assert [client.get(FEED, headers=WRONG).status_code for _ in range(3)] == [401] * 3
    assert_throttled(client.get(FEED, headers=WRONG))
    assert_throttled(client.get(FEED, headers=good))  # the address is held back entirely
    assert "this address" in client.get(FEED, headers=WRONG).json["error"]


def test_another_address_is_not_held_back_by_this_ones_failures(client, good):
    for _ in range(4):
        client.get(FEED, headers=WRONG, **at("203.0.113.7"))
    assert client.get(FEED, headers=WRONG, **at("203.0.113.7")).status_code == 429
    assert client.get(FEED, headers=good, **at("198.51.100.2")).status_code == 201
    assert client.get(FEED, headers=WRONG, **at("198.51.100.2")).status_code == 401


def test_successes_never_count(client, good):
    assert {client.get(FEED, headers=good).status_code for _ in range(10)} == {201}
    assert client.get(FEED, headers=WRONG).status_code == 401


def test_requests_without_credentials_do_not_count(client, good):
    assert {client.get(FEED).status_code for _ in range(5)} == {401}
    assert client.get(FEED, headers=good).status_code == 201


def test_a_push_counts_too(client, token_headers, store):
    for _ in range(3):
        assert client.post("/api/v1/sales/", json=[], headers=WRONG).status_code == 401
    assert_throttled(client.post("/api/v1/sales/", json=[], headers=WRONG))


def test_failures_for_one_username_lock_it_from_every_address(client, credential, store):
    """A spread-out guess at one username is stopped: its own right password waits out the
    window too (documented), while Token polls, which carry no username, go on."""
    username, secret = credential(store)
    assert client.get(FEED, headers=basic(username, "guess-1"), **at("10.0.0.1")).status_code == 401
    assert client.get(FEED, headers=basic(username, "guess-2"), **at("10.0.0.2")).status_code == 401
    locked = client.get(FEED, headers=basic(username, secret), **at("10.0.0.3"))
    assert_throttled(locked)
    assert "this username" in locked.json["error"]
    token = {"Authorization": f"Token {secret}"}
    assert client.get(FEED, headers=token, **at("10.0.0.3")).status_code == 201
    other_username, other_secret = credential(store)
    other = basic(other_username, other_secret)
    assert client.get(FEED, headers=other, **at("10.0.0.3")).status_code == 201


def test_forwarded_for_is_ignored_unless_the_operator_trusts_a_proxy(database_url):
    """Without POS_TRANSACTIONS_TRUSTED_PROXIES a client cannot pick its own address."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "AUTH_FAILURE_LIMIT": "3 per hour"}
    )
    client = app.test_client()
    for n in range(3):
        client.get(FEED, headers=WRONG | {"X-Forwarded-For": f"192.0.2.{n}"})
    assert client.get(FEED, headers=WRONG | {"X-Forwarded-For": "192.0.2.9"}).status_code == 429
    app.extensions["pos_transactions.engine"].dispose()


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(database_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "AUTH_FAILURE_LIMIT": "3 per hour",
            "TRUSTED_PROXY_HOPS": 1,
        }
    )
    client = app.test_client()
    for _ in range(4):
        client.get(FEED, headers=WRONG | {"X-Forwarded-For": "192.0.2.1"})
    assert client.get(FEED, headers=WRONG | {"X-Forwarded-For": "192.0.2.1"}).status_code == 429
    assert client.get(FEED, headers=WRONG | {"X-Forwarded-For": "192.0.2.2"}).status_code == 401
    app.extensions["pos_transactions.engine"].dispose()


@pytest.fixture
def redis_url():
    if not REDIS_URL:
        reason = "POS_TEST_REDIS_URL is not set: run scripts/run-tests to start Redis"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return REDIS_URL


def test_workers_share_the_failure_count_through_redis(database_url, redis_url):
    """Two applications on one database and one Redis are two gunicorn workers."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "AUTH_FAILURE_LIMIT": "3 per hour",
        "RATELIMIT_STORAGE_URL": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's counts only
    }
    workers = [create_app(config), create_app(config)]
    first, second = (worker.test_client() for worker in workers)
    assert first.get(FEED, headers=WRONG).status_code == 401
    assert second.get(FEED, headers=WRONG).status_code == 401
    assert first.get(FEED, headers=WRONG).status_code == 401
    assert_throttled(second.get(FEED, headers=WRONG))
    assert_throttled(first.get(FEED, headers=WRONG))
    for worker in workers:
        worker.extensions["pos_transactions.engine"].dispose()


def test_an_unreachable_store_falls_back_to_memory_not_to_errors(database_url, caplog):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "AUTH_FAILURE_LIMIT": "3 per hour",
            "RATELIMIT_STORAGE_URL": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    )
    client = app.test_client()
    assert [client.get(FEED, headers=WRONG).status_code for _ in range(4)] == [401] * 3 + [429]
    assert "falling back to in-memory storage" in caplog.text
    app.extensions["pos_transactions.engine"].dispose()


@pytest.mark.parametrize(
    "variable",
    ["POS_TRANSACTIONS_AUTH_FAILURE_LIMIT", "POS_TRANSACTIONS_AUTH_FAILURE_LIMIT_PER_USERNAME"],
)
def test_a_limit_that_is_not_a_rate_is_refused_at_start(monkeypatch, tmp_path, variable):
    monkeypatch.setenv(variable, "twenty a minute")
    with pytest.raises(RuntimeError, match=variable):
        settings_from_environment(str(tmp_path))


def test_the_limits_and_store_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POS_TRANSACTIONS_AUTH_FAILURE_LIMIT", "5 per second; 50 per hour")
    monkeypatch.setenv("POS_TRANSACTIONS_RATELIMIT_STORAGE_URL", "redis://cache:6379/2")
    monkeypatch.setenv("POS_TRANSACTIONS_TRUSTED_PROXIES", "2")
    settings = settings_from_environment(str(tmp_path))
    assert settings["AUTH_FAILURE_LIMIT"] == "5 per second; 50 per hour"
    assert settings["AUTH_FAILURE_LIMIT_PER_USERNAME"] == "10 per minute"
    assert settings["RATELIMIT_STORAGE_URL"] == "redis://cache:6379/2"
    assert settings["TRUSTED_PROXY_HOPS"] == 2
