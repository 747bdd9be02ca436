"""Returns: stored, never reported (the original sale stays reported), read by the audit."""

import json
from datetime import UTC, datetime

import pytest
from test_feed_equivalence import (
    DAYS,
    ROOT,
    assert_same_feed,
    generated_store,
    kept_days,
    load_document,
    served,
)

from pos_transactions.db import new_session
from pos_transactions.lucid.audit import audit_window
from pos_transactions.models import Sale
from pos_transactions.window import parse_window

from conftest import read_json

RETURNS = read_json("returns-sales.json")["sales"]
A, B, C, D = (
    "Kz4tXgS7aCZQbYYH86PGVi",
    "fRE9bEzKLi4Mmejzo5H3mB",
    "5vHqLc9etTWW3AVrEJvBez",
    "WjG5owvCAhRwSSTi7rkor7",
)
THE_11TH = {"start_date": ["2021-03-11"], "end_date": ["2021-03-11T23:59:59Z"]}


def by_id(*native_ids):
    return [sale for sale in RETURNS if sale["id"] in native_ids]


def test_a_return_is_stored_but_never_reported_and_its_original_stays(app, push):
    assert push(by_id("A-sale-1")).json["created"] == 1
    before = push.feed()
    assert push(by_id("A-return")).json["created"] == 1
    assert push.feed() == before and [t["items"] for t in before] == [[A]]
    with app.app_context(), new_session() as session:
        stored = session.query(Sale).filter_by(native_id="A-return").one()
    assert (stored.status, stored.original_id, stored.reported) == ("returned", "A-sale-1", False)
    assert json.loads(stored.lines)[0]["lucid_ids"] == [A]


def test_only_a_return_names_an_original_sale(push):
    refused = push([by_id("A-sale-2")[0] | {"original_id": "A-sale-1"}])
    assert refused.status_code == 400
    assert refused.json["invalid_records"] == [
        {"record": "A-sale-2", "reason": "original_id: only a returned sale names an original sale"}
    ]


def test_a_return_needs_its_time(push):
    refused = push([by_id("C-return")[0] | {"completed_at": None}])
    assert refused.json["invalid_records"][0]["reason"] == (
        "completed_at: a completed, voided or returned sale needs its time"
    )


def test_a_sale_that_becomes_a_return_leaves_the_feed(push):
    push(by_id("A-sale-1", "B-sale-1"))
    assert len(push.feed()) == 2
    returned = by_id("A-sale-1")[0] | {"status": "returned"}
    assert push([returned]).json["updated"] == 1
    assert [t["items"] for t in push.feed()] == [[B]]


def audit(app, retailer, window=THE_11TH):
    with app.app_context(), new_session() as session:
        return audit_window(session, retailer, parse_window(window, now=datetime.now(UTC)))


@pytest.fixture
def audited(app, push):
    assert push(RETURNS).status_code == 201
    return audit(app, push.retailer)


def test_sold_returned_and_sold_again_is_two_sales_not_a_double_sale(audited):
    assert A not in {finding.lucid_id for finding in audited.sold_more_than_once}


def test_sold_twice_with_no_return_between_is_still_a_double_sale(audited):
    assert [finding.lucid_id for finding in audited.sold_more_than_once] == [B]


def test_a_return_of_a_lucid_id_never_sold_here_is_flagged(audited):
    # C was never sold; D was sold the day before the window, so its return is fine
    assert [finding.lucid_id for finding in audited.returned_never_sold] == [C]
    assert not audited.clean


def test_a_return_is_judged_by_what_was_sold_before_the_window_too(app, push):
    push(by_id("D-return"))  # D's sale is not stored: its return comes from nowhere
    assert [f.lucid_id for f in audit(app, push.retailer).returned_never_sold] == [D]


def test_lucid_audit_names_the_return_it_flags(app, push, runner, cli):
    push(RETURNS)
    result = runner.invoke(
        cli, ["lucid", "audit", push.retailer, "--start", "2021-03-11", "--end", "2021-03-12",
              "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    flagged = report["returned_never_sold"]
    assert [(f["lucid_id"], [t["sale_id"] for t in f["transactions"]]) for f in flagged] == [
        (C, ["C-return"])
    ]
    text = runner.invoke(
        cli, ["lucid", "audit", push.retailer, "--start", "2021-03-11", "--end", "2021-03-12"]
    )
    assert "1 LucidIDs returned without having been sold here:" in text.stdout


def test_returns_never_reach_the_fast_feed_and_a_returned_sale_leaves_its_cached_day(
    app, client, token_headers
):
    """Against the plain feed (which serves completed sales only): returns, added to a
    generated store with its days cached, change nothing served but the sale that became
    a return itself."""
    store = generated_store(600)
    load_document(app, store)
    headers = token_headers("gen-store")
    before = served(client, headers, *DAYS)
    assert served(client, headers, *DAYS) == before and kept_days(app)
    changed = json.loads(json.dumps(store))
    on_the = {
        day: [s for s in changed["sales"] if s["completed_at"].startswith(f"2021-03-{day}")]
        for day in (12, 13)
    }
    on_the[12][0]["status"] = "returned"  # the POS marks a whole sale returned: an update
    original = on_the[13][0]
    changed["sales"].append(  # and a new return, of a sale the same day
        dict(original, id="return-of-" + original["id"], status="returned",
             original_id=original["id"])
    )
    load_document(app, changed)
    after = assert_same_feed(app, client, token_headers, changed, ROOT, *DAYS)
    assert len(json.loads(after)) == len(json.loads(before)) - 1
