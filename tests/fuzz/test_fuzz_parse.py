"""In process: `Adapter.parse_all` and the canonical `SaleSchema` raise nothing undocumented.

The documented outcomes are: a sale, an `InvalidRecord` (parse_all), a `RecordError` (an
adapter's `records`) or a marshmallow `ValidationError` (the schema).  A sale that passes
has bounded quantities and counts, and a time that converts to UTC.
"""

import json
from datetime import datetime

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st
from marshmallow import ValidationError

from pos_transactions.adapter import RecordError
from pos_transactions.canonical import Sale, SaleSchema, format_utc
from pos_transactions.stores import make_adapter

from .checks import ABSURD
from .records import NATIVES, batches, generic_lines
from .strategies import OFFSETS, encode, hostile_mutation, native_ids


def check_sale(sale: Sale) -> None:
    for line in sale.lines:
        assert line.quantity < ABSURD, f"{sale.id!r}: a line of {line.quantity} units"
    assert 0 <= sale.total_items_count < ABSURD
    if sale.completed_at is not None:
        format_utc(sale.completed_at)


@pytest.mark.parametrize("adapter", sorted(NATIVES))
@given(data=st.data())
def test_parse_all_names_every_invalid_record_and_raises_nothing(adapter, data):
    native = NATIVES[adapter]
    batch = data.draw(batches(native), label="batch")
    try:
        records = json.loads(encode(batch.records))
    except (ValueError, RecursionError):
        reject()  # not JSON Python can read: the HTTP layer's case (test_fuzz_push)
    parser = make_adapter(adapter, "America/Los_Angeles")
    try:
        records = parser.records(records)
    except RecordError:
        assert batch.has_hostile
        return
    sales, invalid = parser.parse_all(records)
    for problem in invalid:
        assert problem.record.strip() and problem.reason.strip(), problem
    assert batch.invalid_labels <= {problem.record for problem in invalid}
    if batch.all_valid:
        assert not invalid and len(sales) == native.count(batch.records)
    for sale in sales:
        check_sale(sale)


aware_moments = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=OFFSETS
)
canonical_sales = st.fixed_dictionaries(
    {
        "id": native_ids,
        "status": st.sampled_from(["completed", "voided", "open"]),
        "completed_at": aware_moments.map(datetime.isoformat),
        "customer_id": st.none() | native_ids,
        "employee_id": st.none() | native_ids,
        "lines": st.lists(generic_lines, max_size=3),
    }
)


@given(data=st.data())
def test_the_canonical_schema_raises_only_validation_errors(data):
    """What a third-party adapter may hand over: JSON-like values, or a datetime object."""
    fields = data.draw(canonical_sales, label="canonical")
    if data.draw(st.booleans(), label="hostile"):
        fields = data.draw(hostile_mutation(fields), label="mutated")
    try:
        fields = json.loads(encode(fields))
    except (ValueError, RecursionError):
        reject()
    if isinstance(fields, dict) and data.draw(st.booleans(), label="as datetime"):
        fields["completed_at"] = data.draw(aware_moments, label="completed_at")
    try:
        sale = SaleSchema().load(fields)
    except ValidationError:
        return
    check_sale(sale)
