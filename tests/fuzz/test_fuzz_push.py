"""POST /api/v1/sales/ with generated native records of every built-in adapter.

Each batch mixes sales built valid, sales broken for certain and sales made hostile (huge or
odd numbers, surrogates, control characters, odd LucidIDs and times, wrong types, missing
and extra keys, deep nesting).  Whatever the mix: never a 5xx; a JSON answer; a 201 whose
counts add up to the sales sent; a 400 or 413 that writes nothing and names every record
broken on purpose; and a batch of only valid sales is accepted.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .checks import check_error, check_feed, check_not_a_server_error, json_body
from .records import NATIVES, batches
from .strategies import encode


@pytest.mark.parametrize("adapter", sorted(NATIVES))
@given(data=st.data())
def test_a_push_never_fails_and_names_every_invalid_record(service, adapter, data):
    native = NATIVES[adapter]
    batch = data.draw(batches(native), label="batch")
    service = service.new_retailer()
    before = service.rows()
    response = service.push(encode(batch.records), adapter)
    check_not_a_server_error(response)
    if response.status_code == 201:
        summary = json_body(response)
        assert not batch.invalid_labels, f"accepted records broken on purpose: {summary}"
        assert summary["created"] + summary["updated"] + summary["unchanged"] == native.count(
            batch.records
        )
        check_feed(json_body(service.feed()))
        return
    error = check_error(response, {400, 413})
    assert service.rows() == before, "a refused push wrote something"
    assert not batch.all_valid, f"a batch of valid sales was refused: {error}"
    problems = error.get("invalid_records")
    if problems is None:
        # Only a body with something hostile in it (not strict JSON, too deep, too large,
        # too many records) may be refused whole rather than record by record.
        assert batch.has_hostile, error
        return
    for problem in problems:
        assert isinstance(problem["record"], str) and problem["record"].strip(), problem
        assert isinstance(problem["reason"], str) and problem["reason"].strip(), problem
    named = {problem["record"] for problem in problems}
    if adapter == "csv" and named == {"sales"}:
        assert batch.has_hostile  # a pushed row that is no object refuses the list as a whole
        return
    assert batch.invalid_labels <= named, f"not named: {batch.invalid_labels - named}"
