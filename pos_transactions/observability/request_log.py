"""The request log: one JSON line per request on stderr, and the request id on every line.

Every record of the ``pos_transactions`` loggers goes through `JsonFormatter`, so error logs
of a request carry its request id too (`RequestIdFilter`).  The line never holds the query
string or any header: what a caller sent as credentials cannot reach the log.
"""

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask

from .exchange import Exchange, current_request_id

log = logging.getLogger("pos_transactions.requests")


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, request id, message, and the
    structured `fields` a caller passed in `extra`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


class JsonLogHandler(logging.Handler):
    """JSON lines on whatever `sys.stderr` is at the time (as logging's last resort does),
    so a test's captured stderr or a server's redirected one both receive them."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def install_log_handler() -> None:
    """Send the service's logs to stderr as JSON, once per process: the request lines, and
    warnings and errors of every module (the other modules' levels are left as they are)."""
    package = logging.getLogger("pos_transactions")
    if not any(isinstance(handler, JsonLogHandler) for handler in package.handlers):
        package.addHandler(JsonLogHandler())
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)


def log_exchange(exchange: Exchange, seconds: float) -> None:
    fields = {
        "method": exchange.method,
        "path": exchange.path,
        "status": exchange.status,
        "duration_ms": round(seconds * 1000, 3),
        "retailer_id": exchange.retailer_id,
    }
    if exchange.transactions_served is not None:
        fields["transactions_served"] = exchange.transactions_served
    if exchange.sales is not None:
        fields["sales_written"] = exchange.sales
    log.info("request", extra={"fields": fields, "request_id": exchange.request_id})


def init_app(app: Flask) -> None:
    install_log_handler()
