"""Command-line options shared by several commands."""

import functools
import re
from datetime import UTC, datetime

import click

from .window import WindowError, parse_window

# The API's parameter names as the CLI spells them.
FLAGS = {"start_date": "--start", "end_date": "--end"}
_PARAMETER_NAME = re.compile(r"\b(" + "|".join(FLAGS) + r")\b")


def as_cli_message(message: str) -> str:
    """A window error written for the API (``start_date must be ...``), with each parameter
    named as the flag the user typed (``--start must be ...``)."""
    return _PARAMETER_NAME.sub(lambda found: FLAGS[found.group(1)], message)


def window_options(command):
    """Add ``--start``/``--end``, read exactly as the API reads ``start_date``/``end_date``
    (same formats, same defaults), and hand the command one `window` argument."""

    @click.option(
        "--start", help="start_date, as the API takes it (default: midnight UTC yesterday)."
    )
    @click.option("--end", help="end_date, as the API takes it (default: midnight UTC today).")
    @functools.wraps(command)
    def with_window(*args, start: str | None, end: str | None, **kwargs):
        bounds = {
            name: [value] for name, value in (("start_date", start), ("end_date", end)) if value
        }
        try:
            window = parse_window(bounds, now=datetime.now(UTC))
        except WindowError as error:
            # A usage error (exit 2) whose message already names the flag.
            raise click.UsageError(as_cli_message(error.message)) from None
        return command(*args, window=window, **kwargs)

    return with_window
