"""The documented bounds of a canonical sale's values, as small pure checks.

Hostile or broken input must fail as an ordinary invalid record, and cheaply: a quantity
such as ``"1e1000000"`` is refused by its spelling before `Decimal` or `int` does any work
on it, a 4,000-digit integer by one comparison, a time that cannot be converted to UTC
before the conversion.  The canonical schema (`canonical.SaleSchema`) applies these checks,
once, for every adapter; adapters that read numbers from text use `decimal_from_text` so
that no Python-specific syntax (``1_000``, ``inf``) slips through them either.
"""

import math
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

MAX_LINE_QUANTITY = 10_000  # units on one line
MAX_QUANTITY_DECIMALS = 6  # weighed quantities: 3.5 g, 0.125 oz; Square uses at most five
MAX_NUMBER_TEXT = 32  # characters of a quantity written as text
MAX_TEXT_LENGTH = 200  # sale id, sku, customer and employee ids: the database's native_id
MAX_LINES = 1_000  # lines of one sale
MAX_LINE_LUCID_IDS = 1_000  # LucidIDs of one line
MAX_TIME_TEXT = 64  # characters of an ISO-8601 date-time
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # completed_at, inclusive
LATEST = datetime(2100, 1, 1, tzinfo=UTC)  # completed_at, exclusive

NOT_A_NUMBER = "Not a valid number."
NOT_POSITIVE = "Must be a finite number greater than 0."
TOO_MANY_UNITS = f"Must be at most {MAX_LINE_QUANTITY:,} units."
TOO_MANY_DECIMALS = f"Must have at most {MAX_QUANTITY_DECIMALS} decimal places."
UNSAFE_TEXT = "Must be valid Unicode text without control characters."
TOO_LONG_TEXT = f"Must be at most {MAX_TEXT_LENGTH} characters long."
OUT_OF_RANGE_TIME = (
    f"Must be from {EARLIEST:%Y-%m-%d} up to (not including) {LATEST:%Y-%m-%d}, UTC."
)

# Plain decimal notation, an optional sign and a two-digit exponent: what every POS and
# JSON writer produces, and nothing that makes Decimal build a huge number.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,2})?")
# C0 and C1 control characters (NUL included) and UTF-16 surrogates, which no valid
# Unicode text holds alone and neither database can store.
_UNSAFE = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_UNSAFE_CHARACTER = re.compile(f"[{_UNSAFE}]")
# Hot-path checks as bare C calls (a compiled pattern's bound method): each says in one
# call whether a value is short enough and free of unsafe characters.
is_bounded_text = re.compile(f"[^{_UNSAFE}]{{0,{MAX_TEXT_LENGTH}}}").fullmatch
is_bounded_time_text = re.compile(f"[^{_UNSAFE}]{{0,{MAX_TIME_TEXT}}}").fullmatch
_QUANTUM = Decimal(1).scaleb(-MAX_QUANTITY_DECIMALS)
# Any UTC offset is less than a day, so a local time inside this margin converts safely.
_MARGIN = timedelta(days=2)
_EARLIEST_LOCAL = EARLIEST.replace(tzinfo=None) - _MARGIN
_LATEST_LOCAL = LATEST.replace(tzinfo=None) + _MARGIN
# Years whose every moment is inside the range, whatever its offset (callers may test
# `moment.year in SURELY_INSIDE_YEARS` before calling `moment_problem`).
SURELY_INSIDE_YEARS = range(EARLIEST.year + 1, LATEST.year - 1)


def decimal_from_text(text: str) -> Decimal:
    """A decimal number written as text (surrounding spaces allowed); ValueError otherwise.

    Unlike `Decimal(text)`, it refuses ``1_000``, ``inf``, ``NaN`` and exponents beyond two
    digits, and it looks at no more than `MAX_NUMBER_TEXT` characters.
    """
    text = text.strip()
    if len(text) > MAX_NUMBER_TEXT or not _DECIMAL_TEXT.fullmatch(text):
        raise ValueError(NOT_A_NUMBER)
    return Decimal(text)


def bounded_quantity(value: object) -> Decimal:
    """A line's quantity as a Decimal within the bounds; ValueError saying which it breaks.

    Integers and floats are compared with the bounds before anything is built from them,
    so a huge value costs no more than a small one.
    """
    if type(value) is int and 0 < value <= MAX_LINE_QUANTITY:
        return Decimal(value)  # the common cases, first: a count, or an adapter's Decimal
    if type(value) is Decimal and value.is_finite() and 0 < value <= MAX_LINE_QUANTITY:
        if value.quantize(_QUANTUM) != value:
            raise ValueError(TOO_MANY_DECIMALS)
        return value
    if isinstance(value, bool):
        raise ValueError(NOT_A_NUMBER)
    if isinstance(value, int):
        _check_magnitude(value)
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(NOT_POSITIVE)
        _check_magnitude(value)
        quantity = Decimal(str(value))
    elif isinstance(value, str):
        quantity = decimal_from_text(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(NOT_POSITIVE)
        quantity = value
    else:
        raise ValueError(NOT_A_NUMBER)
    _check_magnitude(quantity)
    if quantity.quantize(_QUANTUM) != quantity:
        raise ValueError(TOO_MANY_DECIMALS)
    return quantity


def _check_magnitude(quantity: int | float | Decimal) -> None:
    if not quantity > 0:
        raise ValueError(NOT_POSITIVE)
    if quantity > MAX_LINE_QUANTITY:
        raise ValueError(TOO_MANY_UNITS)


def text_problem(value: str) -> str | None:
    """Why `value` cannot be an id or sku (too long, a control character, a lone
    surrogate), or None when it can.  The message never repeats the value."""
    if len(value) > MAX_TEXT_LENGTH:
        return TOO_LONG_TEXT
    if _UNSAFE_CHARACTER.search(value):
        return UNSAFE_TEXT
    return None


def is_safe_text(value: str, limit: int) -> bool:
    """Whether `value` is at most `limit` characters of valid Unicode without controls."""
    return len(value) <= limit and not _UNSAFE_CHARACTER.search(value)


def moment_problem(moment: datetime) -> str | None:
    """Why an aware `moment` is outside the plausible range, or None when it is inside.

    The local time is checked first, by comparison only, so that converting it to UTC
    (which overflows near the years 1 and 9999) only ever happens inside the margin.  A
    year strictly inside the range needs no more: no offset moves a time a whole year.
    """
    if moment.year in SURELY_INSIDE_YEARS:
        return None
    local = moment.replace(tzinfo=None)
    if not _EARLIEST_LOCAL <= local <= _LATEST_LOCAL:
        return OUT_OF_RANGE_TIME
    utc = local - moment.utcoffset()
    if not EARLIEST.replace(tzinfo=None) <= utc < LATEST.replace(tzinfo=None):
        return OUT_OF_RANGE_TIME
    return None


def shown(value: str, limit: int = 60) -> str:
    """`value` quoted for an error message, escaped and cut to about `limit` characters."""
    if len(value) <= limit:
        return repr(value)
    return repr(value[:limit]) + "..."
