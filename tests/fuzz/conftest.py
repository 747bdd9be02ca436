"""The fuzz tests' settings and fixtures.

Hypothesis profiles: ``ci`` (the default) is derandomised and bounded, so every CI run
tries the same few hundred inputs per test in minutes; ``long`` (``HYPOTHESIS_PROFILE=long``)
explores many more, with a random seed, for a run by hand.  Neither keeps an example
database: a failure prints its minimal input, which is what goes into a regular test.

The app fixtures of tests/conftest.py are function-scoped: one app (and database) serves
every example of a test, so each check compares the database before and after its request.
"""

import itertools
import json
import os

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.models import Sale

from conftest import read_json

SUPPRESSED = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=200,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=SUPPRESSED,
)
settings.register_profile(
    "long", max_examples=5_000, deadline=None, database=None, suppress_health_check=SUPPRESSED
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

WIDE_WINDOW = "?start_date=1900-01-01&end_date=2100-01-01"


@pytest.fixture
def service(app, client, load, tmp_path, credential):
    """The app under test and a way to give each example a push-only retailer of its own."""
    counter = itertools.count()

    def new_retailer() -> "Service":
        retailer_id = f"fuzz-{next(counter)}"
        store = read_json("rules.json") | {"sales": []}
        store["retailer"] = store["retailer"] | {"id": retailer_id}
        path = tmp_path / f"{retailer_id}.json"
        path.write_text(json.dumps(store))
        load(path)
        return Service(app, client, credential(retailer_id, Scope.INGEST), credential(retailer_id))

    service = new_retailer()
    service.new_retailer = new_retailer
    return service


class Service:
    """The app under test, with one push-only retailer's ingest and feed credentials.

    An example that writes takes a retailer of its own (`new_retailer`), so what one example
    stored never shows in another's feed: every failure reproduces from its own input.
    """

    def __init__(self, app, client, ingest: tuple[str, str], feed: tuple[str, str]) -> None:
        self.app, self.client = app, client
        self.ingest = {"Authorization": f"Token {ingest[1]}"}
        self.username, self.secret = feed
        self.feed_headers = {"Authorization": f"Token {self.secret}"}

    def push(self, body: bytes, adapter: str | None = None):
        query = f"?adapter={adapter}" if adapter else ""
        return self.client.post(
            "/api/v1/sales/" + query,
            data=body,
            content_type="application/json",
            headers=self.ingest,
        )

    def feed(self, query: str = WIDE_WINDOW):
        return self.client.get("/api/v1/transactions/" + query, headers=self.feed_headers)

    def rows(self) -> list[tuple]:
        """Every stored sale of every retailer as (retailer, native id, fingerprint): what
        "nothing written" compares."""
        columns = (Sale.retailer_id, Sale.native_id, Sale.fingerprint)
        with self.app.app_context(), new_session() as session:
            query = sa.select(*columns).order_by(*columns)
            return [tuple(row) for row in session.execute(query)]
