"""Each built-in adapter's native records, as hypothesis strategies, and how to break them.

A `Native` knows, for one adapter: a strategy for one valid sale's records (a CSV sale is
several rows) with the label an error must name it by, "breakers" that make a sale invalid
for certain (whatever bounds the service sets) while keeping its label, and how many sales
a list of its records holds.  Shapes follow adapters/README.md and tests/adapters/data.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from .strategies import (
    HOSTILE_KIND,
    INVALID,
    MOMENTS,
    VALID,
    Batch,
    captured_lucid_ids,
    hostile_mutation,
    iso,
    lucid_ids,
    native_ids,
    person_ids,
    rfc3339,
    skus,
    unit_quantities,
    weighed_quantities,
)

CASE_URL = "https://qr.lcdg.io/case/5vHqLc9etTWW3AVrEJvBez"
quantities = unit_quantities | weighed_quantities


@dataclass(frozen=True)
class Native:
    adapter: str
    sale: Callable[[int], st.SearchStrategy]  # index -> (records, label)
    breakers: tuple[Callable[[list], None], ...]  # each breaks a copy of a sale's records
    count: Callable[[list], int] = len


def _set(path: tuple, value: Any) -> Callable[[list], None]:
    """A breaker that sets one place in the sale's first record."""

    def breaker(records: list) -> None:
        parent = records[0]
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = value

    breaker.__name__ = f"set {'.'.join(map(str, path))}={value!r}"
    return breaker


# --- generic ------------------------------------------------------------------------------

generic_lines = st.fixed_dictionaries(
    {"sku": skus, "quantity": unit_quantities | weighed_quantities.map(str)},
    optional={"lucid_ids": st.lists(captured_lucid_ids(), max_size=3)},
)


@st.composite
def generic_sale(draw, index: int):
    sale_id = f"S{index}-{draw(native_ids)}"
    record = {
        "id": sale_id,
        "completed_at": iso(draw(MOMENTS)),
        "status": draw(st.sampled_from(["completed", "completed", "voided"])),
        "customer_id": draw(person_ids),
        "employee_id": draw(person_ids),
        "lines": draw(st.lists(generic_lines, min_size=1, max_size=4)),
    }
    return [record], sale_id


GENERIC = Native(
    "generic",
    generic_sale,
    (
        _set(("status",), "refunded"),
        _set(("lines",), "none"),
        _set(("lines", 0, "quantity"), 0),
        _set(("lines", 0, "quantity"), "many"),
        _set(("lines", 0, "lucid_ids"), [CASE_URL]),
        _set(("lines", 0, "price"), 1),
        _set(("completed_at",), "not a time"),
    ),
)

# --- square -------------------------------------------------------------------------------


@st.composite
def square_item(draw):
    item = {"uid": draw(native_ids), "quantity": str(draw(quantities))}
    if draw(st.booleans()):
        item["catalog_object_id"] = draw(skus)
    found = draw(st.lists(captured_lucid_ids(), max_size=2))
    if found:
        item["metadata"] = {"lucid_id": ",".join(found)}
    if draw(st.booleans()):
        item["note"] = f"scanned https://qr.lcdg.io/{draw(lucid_ids)}."
    return item


@st.composite
def square_sale(draw, index: int):
    sale_id = f"Q{index}{draw(native_ids)}"
    record = {
        "id": sale_id,
        "location_id": "L8WQZ2XK4N7TB",
        "state": draw(st.sampled_from(["COMPLETED", "COMPLETED", "CANCELED"])),
        "closed_at": rfc3339(draw(MOMENTS)),
        "line_items": draw(st.lists(square_item(), min_size=1, max_size=3)),
    }
    customer = draw(person_ids)
    if customer is not None:
        record["customer_id"] = customer
    return [record], sale_id


SQUARE = Native(
    "square",
    square_sale,
    (
        _set(("state",), "REFUNDED"),
        _set(("closed_at",), "2026-04-31T25:61:00Z"),
        _set(("line_items",), "x"),
        _set(("line_items", 0, "quantity"), 2),
        _set(("line_items", 0, "quantity"), "-1"),
        _set(("line_items", 0, "metadata"), {"lucid_id": CASE_URL}),
    ),
)

