"""Every built-in adapter maps its vendor's record version and its returns (a table)."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from pos_transactions.stores import make_adapter, read_sales

CASES = json.loads((Path(__file__).parent / "data" / "versions-and-returns.json").read_text())


def observed(sale) -> dict:
    return {
        "id": sale.id,
        "status": sale.status.value,
        "original_id": sale.original_id,
        "modified_at": sale.modified_at,
        "lucid_ids": sale.lucid_ids,
    }


def wanted(expected: dict) -> dict:
    moment = expected["modified_at"]
    return expected | {"modified_at": moment and datetime.fromisoformat(moment)}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_versions_and_returns_are_mapped(case):
    adapter = make_adapter(case["adapter"], "America/New_York", case.get("options"))
    sales = read_sales(adapter, case["records"], "test")
    assert [observed(sale) for sale in sales] == [wanted(sale) for sale in case["sales"]]


@pytest.mark.parametrize(
    ("adapter", "record", "reason"),
    [
        ("square", {"id": "O", "state": "COMPLETED", "closed_at": "2026-04-02T18:25:31Z",
                    "updated_at": "2026-04-02 18:30"}, "updated_at '2026-04-02 18:30' has no UTC"),
        ("shopify", {"id": 1, "processed_at": "2026-04-02T12:00:00Z", "line_items": [],
                     "refunds": {"id": 2}}, "refunds must be an array, not dict"),
        ("shopify", {"id": 1, "processed_at": "2026-04-02T12:00:00Z", "line_items": [],
                     "refunds": [{"id": 2, "created_at": "2026-04-02T13:00:00Z",
                                  "refund_line_items": [{"quantity": 1}]}]},
         "refund_line_items[0] must be an object with its line_item"),
        ("csv", {"Receipt #": "C", "Completed At": "2026-04-02 12:00", "Quantity": "1",
                 "Voided": "yes", "Returned": "yes"}, "row 1: a receipt is voided or returned"),
    ],
)
def test_unreadable_versions_and_returns_are_invalid_records(adapter, record, reason):
    parsed, invalid = make_adapter(adapter, "America/New_York").parse_all(
        make_adapter(adapter, "America/New_York").records([record])
    )
    assert [problem.reason[: len(reason)] for problem in invalid] == [reason]
