"""``pos-transactions lucid send-case``: deliver a case document to a webhook, as
LucidRetail does.  It needs no database, so it runs outside the application context."""

from pathlib import Path

import click
import requests

from .send import send_case


@click.command("send-case")
@click.argument("webhook_url")
@click.argument("case_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--token",
    required=True,
    envvar="POS_TRANSACTIONS_TOKEN",
    help="The 3PP token LucidRetail would send (or set POS_TRANSACTIONS_TOKEN).",
)
def send_case_command(webhook_url: str, case_file: Path, token: str) -> None:
    """POST CASE_FILE to WEBHOOK_URL (e.g. http://127.0.0.1:8000/api/v1/cases/) with
    ``Authorization: Token``; print the answer; exit 0 on 2xx, 1 otherwise."""
    try:
        answer = send_case(webhook_url, token, case_file.read_bytes())
    except requests.RequestException as error:
        raise click.ClickException(
            f"{webhook_url} did not answer: {type(error).__name__}"
        ) from None
    click.echo(f"HTTP {answer.status}", err=True)
    click.echo(answer.shown())
    if not answer.ok:
        raise SystemExit(1)
