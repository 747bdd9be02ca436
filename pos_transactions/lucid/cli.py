"""``pos-transactions lucid ...``: thin click commands over the LucidRetail modules.

Results go to stdout (with ``--json``, only the JSON); notices and progress go to stderr.
Every LucidRetail failure ends the command with its one-line message and exit status 1.
Tests may put an `HttpSettings` under ``LUCID_HTTP_SETTINGS`` and a `PollSchedule` under
``LUCID_POLL_SCHEDULE`` in the app config to make retries and polls fast.
"""

import json
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..cli_options import window_options
from ..db import new_session
from ..lucid_id import InvalidLucidID, normalise_lucid_id
from ..stores import UnknownRetailer, existing_retailer
from ..webhook.cli import send_case_command
from ..window import Window
from . import caseids
from .audit import audit_window, native_sale_ids, report_document
from .client import ClientCredentials, LucidRetailError, Secret, StaticToken
from .connections import NotConfigured, configure, load_settings, make_client
from .export import MalformedExport, PollSchedule, fetch_export
from .fake_server import FakeLucidRetail, load_seed, serve_forever
from .lookup import describe, lookup_entries
from .registry import registry_size, replace_registry

FAKE_SEED = Path(__file__).resolve().parents[2] / "fixtures" / "lucid" / "fake-lucidretail.json"


@click.group("lucid", cls=AppGroup)
def lucid() -> None:
    """LucidRetail: credentials, the Package-UID registry, CaseIDs and the audit."""


def _notice(message: str) -> None:
    click.echo(message, err=True)


def _print_json(document: object) -> None:
    click.echo(json.dumps(document, indent=2))


@contextmanager
def _lucidretail(retailer_id: str):
    """A client for the retailer; every LucidRetail failure becomes the command's error."""
    with new_session() as session:
        try:
            settings = load_settings(session, retailer_id)
        except NotConfigured as error:
            raise click.ClickException(str(error)) from None
    try:
        with make_client(settings, current_app.config.get("LUCID_HTTP_SETTINGS")) as client:
            yield client
    except LucidRetailError as error:
        raise click.ClickException(str(error)) from None


@lucid.command("configure")
@click.argument("retailer_id")
@click.option("--base-url", help="LucidRetail's URL (default: production, or the one stored).")
@click.option("--client-id", help="OAuth2 client id.")
@click.option(
    "--client-secret",
    envvar="LUCIDRETAIL_CLIENT_SECRET",
    help="OAuth2 client secret (or set LUCIDRETAIL_CLIENT_SECRET).",
)
@click.option(
    "--access-token",
    envvar="LUCIDRETAIL_ACCESS_TOKEN",
    help="A static access token instead (or set LUCIDRETAIL_ACCESS_TOKEN).",
)
def configure_command(
    retailer_id: str,
    base_url: str | None,
    client_id: str | None,
    client_secret: str | None,
    access_token: str | None,
) -> None:
    """Store how RETAILER_ID reaches LucidRetail; secrets are never shown again."""
    if access_token and (client_id or client_secret):
        raise click.UsageError("give --client-id/--client-secret or --access-token, not both")
    if access_token:
        credentials = StaticToken(Secret(access_token))
    elif client_id and client_secret:
        credentials = ClientCredentials(client_id, Secret(client_secret))
    else:
        raise click.UsageError("give --client-id and --client-secret, or --access-token")
    with new_session() as session, session.begin():
        try:
            settings = configure(session, retailer_id, base_url, credentials)
        except UnknownRetailer as error:
            raise click.ClickException(str(error)) from None
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--base-url") from None
    click.echo(f"LucidRetail for {retailer_id}: {settings.base_url}, using {settings.kind}.")
    _notice("The secret is stored and will not be shown again.")


