"""Settings, all from the environment, each with a working default.

``DATABASE_URL`` alone is enough to run every command and ``gunicorn wsgi:app``.
"""

import os
from pathlib import Path

from limits import parse_many

DEFAULT_SQLITE_NAME = "pos_transactions.sqlite3"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from None


def _limit(name: str, default: str) -> str:
    """A rate limit in Flask-Limiter's notation ("20 per minute", "5/second; 100/hour")."""
    value = os.environ.get(name, "").strip() or default
    try:
        parse_many(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a rate limit such as '20 per minute'") from None
    return value


def settings_from_environment(instance_path: str) -> dict:
    """The Flask config keys this service reads, filled from the environment."""
    default_url = f"sqlite:///{Path(instance_path) / DEFAULT_SQLITE_NAME}"
    success_status = _int("POS_TRANSACTIONS_SUCCESS_STATUS", 201)
    if success_status not in (200, 201):
        raise RuntimeError("POS_TRANSACTIONS_SUCCESS_STATUS must be 200 or 201")
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_url,
        "FEED_SUCCESS_STATUS": success_status,
        "MAX_CONTENT_LENGTH": _int("POS_TRANSACTIONS_MAX_PUSH_BYTES", 16 * 1024 * 1024),
        "MAX_PUSH_RECORDS": _int("POS_TRANSACTIONS_MAX_PUSH_RECORDS", 5000),
        "AUTH_FAILURE_LIMIT": _limit("POS_TRANSACTIONS_AUTH_FAILURE_LIMIT", "20 per minute"),
        "AUTH_FAILURE_LIMIT_PER_USERNAME": _limit(
            "POS_TRANSACTIONS_AUTH_FAILURE_LIMIT_PER_USERNAME", "10 per minute"
        ),
        "RATELIMIT_STORAGE_URL": os.environ.get("POS_TRANSACTIONS_RATELIMIT_STORAGE_URL")
        or "memory://",
        "RATELIMIT_KEY_PREFIX": "pos-transactions",
        "TRUSTED_PROXY_HOPS": _int("POS_TRANSACTIONS_TRUSTED_PROXIES", 0),
        "SQLITE_BUSY_TIMEOUT_MS": _int("POS_TRANSACTIONS_SQLITE_BUSY_TIMEOUT_MS", 10_000),
    }
