"""Adapter.parse and parse_all: whatever a third-party adapter returns or raises for bad data,
the record is invalid with a reason naming what was wrong; nothing escapes."""

from datetime import datetime, timedelta, timezone
from decimal import InvalidOperation
from zoneinfo import ZoneInfo

import pytest

from pos_transactions.adapter import MAX_REASON_LENGTH, Adapter, RecordError
from pos_transactions.bounds import MAX_LINE_LUCID_IDS, MAX_LINES

from conftest import read_json

OUTPUT = read_json("adapter-output.json")
LUCID_ID = "5vHqLc9etTWW3AVrEJvBez"


class Passthrough(Adapter):
    """An adapter whose native record is the canonical mapping itself, or an exception to
    raise: the smallest third-party adapter there is."""

    name = "passthrough"
    description = "test double"

    def to_canonical(self, record):
        if isinstance(record, BaseException):
            raise record
        return record

    def record_id(self, record):
        if isinstance(record, ValueError) and str(record) == "unnamed":
            raise record
        return super().record_id(record)


ADAPTER = Passthrough(ZoneInfo("UTC"))


def output(changes: dict) -> dict:
    fields = OUTPUT["valid"] | changes
    return {key: value for key, value in fields.items() if value != "<absent>"}


def reason(record) -> str:
    sales, invalid = ADAPTER.parse_all([record])
    assert not sales and len(invalid) == 1
    return invalid[0].reason


def test_the_valid_output_parses_with_its_iso_string_time():
    sale = ADAPTER.parse(output({}))
    assert sale.completed_at == datetime(2021, 3, 11, 4, tzinfo=timezone(timedelta(hours=-8)))
    assert sale.lucid_ids == [LUCID_ID] and sale.total_items_count == 2


@pytest.mark.parametrize(("changes", "expected"), OUTPUT["invalid"])
def test_malformed_output_is_an_invalid_record_naming_the_field(changes, expected):
    assert reason(output(changes)) == expected


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        (None, "_schema: Invalid input type."),
        ([OUTPUT["valid"]], "_schema: Invalid input type."),
        ("T-1", "_schema: Invalid input type."),
    ],
)
def test_output_that_is_not_a_mapping_is_an_invalid_record(returned, expected):
    assert reason(returned) == expected


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (RecordError("the ticket has no till"), "the ticket has no till"),
        (KeyError("rung_up_at"), "missing field 'rung_up_at'"),
        (IndexError("list index out of range"), "list index out of range"),
        (TypeError("'NoneType' object is not subscriptable"), "'NoneType' object is not"),
        (AttributeError("'int' object has no attribute 'get'"), "has no attribute 'get'"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "invalid start byte"),
        (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), "surrogates"),
        (OverflowError("date value out of range"), "date value out of range"),
        (InvalidOperation(), "InvalidOperation"),
        (ZeroDivisionError("division by zero"), "division by zero"),
        (RecursionError("maximum recursion depth exceeded"), "maximum recursion depth"),
        (ValueError(), "ValueError"),
    ],
)
def test_exceptions_bad_data_raises_in_an_adapter_are_invalid_records(raised, expected):
    assert expected in reason(raised)


def test_real_runaway_recursion_in_an_adapter_is_an_invalid_record():
    class Nested(Passthrough):
        def to_canonical(self, record):
            return self.to_canonical([record])  # as a naive reader of deep nesting would

    _, invalid = Nested(ZoneInfo("UTC")).parse_all([{"id": "T-9"}])
    assert invalid[0].record == "T-9" and "recursion" in invalid[0].reason


def test_reasons_are_printable_and_bounded():
    assert reason(RecordError("bad \ud800 value")) == "bad \\ud800 value"
    long = reason(RecordError("x" * 10 * MAX_REASON_LENGTH))
    assert len(long) <= MAX_REASON_LENGTH + 3 and long.endswith("...")


@pytest.mark.parametrize(
    ("native_id", "label"),
    [
        ("T-1", "T-1"),
        ("T-\x00", "record #1"),
        ("T-\ud800", "record #1"),
        ("x" * 201, "record #1"),
        ("", "record #1"),
    ],
)
def test_records_are_named_by_id_only_when_the_id_is_safe_to_name(native_id, label):
    _, invalid = ADAPTER.parse_all([output({"id": native_id, "status": "refunded"})])
    assert invalid[0].record == label


def test_a_record_id_that_cannot_be_read_names_the_record_by_position():
    _, invalid = ADAPTER.parse_all([output({}), ValueError("unnamed")])
    assert invalid[0].record == "record #2" and invalid[0].reason == "unnamed"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([{"sku": "A", "quantity": 1}] * MAX_LINES, None),
        ([{"sku": "A", "quantity": 1}] * (MAX_LINES + 1), "lines: At most 1,000 lines per sale."),
        ([{"sku": "A", "quantity": 1, "lucid_ids": [LUCID_ID] * MAX_LINE_LUCID_IDS}], None),
        (
            [{"sku": "A", "quantity": 1, "lucid_ids": [LUCID_ID] * (MAX_LINE_LUCID_IDS + 1)}],
            "lines.0.lucid_ids: At most 1,000 LucidIDs per line.",
        ),
    ],
)
def test_lines_and_lucid_ids_are_bounded(lines, expected):
    sales, invalid = ADAPTER.parse_all([output({"lines": lines})])
    if expected is None:
        assert len(sales) == 1 and not invalid
    else:
        assert invalid[0].reason == expected
