"""The cold pattern's client: every retailer polled exactly once, a few clients at a time.

This is how LucidRetail polls: each retailer once a day, for yesterday.  Unlike wrk, which
repeats one request, every request here is another retailer's, so nothing a server cached
for one poll serves the next.
"""

import hashlib
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from benchmarks.serving import get, transaction_count

REQUEST_TIMEOUT = 60  # seconds; a request that takes longer counts as failed


@dataclass(frozen=True)
class Poll:
    seconds: float
    status: int  # 0: no answer within REQUEST_TIMEOUT, or the connection failed
    digest: str  # SHA-256 of the body, to compare bodies without keeping them
    transactions: int


@dataclass(frozen=True)
class Polls:
    """What one pass over every retailer measured."""

    wall_seconds: float
    polls: list[Poll]

    @property
    def rate(self) -> float:
        return len(self.polls) / self.wall_seconds

    def percentile_ms(self, percent: int) -> float:
        cuts = statistics.quantiles([poll.seconds for poll in self.polls], n=100)
        return cuts[percent - 1] * 1000

    @property
    def failed(self) -> int:
        return sum(1 for poll in self.polls if not 200 <= poll.status < 300)

    def summary(self) -> str:
        return (
            f"{self.rate:,.0f} req/s, p50 {self.percentile_ms(50):.1f} ms, "
            f"p99 {self.percentile_ms(99):.1f} ms, non-2xx {self.failed}"
        )


def poll_each_once(port: int, requests: list[tuple[str, dict[str, str]]], clients: int) -> Polls:
    """Every (path, headers) request once, `clients` at a time; the polls in request order."""
    with ThreadPoolExecutor(clients) as pool:
        started = time.perf_counter()
        polls = list(pool.map(lambda request: _poll(port, *request), requests))
        wall = time.perf_counter() - started
    return Polls(wall, polls)


def _poll(port: int, path: str, headers: dict[str, str]) -> Poll:
    started = time.perf_counter()
    try:
        seconds, status, body = get(port, path, headers, timeout=REQUEST_TIMEOUT)
    except OSError:  # a timeout included
        return Poll(time.perf_counter() - started, 0, "", 0)
    return Poll(seconds, status, hashlib.sha256(body).hexdigest(), transaction_count(body))
