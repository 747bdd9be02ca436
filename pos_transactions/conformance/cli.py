"""``pos-transactions conformance FEED_URL --token T [--webhook URL] [--json]``: thin click layer.

It needs no application, database or configuration: it only makes HTTP calls, so it is a
plain click command (no application context is made for it).
"""

import json

import click

from .client import DEFAULT_TIMEOUT
from .report import checklist_lines, is_conformant, json_document, summary_line
from .runner import run_conformance


@click.command("conformance")
@click.argument("feed_url")
@click.option(
    "--token",
    envvar="CONFORMANCE_TOKEN",
    required=True,
    help="The 3PP token LucidRetail would use (or set CONFORMANCE_TOKEN).",
)
@click.option("--webhook", "webhook_url", help="The 3PP's Receive-Case webhook URL, to check too.")
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON document on stdout.")
@click.option(
    "--allow-skip", is_flag=True, help="Exit 0 even if some checks had nothing to check with."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for each connection and each answer.",
)
def conformance(
    feed_url: str,
    token: str,
    webhook_url: str | None,
    as_json: bool,
    allow_skip: bool,
    timeout: float,
) -> None:
    """Check a 3PP's Retail Transactions API (and webhook) the way LucidRetail uses them.

    FEED_URL is the transactions endpoint the 3PP gives LucidRetail, e.g.
    https://pos.example/api/v1/transactions/.  With --webhook, a sample case (fixed uuid) is
    posted to the webhook: use a test account.  Exit 0 only when every check passes.
    """
    verdicts = run_conformance(feed_url, token, webhook_url, timeout)
    if as_json:
        click.echo(json.dumps(json_document(verdicts, allow_skip), indent=2))
    else:
        for line in checklist_lines(verdicts):
            click.echo(line)
        click.echo(summary_line(verdicts), err=True)
    if not is_conformant(verdicts, allow_skip):
        raise SystemExit(1)
