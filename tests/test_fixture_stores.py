"""The generic fixture stores serve, through the feed, what fixtures/README.md says they hold.

QA trusts the README's counts and edge-case list to know what a correct feed looks like, so
they are checked here against the HTTP API.  The numbers come from
fixtures/expected/generic-stores.json (the README's machine-readable twin, written by hand);
what each sale should become is worked out from the raw store file with the documented rules,
never with the service's own code or with the script that generated the stores.
"""

import json
import re
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import shortuuid

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "expected" / "generic-stores.json").read_text())
STORES = sorted(EXPECTED)
WHOLE_2026 = ("2026-01-01", "2027-01-01")
BARE_LUCID_ID = re.compile(f"[{re.escape(shortuuid.get_alphabet())}]{{22}}")


def store_file(retailer_id: str) -> dict:
    return json.loads((FIXTURES / EXPECTED[retailer_id]["file"]).read_text())


def raw_sale(retailer_id: str, sale_id: str) -> dict:
    (sale,) = [sale for sale in store_file(retailer_id)["sales"] if sale["id"] == sale_id]
    return sale


def bare_lucid_id(captured: str) -> str:
    """The bare id a captured LucidID names: a URL's path segment, or a UUID re-encoded."""
    if "/" in captured:
        return [segment for segment in urlsplit(captured).path.split("/") if segment][-1]
    if "-" in captured:
        return shortuuid.encode(uuid.UUID(captured))
    return captured


def line_ids(line: dict) -> list[str]:
    return list(dict.fromkeys(bare_lucid_id(captured) for captured in line.get("lucid_ids", [])))


def sale_items(sale: dict) -> list[str]:
    return list(dict.fromkeys(lucid_id for line in sale["lines"] for lucid_id in line_ids(line)))


def sale_items_count(sale: dict) -> int:
    """Integer quantity n counts n, weighed counts 1, never fewer than the line's LucidIDs."""
    return sum(
        max(
            int(line["quantity"]) if float(line["quantity"]).is_integer() else 1,
            len(line_ids(line)),
        )
        for line in sale["lines"]
    )


def utc_text(completed_at: str, timezone: str) -> str:
    """The feed's `transacted_on` for a stored time; a time without offset is store-local."""
    moment = datetime.fromisoformat(completed_at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone), fold=0)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_reported(sale: dict) -> bool:
    return sale["status"] == "completed" and bool(sale_items(sale))


def by_items(feed: list[dict]) -> dict[tuple[str, ...], dict]:
    """Feed objects keyed by their LucidIDs, which no two sales of a store share."""
    keyed = {tuple(transaction["items"]): transaction for transaction in feed}
    assert len(keyed) == len(feed)
    return keyed


def shifted(text: str, seconds: int) -> str:
    moment = datetime.fromisoformat(text) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def open_store(load, client, token_headers):
    """Load a fixture store as ``load-fixture`` does; return a function fetching its feed."""

    def open_store(retailer_id: str):
        load(FIXTURES / EXPECTED[retailer_id]["file"])
        headers = token_headers(retailer_id)

        def fetch(start: str, end: str):
            response = client.get(
                "/api/v1/transactions/",
                query_string={"start_date": start, "end_date": end},
                headers=headers,
            )
            assert response.status_code == 201, response.get_data(as_text=True)
            return response

        return fetch

    return open_store


@pytest.mark.parametrize("retailer_id", STORES)
def test_store_file_holds_the_documented_sales(retailer_id):
    expected = EXPECTED[retailer_id]
    store = store_file(retailer_id)
    sales = store["sales"]
    voided = [sale for sale in sales if sale["status"] == "voided"]
    assert store["adapter"] == "generic"
    assert store["retailer"] == {
        "id": retailer_id,
        "name": store["retailer"]["name"],
        "timezone": expected["timezone"],
    }
    counted = {
        "sales": len(sales),
        "reported": sum(map(is_reported, sales)),
        "voided": len(voided),
        "voided_with_lucid_ids": sum(bool(sale_items(sale)) for sale in voided),
        "completed_without_lucid_ids": sum(
            sale["status"] == "completed" and not sale_items(sale) for sale in sales
        ),
        "without_customer": sum(sale["customer_id"] is None for sale in sales),
        "without_employee": sum(sale["employee_id"] is None for sale in sales),
    }
    assert counted == {key: expected[key] for key in counted}
    assert (
        counted["reported"] + counted["voided"] + counted["completed_without_lucid_ids"]
        == (counted["sales"])
    )


@pytest.mark.parametrize("retailer_id", STORES)
def test_feed_counts_match_the_readme(open_store, retailer_id):
    expected = EXPECTED[retailer_id]
    fetch = open_store(retailer_id)
    feed = fetch(expected["first_transacted_on"], expected["last_transacted_on"]).get_json()
    observed = {
        "reported": len(feed),
        "first_transacted_on": feed[0]["transacted_on"],
        "last_transacted_on": feed[-1]["transacted_on"],
        "reported_without_customer": sum(t["consumer_id"] is None for t in feed),
        "reported_without_employee": sum(t["budtender_id"] is None for t in feed),
        "reported_lucid_ids": sum(len(t["items"]) for t in feed),
        "reported_total_items_count": sum(t["total_items_count"] for t in feed),
    }
    assert observed == {key: expected[key] for key in observed}
    assert fetch(*WHOLE_2026).get_json() == feed


