"""Command-line options shared by several commands."""

import functools
from datetime import UTC, datetime

import click

from .window import WindowError, parse_window


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
            hint = "--" + error.parameter.removesuffix("_date")
            raise click.BadParameter(error.message, param_hint=hint) from None
        return command(*args, window=window, **kwargs)

    return with_window