@lucid.command("sync-package-uids")
@click.argument("retailer_id")
@click.option("--date", "export_date", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD.")
@click.option(
    "--deadline",
    type=click.FloatRange(min=0),
    help="Seconds to keep polling while the export is processing (default 1800).",
)
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON summary on stdout.")
def sync_package_uids_command(
    retailer_id: str, export_date: datetime | None, deadline: float | None, as_json: bool
) -> None:
    """Replace RETAILER_ID's LucidID registry with LucidRetail's Package-UID export."""
    asked = export_date.date() if export_date else None
    schedule = current_app.config.get("LUCID_POLL_SCHEDULE") or PollSchedule()
    if deadline is not None:
        schedule = replace(schedule, deadline=deadline)
    with _lucidretail(retailer_id) as client:
        try:
            contents = fetch_export(client, asked, schedule, _notice)
        except MalformedExport as error:
            raise click.ClickException(f"{error}; the registry was not changed") from None
    with new_session() as session, session.begin():
        replace_registry(session, retailer_id, contents.rows, asked)
    summary = {
        "retailer_id": retailer_id,
        "export_date": asked.isoformat() if asked else None,
        "packages": contents.packages,
        "cases": contents.cases,
        "lucid_ids": contents.lucid_ids,
    }
    if as_json:
        _print_json(summary)
        return
    source = summary["export_date"] or "the most recent day"
    click.echo(
        f"{retailer_id}: registry replaced from the export of {source}: {contents.packages} "
        f"packages, {contents.cases} cases, {contents.lucid_ids} LucidIDs."
    )


@lucid.command("caseids")
@click.argument("retailer_id")
@click.argument("package_uid")
@click.option("--json", "as_json", is_flag=True, help="Print LucidRetail's case_ids object.")
def caseids_command(retailer_id: str, package_uid: str, as_json: bool) -> None:
    """List the CaseIDs associated with PACKAGE_UID and whether each is imported."""
    with _lucidretail(retailer_id) as client:
        case_ids = caseids.case_ids_for_package(client, package_uid)
    if as_json:
        _print_json(case_ids)
        return
    if not case_ids:
        click.echo(f"No CaseIDs are associated with package {package_uid} for this dispensary.")
    for case_id, status in case_ids.items():
        if status.get("is_imported"):
            click.echo(f"{case_id}\timported ({caseids.where_imported(status)})")
        else:
            click.echo(f"{case_id}\tnot imported")


def _scanned_case_id(_context, _parameter, value: str | None) -> str | None:
    try:
        return caseids.case_id_from_scan(value) if value is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@lucid.command("import-case")
@click.argument("retailer_id")
@click.option("--case-uuid", required=True, callback=_scanned_case_id, help="CaseID or QR URL.")
@click.option("--packaged-product-uuid", required=True)
@click.option("--pos-product-id", required=True, help="The POS's catalog product id.")
@click.option("--pos-inventory-id", required=True, help="The POS's inventory package id.")
@click.option("--package-uid", required=True, help="The regulator's Package UID.")
@click.option("--sku")
def import_case_command(
    retailer_id: str,
    case_uuid: str,
    packaged_product_uuid: str,
    pos_product_id: str,
    pos_inventory_id: str,
    package_uid: str,
    sku: str | None,
) -> None:
    """Import a received case into an inventory package."""
    request = caseids.CaseImport(
        case_uuid, packaged_product_uuid, pos_product_id, pos_inventory_id, package_uid, sku
    )
    with _lucidretail(retailer_id) as client:
        outcome = caseids.import_case(client, request)
    if outcome is caseids.Outcome.ALREADY_HERE:
        click.echo(f"CaseID {case_uuid} is already imported into package {package_uid}: done.")
    else:
        click.echo(f"Imported CaseID {case_uuid} into package {package_uid}.")


@lucid.command("remove-case")
@click.argument("retailer_id")
@click.option("--case-uuid", required=True, callback=_scanned_case_id, help="CaseID or QR URL.")
@click.option("--package-uid", required=True)
@click.option("--packaged-product-uuid", help="Remove only this batch of a multi-batch case.")
def remove_case_command(
    retailer_id: str, case_uuid: str, package_uid: str, packaged_product_uuid: str | None
) -> None:
    """Remove an imported case from an inventory package."""
    with _lucidretail(retailer_id) as client:
        caseids.remove_case(client, case_uuid, package_uid, packaged_product_uuid)
    click.echo(f"Removed CaseID {case_uuid} from package {package_uid}.")


@lucid.command("auto-import")
@click.argument("retailer_id")
@click.argument("package_uid")
@click.option("--packaged-product-uuid", required=True)
@click.option("--pos-product-id", required=True)
@click.option("--pos-inventory-id", required=True)
@click.option("--sku")
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON report on stdout.")
def auto_import_command(
    retailer_id: str,
    package_uid: str,
    packaged_product_uuid: str,
    pos_product_id: str,
    pos_inventory_id: str,
    sku: str | None,
    as_json: bool,
) -> None:
    """Import every CaseID of PACKAGE_UID that is not imported yet; exit 1 if any failed."""
    with _lucidretail(retailer_id) as client:
        outcomes = caseids.auto_import(
            client, package_uid, packaged_product_uuid, pos_product_id, pos_inventory_id, sku
        )
    failed = [o for o in outcomes if o.outcome is caseids.Outcome.FAILED]
    if as_json:
        cases = [
            {"case_id": o.case_id, "outcome": o.outcome.value, "detail": o.detail} for o in outcomes
        ]
        _print_json({"package_uid": package_uid, "cases": cases, "failed": len(failed)})
    else:
        if not outcomes:
            click.echo(f"No CaseIDs are associated with package {package_uid}.")
        for o in outcomes:
            click.echo(f"{o.case_id}\t{o.outcome.value}" + (f": {o.detail}" if o.detail else ""))
    if failed:
        _notice(f"{len(failed)} of {len(outcomes)} CaseIDs failed to import.")
        raise SystemExit(1)


@lucid.command("audit")
@click.argument("retailer_id")
@window_options
@click.option("--json", "as_json", is_flag=True, help="Print only the JSON report on stdout.")
def audit_command(retailer_id: str, window: Window, as_json: bool) -> None:
    """Flag reported LucidIDs LucidRetail would reject; exit 1 when anything is flagged."""
    with new_session() as session:
        try:
            existing_retailer(session, retailer_id)
        except UnknownRetailer as error:
            raise click.ClickException(str(error)) from None
        if registry_size(session, retailer_id) == 0:
            _notice(
                f"The registry of {retailer_id} is empty: run 'lucid sync-package-uids' first"
                " (or receive cases by webhook)."
            )
        report = audit_window(session, retailer_id, window)
        document = report_document(
            report, retailer_id, window, native_sale_ids(session, retailer_id, report)
        )
    if as_json:
        _print_json(document)
    else:
        _print_audit(document)
    if not report.clean:
        raise SystemExit(1)


def _print_audit(document: dict) -> None:
    click.echo(
        f"{document['retailer_id']}: {document['transactions']} transactions, "
        f"{document['lucid_ids']} LucidIDs from {document['start_date']} to {document['end_date']}"
    )
    sections = (
        ("unknown", "not in the registry (LucidRetail would answer unknown or non-imported)"),
        ("sold_more_than_once", "reported in more than one sale"),
        ("returned_never_sold", "returned without having been sold here"),
    )
    for key, title in sections:
        if document[key]:
            click.echo(f"{len(document[key])} LucidIDs {title}:")
        for finding in document[key]:
            sales = ", ".join(
                f"{t['transaction_id']} (sale {t['sale_id']})" for t in finding["transactions"]
            )
            click.echo(f"  {finding['lucid_id']}: {sales}")
    if not any(document[key] for key, _title in sections):
        click.echo("Nothing LucidRetail would reject.")


@lucid.command("lookup")
@click.argument("code")
@click.option("--retailer", "retailer_id", help="Look only in this retailer's registry.")
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON object on stdout.")
def lookup_command(code: str, retailer_id: str | None, as_json: bool) -> None:
    """Say which package and case a LucidID (bare, QR URL or UUID) belongs to, and the case,
    METRC id, product and batch it was received with by webhook; exit 1 if none knows it."""
    try:
        lucid_id = normalise_lucid_id(code)
    except InvalidLucidID as error:
        raise click.BadParameter(str(error), param_hint="CODE") from None
    with new_session() as session:
        entries = lookup_entries(session, lucid_id, retailer_id)
    if as_json:
        _print_json({"lucid_id": lucid_id, "known": bool(entries), "entries": entries})
    elif not entries:
        click.echo(f"LucidID {lucid_id} is unknown: no synced registry or received case holds it.")
    for entry in [] if as_json else entries:
        click.echo(describe(lucid_id, entry))
    if not entries:
        raise SystemExit(1)


lucid.add_command(send_case_command)


@lucid.command("fake-server")
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=FAKE_SEED,
    show_default=True,
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8090, show_default=True)
def fake_server_command(seed: Path, host: str, port: int) -> None:
    """Serve a fake LucidRetail, seeded from a file, for trying the receiving flow."""
    _notice(f"Fake LucidRetail on http://{host}:{port}/ seeded from {seed}")
    _notice(f"Configure a retailer with --base-url http://{host}:{port} and a client in the seed.")
    serve_forever(FakeLucidRetail(load_seed(seed)), host, port)