# --- shopify ------------------------------------------------------------------------------

shopify_ids = st.integers(1, 2**53)


@st.composite
def shopify_item(draw):
    item = {"quantity": draw(unit_quantities), "sku": draw(skus)}
    found = draw(st.lists(captured_lucid_ids(), max_size=2))
    if found:
        item["properties"] = [{"name": "LucidID", "value": ", ".join(found)}]
    return item


@st.composite
def shopify_sale(draw, index: int):
    sale_id = draw(shopify_ids) * 100 + index
    cancelled = draw(st.booleans())
    moment = draw(MOMENTS)
    record = {
        "id": sale_id,
        "processed_at": iso(moment),
        "cancelled_at": iso(moment) if cancelled else None,
        "customer": draw(st.none() | st.fixed_dictionaries({"id": shopify_ids})),
        "user_id": draw(st.none() | shopify_ids),
        "line_items": draw(st.lists(shopify_item(), min_size=1, max_size=3)),
    }
    return [record], str(sale_id)


SHOPIFY = Native(
    "shopify",
    shopify_sale,
    (
        _set(("processed_at",), "yesterday"),
        _set(("line_items",), "x"),
        _set(("line_items", 0, "quantity"), 1.5),
        _set(("line_items", 0, "quantity"), 0),
        _set(("line_items", 0, "properties"), [{"name": "LucidID", "value": CASE_URL}]),
        _set(("customer",), "walk-in"),
    ),
)

# --- csv (pushed rows, default columns) -----------------------------------------------------


@st.composite
def csv_sale(draw, index: int):
    receipt = f"R{index}-{draw(native_ids)}"
    moment = draw(MOMENTS)
    when = draw(st.sampled_from([moment.replace(tzinfo=None).isoformat(sep=" "), iso(moment)]))
    shared = {
        "Receipt #": receipt,
        "Completed At": when,
        "Customer ID": draw(person_ids) or "",
        "Employee ID": draw(person_ids) or "",
        "Voided": draw(st.sampled_from(["", "N", "no", "yes"])),
    }
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        found = draw(st.lists(captured_lucid_ids(), max_size=2))
        rows.append(
            shared
            | {
                "SKU": draw(skus) or "",
                "Quantity": str(draw(quantities)),
                "LucidIDs": " | ".join(found),
            }
        )
    return rows, receipt


def csv_receipts(rows: list) -> int:
    """Sales a list of pushed rows holds: one per receipt number, one per row without one."""
    named, unnamed = set(), 0
    for row in rows:
        receipt = row.get("Receipt #") if isinstance(row, dict) else None
        if isinstance(receipt, str) and receipt.strip():
            named.add(receipt.strip())
        else:
            unnamed += 1
    return len(named) + unnamed


CSV = Native(
    "csv",
    csv_sale,
    (
        _set(("Quantity",), "many"),
        _set(("Quantity",), "0"),
        _set(("Voided",), "maybe"),
        _set(("Completed At",), "not a time"),
        _set(("LucidIDs",), CASE_URL),
    ),
    count=csv_receipts,
)

NATIVES = {native.adapter: native for native in (GENERIC, SQUARE, SHOPIFY, CSV)}


@st.composite
def batches(draw, native: Native, max_sales: int = 6) -> Batch:
    """Up to `max_sales` sales: some valid, some broken for certain, some made hostile."""
    batch = Batch()
    for index in range(draw(st.integers(1, max_sales))):
        records, label = draw(native.sale(index))
        kind = draw(st.sampled_from([VALID, VALID, INVALID, HOSTILE_KIND, HOSTILE_KIND]))
        if kind == INVALID:
            records = copy.deepcopy(records)
            draw(st.sampled_from(native.breakers))(records)
        elif kind == HOSTILE_KIND:
            position = draw(st.integers(0, len(records) - 1))
            records = [*records]
            records[position] = draw(hostile_mutation(records[position]))
            label = None
        batch.add(records, kind, label)
    return batch
