"""The example third-party adapter (examples/leafline-adapter), registered for the whole
test session by the root conftest.py exactly as ``pip install`` would: listed by
``pos-transactions adapters``, used by ``load-fixture``, served by the feed, and passing its
own kit where its vendor runs it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.pseudonym import pseudonym
from pos_transactions.sales import pseudonym_key
from pos_transactions.testing import write_dist_info_from_setup_cfg

EXAMPLE = Path(__file__).parents[1] / "examples" / "leafline-adapter"
SAMPLE_STORE = EXAMPLE / "sample-store.json"
RETAILER = "tundra-leaf-anchorage"
MARCH = "/api/v1/transactions/?start_date=2026-03-01&end_date=2026-03-31"


@pytest.fixture
def site(tmp_path) -> Path:
    """A site folder holding the example distribution's dist-info."""
    folder = tmp_path / "site-packages"
    write_dist_info_from_setup_cfg(folder, EXAMPLE / "setup.cfg")
    return folder


def test_the_adapters_command_lists_the_example_and_its_distribution(runner, cli):
    result = runner.invoke(cli, ["adapters"])
    assert result.exit_code == 0
    rows = {row.split("\t")[0]: row.split("\t")[1:] for row in result.stdout.splitlines()}
    assert rows["leafline"] == [
        "leafline-pos-adapter 1.0.0",
        "Leafline POS tickets (local register times, one scanned tag per item).",
    ]
    assert rows["generic"][0].startswith("pos-transactions ")


def test_the_sample_store_loads_and_is_served_by_the_feed(app, runner, cli, client, token_headers):
    loaded = runner.invoke(cli, ["load-fixture", str(SAMPLE_STORE)])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.stdout == f"{RETAILER}: 6 created, 0 updated, 0 unchanged, 0 stale\n"

    response = client.get(MARCH, headers=token_headers(RETAILER))
    assert response.status_code == 201
    with app.app_context(), new_session() as session:
        key = pseudonym_key(session)
    served = [
        (item["transaction_id"], item["transacted_on"], item["items"], item["total_items_count"])
        for item in response.get_json()
    ]
    assert served == [
        (
            pseudonym(key, RETAILER, "sale", "5001"),
            "2026-03-05T19:14:00Z",  # 10:14 AKST
            ["Bso8oxukNcHwXRRL7uRvNN", "4yAr6bAHhRsNzEoM6iXHra"],
            4,
        ),
        (
            pseudonym(key, RETAILER, "sale", "5006"),
            "2026-03-08T11:30:00Z",  # 02:30 does not exist that night: read as AKST
            ["k6NNBUcxUojnAgePuUQWbb"],
            2,
        ),
        (
            pseudonym(key, RETAILER, "sale", "5003"),
            "2026-03-10T00:45:00Z",  # 16:45 AKDT on the 9th
            ["VvU96pj7RSnqNLXQ9wq3CH"],
            1,
        ),
    ]
    by_sale = {item["transaction_id"]: item for item in response.get_json()}
    first = by_sale[pseudonym(key, RETAILER, "sale", "5001")]
    assert first["consumer_id"] == pseudonym(key, RETAILER, "customer", "G-2231")
    assert first["budtender_id"] == pseudonym(key, RETAILER, "employee", "C-07")
    weighed = by_sale[pseudonym(key, RETAILER, "sale", "5003")]
    assert (weighed["consumer_id"], weighed["budtender_id"]) == (None, None)


def test_the_feed_window_is_in_utc_not_the_stores_local_date(runner, cli, client, token_headers):
    runner.invoke(cli, ["load-fixture", str(SAMPLE_STORE)])
    response = client.get(
        "/api/v1/transactions/?start_date=2026-03-01&end_date=2026-03-09T23:59:59Z",
        headers=token_headers(RETAILER),
    )
    assert len(response.get_json()) == 2  # ticket 5003, rung up on the 9th, is the 10th in UTC


def test_tickets_can_be_pushed_with_an_ingest_credential(
    runner, cli, client, token_headers, tmp_path
):
    store = json.loads(SAMPLE_STORE.read_text())
    empty = tmp_path / "empty-store.json"
    empty.write_text(json.dumps(store | {"sales": []}))
    runner.invoke(cli, ["load-fixture", str(empty)])

    pushed = client.post(
        "/api/v1/sales/", json=store["sales"], headers=token_headers(RETAILER, Scope.INGEST)
    )
    assert pushed.status_code == 201
    assert pushed.get_json() == {"created": 6, "updated": 0, "unchanged": 0, "stale": 0}
    assert len(client.get(MARCH, headers=token_headers(RETAILER)).get_json()) == 3


def test_the_example_kit_passes_where_a_vendor_runs_it(site):
    """The example's own test module, run as its vendor would: pytest in its folder, with
    the distribution installed, in a fresh interpreter that knows nothing of this suite."""
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(site), str(EXAMPLE)]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary, summary
