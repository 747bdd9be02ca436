"""Fixtures for the LucidRetail tests: the fake LucidRetail served for real on loopback.

Each test gets a fresh fake (its state comes from fixtures/lucid/fake-lucidretail.json),
and clients whose retries and polls are fast enough for a test suite.
"""

import json
from pathlib import Path

import pytest

from pos_transactions.lucid.client import (
    ClientCredentials,
    HttpSettings,
    LucidRetailClient,
    Secret,
)
from pos_transactions.lucid.export import PollSchedule
from pos_transactions.lucid.fake_server import FakeLucidRetail, load_seed, serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "lucid"
DATA = Path(__file__).parent / "data"
SEED = FIXTURES / "fake-lucidretail.json"
AUDIT_STORE = FIXTURES / "audit-store.json"
RECEIVING_SALE = FIXTURES / "receiving-sale.json"
RETAILER = "lucid-audit-demo"
CLIENT_ID = "audit-demo-client"
CLIENT_SECRET = "fake-secret-audit-demo-0001"
STATIC_TOKEN = "fake-static-token-audit-demo"
FAST_HTTP = HttpSettings(connect_timeout=2, read_timeout=5, retries=3, backoff_factor=0.01)
FAST_POLLS = PollSchedule(deadline=5, first_delay=0.01, max_delay=0.05)


class ManualClock:
    """A clock that moves only when told (or when `sleep` is called)."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def expected():
    """The traps planted in the audit store (written by fixtures/lucid/generate_fixtures.py)."""
    return json.loads((DATA / "expected-audit.json").read_text())


@pytest.fixture
def fake():
    return FakeLucidRetail(load_seed(SEED))


@pytest.fixture
def fake_url(fake):
    with serve_in_thread(fake) as url:
        yield url


@pytest.fixture
def lucid_client(fake_url):
    with LucidRetailClient(
        fake_url, ClientCredentials(CLIENT_ID, Secret(CLIENT_SECRET)), FAST_HTTP
    ) as client:
        yield client


@pytest.fixture
def fast_app(app):
    """The service app with fast LucidRetail retries and polls (the defaults are minutes)."""
    app.config["LUCID_HTTP_SETTINGS"] = FAST_HTTP
    app.config["LUCID_POLL_SCHEDULE"] = FAST_POLLS
    return app


@pytest.fixture
def configured(fast_app, runner, cli, load, fake_url):
    """The audit store loaded and configured against the fake; returns a command runner."""
    load(AUDIT_STORE)
    result = runner.invoke(
        cli,
        [
            "lucid",
            "configure",
            RETAILER,
            "--base-url",
            fake_url,
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
        ],
    )
    assert result.exit_code == 0, result.output

    def lucid(*args: str):
        return runner.invoke(cli, ["lucid", *args])

    return lucid
