"""Prometheus metrics with the official client, summed over every gunicorn worker.

With ``PROMETHEUS_MULTIPROC_DIR`` set (the production command), each worker writes its
counts to files there and ``GET /metrics`` adds up every worker's files; unset (one process,
the tests), the counts live in this process.  Labels are bounded: the endpoint's name, the
method, the status, the adapter's name, a cache result — never a retailer, path or secret.
"""

import ipaddress
import os
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

if TYPE_CHECKING:  # the feed imports this module: it must not import the web layer
    from .exchange import Exchange

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# The client chose where counts live when it was imported (files there, one per metric and
# process, or this process's memory); the scrape must read the same place, whatever the
# environment says later.
MULTIPROCESS_FOLDER = os.environ.get(MULTIPROCESS_DIR) or None
if MULTIPROCESS_FOLDER:
    os.makedirs(MULTIPROCESS_FOLDER, exist_ok=True)

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "pos_transactions_requests",
    "HTTP requests answered, by endpoint (the view's name), method and status.",
    ["endpoint", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "pos_transactions_request_duration_seconds",
    "From the request's arrival to its response's close (a streamed feed's last byte).",
    ["endpoint"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
TRANSACTIONS_SERVED = Counter(
    "pos_transactions_transactions_served", "Transactions sent by the feed.", registry=REGISTRY
)
SALES_WRITTEN = Counter(
    "pos_transactions_sales_written",
    "Sales created or updated by pushes, by adapter.",
    ["adapter"],
    registry=REGISTRY,
)
AUTHENTICATION_FAILURES = Counter(
    "pos_transactions_authentication_failures",
    "Requests answered 401: missing or invalid credentials.",
    registry=REGISTRY,
)
THROTTLED = Counter(
    "pos_transactions_throttled_requests", "Requests answered 429.", registry=REGISTRY
)
DATABASE_ERRORS = Counter(
    "pos_transactions_database_errors",
    "Requests answered 503: the database was unavailable.",
    registry=REGISTRY,
)
CACHED_DAYS = Counter(
    "pos_transactions_cached_days",
    "Whole days of the feed asked of the day cache, by result (hit or miss).",
    ["result"],
    registry=REGISTRY,
)
_BY_STATUS = {401: AUTHENTICATION_FAILURES, 429: THROTTLED, 503: DATABASE_ERRORS}


def record_cached_day(hit: bool) -> None:
    """Count one whole day asked of the day cache (called by `feed._piece_chunks`)."""
    CACHED_DAYS.labels("hit" if hit else "miss").inc()


def observe(exchange: "Exchange", seconds: float) -> None:
    endpoint = exchange.endpoint or "unmatched"
    method = exchange.method if exchange.method in METHODS else "other"
    REQUESTS.labels(endpoint, method, str(exchange.status)).inc()
    LATENCY.labels(endpoint).observe(seconds)
    if exchange.transactions_served:
        TRANSACTIONS_SERVED.inc(exchange.transactions_served)
    if exchange.sales:
        written = (exchange.sales.get("created") or 0) + (exchange.sales.get("updated") or 0)
        SALES_WRITTEN.labels(exchange.adapter or "unknown").inc(written)
    counter = _BY_STATUS.get(exchange.status)
    if counter is not None:
        counter.inc()


def exposition() -> bytes:
    """Every counter in Prometheus' text format, summed over the workers when there are several."""
    if not MULTIPROCESS_FOLDER:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=MULTIPROCESS_FOLDER)
    return generate_latest(registry)


def is_loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback
