"""``pos-transactions db ...``: the schema's migrations, for operators.

``db upgrade`` brings the database to this release's head (back it up first: README); it
recognises a database made by release f8a907a before migrations existed, stamps it with the
baseline and upgrades it. ``init-db`` and ``demo`` upgrade the same way (`upgrade_or_exit`).
"""

import click
from flask import current_app
from flask.cli import AppGroup

from .db import ensure_schema, get_engine
from .schema import SchemaState, SchemaStatus, schema_status, script_directory


def upgrade_or_exit() -> SchemaStatus:
    """Bring the application's database to head (nothing to do when the application found
    it current at start), or exit 1 naming why it cannot be."""
    status: SchemaStatus = current_app.extensions["pos_transactions.schema"]
    if status.state is SchemaState.CURRENT:
        return status
    status = ensure_schema(get_engine(), upgrade=True)
    current_app.extensions["pos_transactions.schema"] = status
    if status.state is not SchemaState.CURRENT:
        raise click.ClickException(f"cannot upgrade: {status.detail}")
    return status


@click.group("db", cls=AppGroup)
def db() -> None:
    """The database schema: upgrade it, see where it stands, list the migrations."""


@db.command("upgrade")
def upgrade_command() -> None:
    """Upgrade the schema to this release's head (back the database up first)."""
    before: SchemaStatus = current_app.extensions["pos_transactions.schema"]
    after = upgrade_or_exit()
    if before.state is SchemaState.CURRENT:
        click.echo(f"Schema already at head {', '.join(after.heads)}", err=True)
    else:
        was = ", ".join(before.revisions) or "no revision (before migrations)"
        click.echo(f"Schema upgraded from {was} to head {', '.join(after.heads)}", err=True)


@db.command("current")
def current_command() -> None:
    """Print the database's revision, this release's head and where the schema stands."""
    with get_engine().connect() as connection:
        status = schema_status(connection)
    click.echo(f"revision: {', '.join(status.revisions) or 'none'}")
    click.echo(f"head:     {', '.join(status.heads)}")
    click.echo(f"state:    {status.state.value}")
    click.echo(status.detail, err=True)


@db.command("history")
def history_command() -> None:
    """List this release's migrations, newest first."""
    scripts = script_directory()
    heads = set(scripts.get_heads())
    for revision in scripts.walk_revisions():
        mark = " (head)" if revision.revision in heads else ""
        parent = revision.down_revision or "base"
        click.echo(f"{parent} -> {revision.revision}{mark}: {revision.doc}")
