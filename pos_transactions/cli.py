"""The ``pos-transactions`` command: thin click commands over the modules that do the work.

It finds its application by itself (no FLASK_APP): `main` hands every command a
`ScriptInfo` bound to `create_app`.  It is not a FlaskGroup, whose ``run``, ``shell`` and
``routes`` commands and ``--app``/``--env-file``/``--debug`` options are for developing a
Flask application, not for running this service.  Machine-readable output goes to stdout;
notices go to stderr.
"""

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy import func, select

from . import create_app
from .adapter_registry import installed_adapters
from .cli_credentials import checked_label, credential_rows, print_credential_table
from .cli_db import db, upgrade_or_exit
from .cli_options import window_options
from .conformance.cli import conformance
from .credentials import Scope, create_credential, list_credentials, revoke_credential
from .db import get_engine, new_session
from .feed import feed_document
from .lucid.cli import lucid
from .models import Sale
from .stores import (
    InvalidStores,
    LoadedStore,
    UnknownRetailer,
    existing_retailer,
    load_store_files,
)
from .version import service_version
from .web.cli import create_user_command
from .window import Window

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


class ServiceGroup(AppGroup):
    """A click group whose commands run in an application context made by `create_app`
    (or by the application a test's ``app.test_cli_runner()`` hands in)."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(create_app=create_app, set_debug_flag=False)
        return super().make_context(info_name, args, parent=parent, **extra)


@click.group(cls=ServiceGroup)
@click.version_option(service_version(), prog_name="pos-transactions")
def main() -> None:
    """Serve a POS's sales to LucidRetail as the Retail Transactions API."""


def _notice(message: str) -> None:
    click.echo(message, err=True)


@main.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the tables, and the service's own keys (safe to repeat).

    The application makes an empty database at head when it starts; this command also
    upgrades a schema that is behind (as ``db upgrade`` does) and says where the database is.
    """
    upgrade_or_exit()
    _notice(f"Database ready: {get_engine().url.render_as_string(hide_password=True)}")


@main.command("load-fixture")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def load_fixture_command(paths: tuple[Path, ...]) -> None:
    """Load fixture stores, all or nothing; re-loading is harmless."""
    with new_session() as session:
        loaded = _load_or_exit(session, list(paths))
    for store in loaded:
        done = store.summary
        click.echo(
            f"{store.retailer_id}: {done.created} created, {done.updated} updated, "
            f"{done.unchanged} unchanged, {done.stale} stale"
        )


def _load_or_exit(session, paths: list[Path]) -> list[LoadedStore]:
    """Load and commit the stores, or list every invalid record on stderr and exit 1."""
    try:
        loaded = load_store_files(session, paths)
    except InvalidStores as error:
        invalid = {store_error.source: store_error for store_error in error.errors}
        for path in dict.fromkeys(map(str, paths)):
            if path not in invalid:
                _notice(f"{path}: valid, but not loaded because another store is invalid")
                continue
            _notice(f"{path}: invalid, nothing was loaded")
            for problem in invalid[path].problems:
                _notice(f"  {problem}")
        raise SystemExit(1) from None
    session.commit()
    return loaded


@main.command("create-credentials")
@click.argument("retailer_id")
@click.option(
    "--scope",
    type=click.Choice([s.value for s in Scope]),
    default=Scope.FEED.value,
    show_default=True,
    help="feed: read the transactions (LucidRetail); ingest: push sales (the POS).",
)
@click.option(
    "--label",
    callback=checked_label,
    help='Who holds it, e.g. "LucidRetail prod" (list-credentials shows it).',
)
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON object on stdout.")
def create_credentials_command(
    retailer_id: str, scope: str, label: str | None, as_json: bool
) -> None:
    """Make a credential for a retailer; its secret is shown once, now."""
    with new_session() as session, session.begin():
        try:
            credential = create_credential(session, retailer_id, Scope(scope), label)
        except UnknownRetailer as error:
            raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "username": credential.username,
                    "password": credential.secret,
                    "token": credential.secret,
                }
            )
        )
        _notice(f"Credential for {retailer_id} ({scope}); the secret is not shown again.")
        return
    click.echo(f"retailer:  {retailer_id}\nscope:     {scope}\nusername:  {credential.username}")
    click.echo(f"password:  {credential.secret}\ntoken:     {credential.secret}")
    _notice("Send it as 'Authorization: Token <token>' (LucidRetail), Bearer, or HTTP Basic.")
    _notice("The secret is stored only as a hash: this is the only time it is shown.")


@main.command("list-credentials")
@click.argument("retailer_id")
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON array on stdout.")
def list_credentials_command(retailer_id: str, as_json: bool) -> None:
    """List a retailer's credentials (never their secrets): which to revoke when rotating."""
    with new_session() as session:
        try:
            rows = credential_rows(list_credentials(session, retailer_id))
        except UnknownRetailer as error:
            raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(rows))
    else:
        print_credential_table(rows)


