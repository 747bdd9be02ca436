"""The feed's time window: which parameters name it, how their values parse, what it defaults to.

LucidRetail usually polls with no parameters and expects "yesterday, UTC"; when it back-fills
it names the window.  The spec's prose says ``start_date``/``end_date`` but its example URL
says ``end_datetime``, so both spellings are accepted.  Both bounds are inclusive.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from dateutil.parser import isoparse

from .bounds import is_safe_text

PARAMETERS = {
    "start_date": ("start_date", "start_datetime"),
    "end_date": ("end_date", "end_datetime"),
}

# ISO-8601's extended (2021-03-11T12:00:00Z) and basic (20210311T120000Z) formats; the
# time's colons are optional either way.  ASCII digits only (re.ASCII): "\d" alone would
# also match other scripts' digits.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}", re.ASCII)
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2}|\d{8})T\d{2}(:?\d{2}(:?\d{2}([.,]\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?",
    re.ASCII,
)
# A "+" sent unencoded in a query string arrives as a space: "...T12:00:00 05:30".
_UNENCODED_PLUS = re.compile(r"(T[\d:.,]+) (\d{2}(:?\d{2})?)$", re.ASCII)
MAX_VALUE_LENGTH = 64  # characters; the longest valid value has about 35


# A day's margin inside datetime's own range: serving splits a window into UTC days, and a
# day before the first or after the last would not exist.
EARLIEST = datetime(1, 1, 2)
LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999)


class WindowError(ValueError):
    """A window parameter is wrong; `parameter` names it for the error body."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Window:
    """An inclusive UTC interval, as naive datetimes (the database stores naive UTC)."""

    start: datetime
    end: datetime


def default_window(now: datetime) -> Window:
    """Midnight UTC of the previous day to midnight UTC of the current day."""
    today = datetime.combine(now.astimezone(UTC).date(), time())
    return Window(start=today - timedelta(days=1), end=today)


def parse_instant(value: str, parameter: str) -> datetime:
    """Parse one ISO-8601 value into a naive UTC datetime; raise WindowError naming `parameter`.

    A date alone is midnight UTC of that day; a date-time without an offset is UTC.
    """
    # Control characters are refused before strip(), which would drop some of them.
    if not is_safe_text(value, MAX_VALUE_LENGTH):
        raise WindowError(
            parameter,
            f"{parameter} must be at most {MAX_VALUE_LENGTH} characters of text without "
            "control characters",
        )
    text = _UNENCODED_PLUS.sub(r"\1+\2", value.strip())
    if not (_DATE.fullmatch(text) or _DATE_TIME.fullmatch(text)):
        raise WindowError(
            parameter,
            f"{parameter} must be an ISO-8601 date (2021-03-11 or 20210311) or date-time "
            "(2021-03-11T12:00:00Z, 2021-03-11T04:00:00-08:00, 20210311T120000Z)",
        )
    try:
        parsed = isoparse(text)
    except (ValueError, OverflowError) as error:
        raise WindowError(parameter, f"{parameter} is not a valid date-time: {error}") from None
    try:
        instant = parsed if parsed.tzinfo is None else parsed.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        instant = None
    if instant is None or not EARLIEST <= instant <= LATEST:
        raise WindowError(
            parameter,
            f"{parameter} is out of range: it must lie between {EARLIEST.date()} and "
            f"{LATEST.date()}",
        )
    return instant


def parse_window(args: Mapping[str, list[str]], now: datetime) -> Window:
    """Read the window from query parameters (each name mapped to all its values).

    Unknown parameters are ignored.  An alias and its canonical name that disagree, or a
    start later than the end, are errors.
    """
    defaults = default_window(now)
    bounds = {"start_date": defaults.start, "end_date": defaults.end}
    for canonical, names in PARAMETERS.items():
        given = [
            (name, parse_instant(value, name)) for name in names for value in args.get(name, [])
        ]
        if len({instant for _, instant in given}) > 1:
            named = " and ".join(sorted({name for name, _ in given}))
            raise WindowError(canonical, f"{named} give different values for {canonical}")
        if given:
            bounds[canonical] = given[0][1]
    if bounds["start_date"] > bounds["end_date"]:
        raise WindowError("start_date", "start_date is later than end_date")
    return Window(start=bounds["start_date"], end=bounds["end_date"])
