"""The documented bounds of canonical values (pos_transactions.bounds), as tables."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pos_transactions import bounds
from pos_transactions.bounds import (
    bounded_quantity,
    decimal_from_text,
    is_safe_text,
    moment_problem,
    shown,
    text_problem,
)

from conftest import read_json

QUANTITIES = read_json("quantities.json")


@pytest.mark.parametrize(("value", "expected"), QUANTITIES["accepted"])
def test_accepted_quantities(value, expected):
    quantity = bounded_quantity(value)
    assert isinstance(quantity, Decimal) and quantity == Decimal(expected)


@pytest.mark.parametrize(("value", "message"), QUANTITIES["refused"])
def test_refused_quantities_say_which_bound(value, message):
    with pytest.raises(ValueError) as refused:
        bounded_quantity(value)
    assert str(refused.value) == getattr(bounds, message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (10**4000, bounds.TOO_MANY_UNITS),  # refused by one comparison, never printed
        (-(10**4000), bounds.NOT_POSITIVE),
        (Decimal("1e1000000"), bounds.TOO_MANY_UNITS),  # never expanded
        (Decimal("1e-1000000"), bounds.TOO_MANY_DECIMALS),
        (Decimal("NaN"), bounds.NOT_POSITIVE),
        (Decimal("-Infinity"), bounds.NOT_POSITIVE),
        (Decimal("0.1234567"), bounds.TOO_MANY_DECIMALS),
        (Decimal("10000.5"), bounds.TOO_MANY_UNITS),
    ],
)
def test_values_no_json_can_hold_are_bounded_too(value, message):
    with pytest.raises(ValueError, match=message):
        bounded_quantity(value)


def test_the_largest_quantity_is_accepted_exactly():
    assert bounded_quantity(Decimal("10000.000000")) == bounds.MAX_LINE_QUANTITY
    assert bounded_quantity(bounds.MAX_LINE_QUANTITY) == bounds.MAX_LINE_QUANTITY


@pytest.mark.parametrize("text", ["1", " 2.5 ", "1e3", "-1", "0"])
def test_decimal_from_text_reads_plain_decimals(text):
    assert decimal_from_text(text) == Decimal(text.strip())


@pytest.mark.parametrize("text", ["1_000", "inf", "NaN", "1e100", "\u0661", "1" * 33, ""])
def test_decimal_from_text_refuses_what_decimal_would_read(text):
    with pytest.raises(ValueError):
        decimal_from_text(text)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("S-1001", None),
        ("Café №7 – 東京", None),  # any valid Unicode text
        ("x" * 200, None),
        ("x" * 201, bounds.TOO_LONG_TEXT),
        ("S-\x00", bounds.UNSAFE_TEXT),
        ("S-1\n", bounds.UNSAFE_TEXT),
        ("\t", bounds.UNSAFE_TEXT),
        ("S\x7f", bounds.UNSAFE_TEXT),
        ("S\x85", bounds.UNSAFE_TEXT),  # a C1 control
        ("\ud800", bounds.UNSAFE_TEXT),  # a lone surrogate
        ("x\udfff", bounds.UNSAFE_TEXT),
    ],
)
def test_text_problems(value, problem):
    assert text_problem(value) == problem
    assert is_safe_text(value, bounds.MAX_TEXT_LENGTH) is (problem is None)


EARLIEST, LATEST = bounds.EARLIEST, bounds.LATEST
MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (datetime(2021, 3, 11, 12, tzinfo=UTC), True),
        (EARLIEST, True),
        (EARLIEST - timedelta(microseconds=1), False),
        (LATEST - timedelta(microseconds=1), True),
        (LATEST, False),
        # the offset decides: 2000-01-01T00:30+01:00 is still 1999 in UTC
        (datetime(2000, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), False),
        (datetime(1999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1))), True),
        (datetime(2099, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1))), False),
        (datetime(2100, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), True),
        # where converting to UTC overflows: refused before any conversion
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))), False),
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(-MINUTE * 60)), False),
        (datetime(9999, 12, 31, 23, tzinfo=ZoneInfo("America/Los_Angeles")), False),
        (datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")), False),
    ],
)
def test_moments_outside_the_plausible_range(moment, inside):
    assert moment_problem(moment) == (None if inside else bounds.OUT_OF_RANGE_TIME)


@pytest.mark.parametrize(
    ("value", "text"),
    [("abc", "'abc'"), ("x" * 70, repr("x" * 60) + "..."), ("\ud800\x00", "'\\ud800\\x00'")],
)
def test_shown_values_are_escaped_and_short(value, text):
    assert shown(value) == text
