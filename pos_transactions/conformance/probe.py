"""What the checks share, a `Probe`: the client, a clock, and the two polls most checks read (the
default window, and a wide window to find transactions in when yesterday had none), made
once and kept.
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cached_property

from .client import Answer, Lucid3ppClient

WIDE_WINDOW = timedelta(days=30)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_z(moment: datetime) -> str:
    """An instant as ISO-8601 UTC with ``Z`` (the form the spec's own example uses)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def midnight(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class Probe:
    """What the checks share: the client, the clock and the polls made so far."""

    def __init__(self, client: Lucid3ppClient, clock: Callable[[], datetime] = utc_now) -> None:
        self.client = client
        self.clock = clock

    @cached_property
    def default_poll(self) -> Answer:
        return self.client.poll()

    @cached_property
    def wide_params(self) -> dict[str, str]:
        now = self.clock()
        return {"start_date": iso_z(midnight(now) - WIDE_WINDOW), "end_date": iso_z(now)}

    @cached_property
    def wide_poll(self) -> Answer:
        return self.client.poll(self.wide_params)

    def sample(self) -> tuple[list, str]:
        """Transactions to check the shape rules on, and where they came from: yesterday's
        (the default poll) or, when it had none, the last 30 days'."""
        default = self.default_poll.transactions
        if default:
            return default, "the default window"
        return self.wide_poll.transactions or [], "the last 30 days"

    def sample_params(self) -> dict[str, str] | None:
        """The window the sample came from, named explicitly (None: no transactions)."""
        default = self.default_poll.transactions
        if default:
            today = midnight(self.clock())
            return {"start_date": iso_z(today - timedelta(days=1)), "end_date": iso_z(today)}
        return self.wide_params if self.wide_poll.transactions else None