@pytest.mark.parametrize("retailer_id", STORES)
def test_feed_reports_each_sale_as_its_store_file_says(open_store, retailer_id):
    timezone = EXPECTED[retailer_id]["timezone"]
    feed = open_store(retailer_id)(*WHOLE_2026).get_json()
    expected = Counter(
        (utc_text(sale["completed_at"], timezone), tuple(sale_items(sale)), sale_items_count(sale))
        for sale in store_file(retailer_id)["sales"]
        if is_reported(sale)
    )
    assert (
        Counter((t["transacted_on"], tuple(t["items"]), t["total_items_count"]) for t in feed)
        == expected
    )
    assert all(BARE_LUCID_ID.fullmatch(item) for t in feed for item in t["items"])
    order = [(t["transacted_on"], t["transaction_id"]) for t in feed]
    assert order == sorted(order)


@pytest.mark.parametrize("retailer_id", STORES)
def test_every_listed_edge_case(open_store, retailer_id):
    feed = by_items(open_store(retailer_id)(*WHOLE_2026).get_json())
    expected, observed = {}, {}
    for case in EXPECTED[retailer_id]["edge_cases"]:
        label = f"{case['case']} {case['sale_id']}"
        expected[label] = {
            key: value for key, value in case.items() if key not in ("case", "sale_id")
        }
        transaction = feed.get(tuple(sale_items(raw_sale(retailer_id, case["sale_id"]))))
        if transaction is None:
            observed[label] = {"reported": False}
            continue
        observed[label] = {
            "transacted_on": transaction["transacted_on"],
            "items_count": len(transaction["items"]),
            "total_items_count": transaction["total_items_count"],
        } | {key: transaction[key] for key in ("consumer_id", "budtender_id") if key in case}
    assert observed == expected


@pytest.mark.parametrize("retailer_id", STORES)
def test_sales_at_the_same_instant_are_ordered_by_transaction_id(open_store, retailer_id):
    feed = open_store(retailer_id)(*WHOLE_2026).get_json()
    tied = {
        tuple(sale_items(raw_sale(retailer_id, case["sale_id"])))
        for case in EXPECTED[retailer_id]["edge_cases"]
        if case["case"] == "same-instant"
    }
    positions = [index for index, t in enumerate(feed) if tuple(t["items"]) in tied]
    assert len(positions) == 2
    first, second = (feed[index] for index in positions)
    assert positions[1] == positions[0] + 1
    assert first["transacted_on"] == second["transacted_on"]
    assert first["transaction_id"] < second["transaction_id"]


@pytest.mark.parametrize("retailer_id", STORES)
def test_sale_at_midnight_utc_is_inside_both_window_ends(open_store, retailer_id):
    (case,) = [c for c in EXPECTED[retailer_id]["edge_cases"] if c["case"] == "midnight-utc"]
    midnight = case["transacted_on"]
    items = sale_items(raw_sale(retailer_id, case["sale_id"]))
    fetch = open_store(retailer_id)
    day = 24 * 3600

    assert fetch(shifted(midnight, -day), midnight).get_json()[-1]["items"] == items
    assert fetch(midnight, shifted(midnight, day)).get_json()[0]["items"] == items
    assert [t["items"] for t in fetch(midnight, midnight).get_json()] == [items]
    assert items not in [
        t["items"] for t in fetch(shifted(midnight, -day), shifted(midnight, -1)).get_json()
    ]


@pytest.mark.parametrize("retailer_id", STORES)
@pytest.mark.parametrize(
    ("person", "native_field", "feed_field"),
    [
        ("regular_customer", "customer_id", "consumer_id"),
        ("regular_employee", "employee_id", "budtender_id"),
    ],
)
def test_a_regular_keeps_one_pseudonym_across_sales(
    open_store, retailer_id, person, native_field, feed_field
):
    regular = EXPECTED[retailer_id][person]
    sales = [s for s in store_file(retailer_id)["sales"] if s[native_field] == regular["id"]]
    theirs = {tuple(sale_items(sale)) for sale in sales if is_reported(sale)}
    feed = open_store(retailer_id)(*WHOLE_2026).get_json()

    pseudonyms = {t[feed_field] for t in feed if tuple(t["items"]) in theirs}
    others = {t[feed_field] for t in feed if tuple(t["items"]) not in theirs}
    assert (len(sales), len(theirs)) == (regular["sales"], regular["reported"])
    assert len(pseudonyms) == 1
    assert pseudonyms.isdisjoint(others)


@pytest.mark.parametrize("retailer_id", STORES)
def test_no_native_customer_employee_or_sale_id_reaches_the_feed(open_store, retailer_id):
    body = open_store(retailer_id)(*WHOLE_2026).get_data(as_text=True)
    natives = {
        native
        for sale in store_file(retailer_id)["sales"]
        for native in (sale["id"], sale["customer_id"], sale["employee_id"])
        if native is not None
    }
    assert len(body) > 1000
    assert sorted(native for native in natives if native in body) == []
