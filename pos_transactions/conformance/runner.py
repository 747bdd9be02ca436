"""Run every check against one 3PP and collect the verdicts, in checklist order."""

from collections.abc import Callable
from datetime import datetime

from .client import DEFAULT_TIMEOUT, Lucid3ppClient
from .feed_checks import FEED_CHECKS
from .probe import Probe, utc_now
from .verdict import Verdict
from .webhook_checks import WEBHOOK_CHECKS


def run_conformance(
    feed_url: str,
    token: str,
    webhook_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    clock: Callable[[], datetime] = utc_now,
) -> list[Verdict]:
    """Every check's verdict, in checklist order (the webhook's only with `webhook_url`)."""
    with Lucid3ppClient(feed_url, token, webhook_url, timeout) as client:
        probe = Probe(client, clock)
        verdicts = [check(probe) for check in FEED_CHECKS]
        if webhook_url is not None:
            verdicts += [check(client) for check in WEBHOOK_CHECKS]
    return verdicts
