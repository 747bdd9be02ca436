"""Rule 7 (item counting), local times around DST, and validation of the canonical sale."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from marshmallow import ValidationError

from pos_transactions.adapter import describe_validation_error
from pos_transactions.bounds import OUT_OF_RANGE_TIME
from pos_transactions.canonical import (
    SaleSchema,
    SaleStatus,
    count_line_items,
    format_utc,
    localise,
    parse_iso_datetime,
)

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(
    ("quantity", "lucid_ids", "items"),
    [
        ("1", 0, 1),
        ("3", 0, 3),
        ("3", 1, 3),
        ("2", 2, 2),
        ("1", 2, 2),  # never fewer items than LucidIDs
        ("3.5", 0, 1),  # weighed: one item
        ("0.25", 0, 1),
        ("3.5", 2, 2),
        ("2.0", 0, 2),  # an integral decimal is a count
    ],
)
def test_count_line_items(quantity, lucid_ids, items):
    assert count_line_items(Decimal(quantity), lucid_ids) == items


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2026, 7, 1, 12, 0), "2026-07-01T19:00:00Z"),  # PDT
        (datetime(2026, 1, 15, 12, 0), "2026-01-15T20:00:00Z"),  # PST
        # the repeated hour of 2026-11-01: the earlier instant (still PDT)
        (datetime(2026, 11, 1, 1, 30), "2026-11-01T08:30:00Z"),
        # the skipped hour of 2026-03-08: read with the offset before the change (PST)
        (datetime(2026, 3, 8, 2, 30), "2026-03-08T10:30:00Z"),
    ],
)
def test_local_times_around_dst(local, utc):
    assert format_utc(localise(local, LOS_ANGELES)) == utc


def test_aware_times_keep_their_offset():
    aware = datetime(2026, 3, 8, 2, 30, tzinfo=UTC)
    assert localise(aware, LOS_ANGELES) is aware


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2021, 3, 11, 12, tzinfo=UTC), "2021-03-11T12:00:00Z"),
        (datetime(2021, 3, 11, 12, 0, 0, 5, tzinfo=UTC), "2021-03-11T12:00:00.000005Z"),
        (datetime(2021, 3, 11, 4, tzinfo=LOS_ANGELES), "2021-03-11T12:00:00Z"),
        (datetime(2021, 3, 11, 12), "2021-03-11T12:00:00Z"),  # naive is UTC
    ],
)
def test_format_utc(moment, text):
    assert format_utc(moment) == text


def valid_sale(**changes) -> dict:
    sale = {
        "id": "S-1",
        "status": "completed",
        "completed_at": datetime(2021, 3, 11, 12, tzinfo=UTC),
        "customer_id": "C-1",
        "employee_id": "E-1",
        "lines": [{"sku": "A", "quantity": "1", "lucid_ids": ["5vHqLc9etTWW3AVrEJvBez"]}],
    }
    return sale | changes


def test_a_valid_sale_loads():
    sale = SaleSchema().load(valid_sale())
    assert sale.status is SaleStatus.COMPLETED and sale.is_reported
    assert sale.lucid_ids == ["5vHqLc9etTWW3AVrEJvBez"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": "  "}, "id"),
        ({"status": "refunded"}, "status"),
        ({"completed_at": None}, "completed_at"),
        ({"completed_at": datetime(2021, 3, 11, 12)}, "completed_at"),  # naive
        ({"completed_at": "not a time"}, "completed_at"),
        ({"lines": "A,B"}, "lines"),
        ({"lines": [{"sku": "A", "quantity": "0"}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": "-1"}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": "NaN"}]}, "lines"),
        ({"lines": [{"sku": "A"}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": 1, "lucid_ids": ["nope"]}]}, "lines"),
        ({"customer_id": 17}, "customer_id"),
        ({"lines": [{"sku": "A", "quantity": True}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": "Infinity"}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": [1]}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": 1, "price": "9.99"}]}, "lines"),
        ({"lines": [{"sku": 5, "quantity": 1}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": 1, "lucid_ids": "5vHqLc9etTWW3AVrEJvBez"}]}, "lines"),
        ({"lines": ["A"]}, "lines"),
        ({"id": "S-\x00"}, "id"),
        ({"id": "x" * 201}, "id"),
        ({"customer_id": "\ud800"}, "customer_id"),
        ({"employee_id": "E\n1"}, "employee_id"),
        ({"lines": [{"sku": "x" * 201, "quantity": 1}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": "1_000"}]}, "lines"),
        ({"lines": [{"sku": "A", "quantity": 10**4000}]}, "lines"),
        ({"completed_at": datetime(9999, 12, 31, 23, tzinfo=LOS_ANGELES)}, "completed_at"),
        ({"completed_at": "0001-01-01T00:00:00+01:00"}, "completed_at"),
        ({"completed_at": "2021-03-11T12:00:00Z\x00"}, "completed_at"),
    ],
)
def test_invalid_sales_name_the_field(changes, field):
    with pytest.raises(ValidationError) as refused:
        SaleSchema().load(valid_sale(**changes))
    assert field in refused.value.messages


def test_open_sales_may_lack_a_time_and_are_never_reported():
    sale = SaleSchema().load(valid_sale(status="open", completed_at=None))
    assert sale.completed_at is None and not sale.is_reported


@pytest.mark.parametrize(
    ("status", "lucid_ids", "reported"),
    [
        ("completed", ["5vHqLc9etTWW3AVrEJvBez"], True),
        ("completed", [], False),
        ("voided", ["5vHqLc9etTWW3AVrEJvBez"], False),
    ],
)
def test_only_completed_sales_with_a_lucid_id_are_reported(status, lucid_ids, reported):
    lines = [{"sku": "A", "quantity": 1, "lucid_ids": lucid_ids}]
    assert SaleSchema().load(valid_sale(status=status, lines=lines)).is_reported is reported


def test_blank_customer_is_no_customer():
    assert SaleSchema().load(valid_sale(customer_id=" ")).customer_id is None


@pytest.mark.parametrize("quantity", [1, "1", " 2 ", 3.5, "0.25", Decimal("7")])
def test_quantities_in_any_numeric_form(quantity):
    line = {"sku": "A", "quantity": quantity}
    loaded = SaleSchema().load(valid_sale(lines=[line]))
    assert loaded.lines[0].quantity == Decimal(str(quantity).strip())


def test_line_errors_say_which_line_and_field():
    lines = [
        {"sku": "A", "quantity": 1},
        {"sku": "B", "quantity": 0, "lucid_ids": ["5vHqLc9etTWW3AVrEJvBez", "nope"]},
    ]
    with pytest.raises(ValidationError) as refused:
        SaleSchema().load(valid_sale(lines=lines))
    problems = describe_validation_error(refused.value.messages)
    assert "lines.1.quantity: Must be a finite number greater than 0." in problems
    assert "lines.1.lucid_ids.1: 'nope' is not a LucidID" in problems
    assert "lines.0" not in problems


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2026-03-04T12:01:00", datetime(2026, 3, 4, 12, 1)),
        ("2026-03-04 12:01:00", datetime(2026, 3, 4, 12, 1)),
        ("2026-03-04T12:01:00Z", datetime(2026, 3, 4, 12, 1, tzinfo=UTC)),
        ("2026-04-02T18:25:31.512Z", datetime(2026, 4, 2, 18, 25, 31, 512000, tzinfo=UTC)),
        ("20260304T1201", datetime(2026, 3, 4, 12, 1)),
        # the basic format, as the window takes it
        ("20260415", datetime(2026, 4, 15)),
        ("20260415T120000Z", datetime(2026, 4, 15, 12, tzinfo=UTC)),
        ("20260415T120000+0100", datetime(2026, 4, 15, 11, tzinfo=UTC)),
        ("2026-W10-3T12:01", datetime(2026, 3, 4, 12, 1)),  # an ISO week date: dateutil's part
    ],
)
def test_parse_iso_datetime(text, parsed):
    assert parse_iso_datetime(text) == parsed


@pytest.mark.parametrize(
    "text",
    [
        "the fourth of March",
        "2026-04-31T25:61:00Z",
        "",
        "99999-01-01",
        "9999-12-31T24:00:00",  # dateutil's OverflowError, as a ValueError
        "9999-W53-7",
        "2026-03-04T12:01:00\x00",  # the C parser would stop at the NUL and accept it
        "2026-03-04T12:01:00Z\x00",
        "2026-03-04\x1fT12:01:00",
        "2026-03-04T12:01:00\ud800",
        "2026-03-04T12:01:00" + "0" * 60,
    ],
)
def test_parse_iso_datetime_refuses_what_is_not_iso(text):
    with pytest.raises(ValueError):
        parse_iso_datetime(text)


def test_a_local_time_at_the_end_of_time_is_refused_not_overflowed():
    moment = localise(parse_iso_datetime("9999-12-31T23:00:00"), LOS_ANGELES)
    with pytest.raises(ValidationError) as refused:
        SaleSchema().load(valid_sale(completed_at=moment))
    assert refused.value.messages == {"completed_at": [OUT_OF_RANGE_TIME]}


@pytest.mark.parametrize(
    ("captured", "problem"),
    [
        (
            "https://qr.lcdg.io/case/5vHqLc9etTWW3AVrEJvBez",
            "lines.0.lucid_ids.0: 'https://qr.lcdg.io/case/5vHqLc9etTWW3AVrEJvBez' is not a "
            "LucidID: a CaseID URL identifies a case, not an item's LucidID",
        ),
        (17, "lines.0.lucid_ids.0: not a LucidID: a LucidID must be a string, not int"),
        (
            "x" * 3000,
            f"lines.0.lucid_ids.0: {'x' * 60!r}... is not a LucidID: the value is longer "
            "than 2,000 characters",
        ),
    ],
)
def test_lucid_id_problems_read_as_one_sentence(captured, problem):
    lines = [{"sku": "A", "quantity": 1, "lucid_ids": [captured]}]
    with pytest.raises(ValidationError) as refused:
        SaleSchema().load(valid_sale(lines=lines))
    assert describe_validation_error(refused.value.messages) == problem
