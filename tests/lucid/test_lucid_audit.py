"""The audit's rule over a feed and a registry, as a table."""

import json

import pytest

from pos_transactions.lucid.audit import Finding, audit_transactions

from .conftest import DATA

CASES = json.loads((DATA / "audit-cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_audit_transactions(case):
    report = audit_transactions(
        case["feed"], set(case["known"]), case.get("returns", ()), set(case.get("sold_before", ()))
    )
    assert report.unknown == tuple(Finding(lid, tuple(t)) for lid, t in case["unknown"])
    assert report.sold_more_than_once == tuple(
        Finding(lid, tuple(t)) for lid, t in case["sold_more_than_once"]
    )
    assert report.returned_never_sold == tuple(
        Finding(lid, tuple(t)) for lid, t in case["returned_never_sold"]
    )
    flagged = case["unknown"] or case["sold_more_than_once"] or case["returned_never_sold"]
    assert report.clean == (not flagged)
    assert report.transactions == len(case["feed"])