@main.command("revoke-credentials")
@click.argument("username")
def revoke_credentials_command(username: str) -> None:
    """Revoke a credential at once."""
    with new_session() as session, session.begin():
        if not revoke_credential(session, username):
            raise click.ClickException(f"no active credential {username!r}")
    _notice(f"Revoked {username}.")


@main.command("transactions")
@click.argument("retailer_id")
@window_options
def transactions_command(retailer_id: str, window: Window) -> None:
    """Print the feed exactly as the API would serve it."""
    with new_session() as session:
        try:
            existing_retailer(session, retailer_id)
        except UnknownRetailer as error:
            raise click.ClickException(str(error)) from None
    with get_engine().connect() as connection:
        click.echo(feed_document(connection, retailer_id, window))


@main.command("adapters")
def adapters_command() -> None:
    """List the installed POS adapters."""
    for info in installed_adapters():
        origin = f"{info.distribution or '?'} {info.version or ''}".strip()
        if info.error:
            click.echo(f"{info.name}\t{origin}\tBROKEN: {info.error}")
        else:
            click.echo(f"{info.name}\t{origin}\t{info.description}")


@main.command("demo")
@click.option(
    "--fixtures",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=FIXTURES,
    show_default=True,
    help="Folder of fixture stores to load.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True)
def demo_command(fixtures: Path, host: str, port: int, workers: int) -> None:
    """Load the fixture stores, print fresh credentials and a curl line, and serve."""
    from .server import port_problem, serve

    # Before anything is loaded or printed: credentials and curl lines for a server that
    # cannot start would only mislead.
    if problem := port_problem(host, port):
        raise click.ClickException(f"{problem}; pick another with --port, e.g. --port {port + 1}")
    upgrade_or_exit()
    with new_session() as session:
        for store in _load_or_exit(session, sorted(fixtures.glob("*.json"))):
            _print_demo_access(session, store.retailer_id, host, port)
    url = current_app.config["DATABASE_URL"]
    serve(url, f"{host}:{port}", workers)


def _print_demo_access(session, retailer_id: str, host: str, port: int) -> None:
    first, last = session.execute(
        select(func.min(Sale.transacted_on), func.max(Sale.transacted_on)).where(
            Sale.retailer_id == retailer_id, Sale.reported.is_(True)
        )
    ).one()
    credential = create_credential(session, retailer_id)
    session.commit()
    query = ""
    if first is not None:
        query = (
            f"?start_date={first.date().isoformat()}&end_date={last.date().isoformat()}T23:59:59Z"
        )
    click.echo(f"\n{retailer_id}: username {credential.username}  token {credential.secret}")
    click.echo(
        f"  curl -H 'Authorization: Token {credential.secret}' "
        f"'http://{host}:{port}/api/v1/transactions/{query}'"
    )


main.add_command(lucid)
main.add_command(db)
main.add_command(conformance)
main.add_command(create_user_command)
