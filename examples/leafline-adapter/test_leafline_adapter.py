"""Leafline's proof that its adapter meets the contract: the pos-transactions adapter kit.

The kit (`pos_transactions.testing.AdapterContract`) runs its standard checks against the
adapter, the sample store and the expectations below.  The kit looks the adapter up by its
entry point, so the distribution must be installed (``pip install -e .`` in this folder);
without it these tests skip and say so.
"""

import json
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from leafline_adapter import LeaflineAdapter

from pos_transactions.testing import AdapterContract, Expected, Malformed

SAMPLE_STORE = Path(__file__).parent / "sample-store.json"

if LeaflineAdapter.name not in entry_points(group="pos_transactions.adapters").names:
    pytest.skip(
        "leafline-pos-adapter is not installed: `pip install -e examples/leafline-adapter`",
        allow_module_level=True,
    )


def ticket(ticket_no: int, **changes) -> dict:
    """The sample store's first ticket, renumbered, with `changes` (None removes a field)."""
    first = json.loads(SAMPLE_STORE.read_text())["sales"][0]
    changed = first | {"ticket_no": ticket_no} | changes
    return {field: value for field, value in changed.items() if value is not None}


class TestLeaflineAdapter(AdapterContract):
    adapter = LeaflineAdapter
    sample_store = SAMPLE_STORE
    expected = {
        "5001": Expected(
            status="completed",
            completed_at="2026-03-05T19:14:00Z",
            lucid_ids=["Bso8oxukNcHwXRRL7uRvNN", "4yAr6bAHhRsNzEoM6iXHra"],
            quantities=["1", "2", "1"],
            total_items_count=4,
            has_customer=True,
            has_employee=True,
        ),
        "5002": Expected(status="voided", completed_at="2026-03-05T20:02:00Z"),
        "5003": Expected(
            status="completed",
            completed_at="2026-03-10T00:45:00Z",
            lucid_ids=["VvU96pj7RSnqNLXQ9wq3CH"],
            quantities=["3.5"],
            total_items_count=1,
            has_customer=False,
            has_employee=False,
        ),
        "5004": Expected(status="open", completed_at=None),
        "5005": Expected(status="completed", lucid_ids=[], total_items_count=1),
        "5006": Expected(
            status="completed",
            completed_at="2026-03-08T11:30:00Z",
            lucid_ids=["k6NNBUcxUojnAgePuUQWbb"],
            total_items_count=2,
        ),
    }
    malformed = {
        "missing field": Malformed(
            sales=[ticket(5101, rung_up_at=None)], record="5101", reason="rung_up_at"
        ),
        "wrong type": Malformed(
            sales=[ticket(5102, items=[{"plu": "FL-35", "qty": "one"}])],
            record="5102",
            reason="qty must be a number",
        ),
        "garbage timestamp": Malformed(
            sales=[ticket(5103, rung_up_at="2026-03-32 25:61:00")],
            record="5103",
            reason="is not a time like",
        ),
        "not a LucidID": Malformed(
            sales=[ticket(5104, items=[{"plu": "FL-35", "qty": 1, "tag_url": "LOT-4471"}])],
            record="5104",
            reason="not a LucidID",
        ),
    }
