"""How ``list-credentials`` shows credentials: what a person rotating one needs (username,
scope, label, created, last used, revoked), never a secret or its hash."""

from collections.abc import Iterable
from datetime import UTC, datetime

import click

from .bounds import text_problem
from .canonical import format_utc
from .models import Credential

COLUMNS = ("username", "scope", "label", "created_at", "last_used_at", "revoked_at")
HEADINGS = ("username", "scope", "label", "created", "last used", "revoked")


def credential_rows(credentials: Iterable[Credential]) -> list[dict]:
    """Each credential as the JSON object ``list-credentials --json`` prints; times in UTC
    (``Z``), to the second, or null (never used since it was recorded, not revoked)."""
    return [
        {
            "username": credential.username,
            "scope": credential.scope,
            "label": credential.label,
            "created_at": _shown(credential.created_at),
            "last_used_at": _shown(credential.last_used_at),
            "revoked_at": _shown(credential.revoked_at),
        }
        for credential in credentials
    ]


def _shown(moment: datetime | None) -> str | None:
    return None if moment is None else format_utc(moment.replace(microsecond=0, tzinfo=UTC))


def print_credential_table(rows: list[dict]) -> None:
    """A plain table, one credential a line; empty cells as ``-``."""
    if not rows:
        click.echo("No credentials.", err=True)
        return
    cells = [HEADINGS] + [tuple(row[name] or "-" for name in COLUMNS) for row in rows]
    widths = [max(len(line[index]) for line in cells) for index in range(len(COLUMNS))]
    for line in cells:
        padded = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        click.echo("  ".join(padded).rstrip())


def checked_label(_context: click.Context, _parameter: click.Parameter, label: str | None):
    """A label within the bounds of any stored text (200 characters, no control
    characters); blank is no label."""
    if label is None or not label.strip():
        return None
    problem = text_problem(label)
    if problem:
        raise click.BadParameter(problem)
    return label.strip()
