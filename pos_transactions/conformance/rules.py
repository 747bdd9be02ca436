"""The contract's rules as pure functions of one value, each answering what is wrong (or None).

The field list of the Retail Transactions document is the source: six fields, ISO-8601
times, LucidIDs "in UUID format (not full URLs)" — LucidGreen's uuid type being the
22-character base57 ShortUUID.  Where the document is loose, our reading is marked.
"""

import json
import re
from datetime import UTC, datetime

from dateutil.parser import isoparse

from ..lucid_id import ALPHABET, LENGTH

FIELDS = (
    "transacted_on",
    "items",
    "total_items_count",
    "transaction_id",
    "consumer_id",
    "budtender_id",
)
IDS = ("transaction_id", "consumer_id", "budtender_id")
_BARE_LUCID_ID = re.compile(f"[{re.escape(ALPHABET)}]{{{LENGTH}}}")
# A whole date-time with a UTC designator or offset, extended or basic format.  Our reading:
# a time without an offset names no instant, so LucidRetail could not place it in a day.
_ISO_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}([.,]\d+)?)?"
    r"|\d{8}T\d{4}(\d{2}([.,]\d+)?)?)"
    r"(Z|[+-]\d{2}(:?\d{2})?)",
    re.ASCII,
)


def field_problems(transaction: object) -> list[str]:
    """What is wrong with one transaction's fields and their types (empty when nothing).

    ``transaction_id`` is a non-empty string; ``consumer_id`` and ``budtender_id`` are strings,
    or null (our reading: the document says string, but a sale without a known customer or
    budtender has no id to give).  ``total_items_count`` is a non-negative integer no smaller
    than the number of LucidIDs (it counts them too); ``items`` is a list of strings.
    """
    if not isinstance(transaction, dict):
        return [f"a transaction must be a JSON object, not {_json_type(transaction)}"]
    problems = []
    missing = [name for name in FIELDS if name not in transaction]
    extra = sorted(set(transaction) - set(FIELDS))
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if extra:
        problems.append(f"unexpected {', '.join(extra)}")
    if "transacted_on" in transaction and not isinstance(transaction["transacted_on"], str):
        problems.append("transacted_on must be a string")
    items = transaction.get("items")
    if "items" in transaction and not (
        isinstance(items, list) and all(isinstance(item, str) for item in items)
    ):
        problems.append("items must be a list of strings")
    count = transaction.get("total_items_count")
    if "total_items_count" in transaction:
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            problems.append("total_items_count must be a non-negative integer")
        elif isinstance(items, list) and count < len(items):
            problems.append("total_items_count is smaller than the number of items")
    transaction_id = transaction.get("transaction_id")
    if "transaction_id" in transaction and not (isinstance(transaction_id, str) and transaction_id):
        problems.append("transaction_id must be a non-empty string")
    for name in ("consumer_id", "budtender_id"):
        if name in transaction and not isinstance(transaction[name], str | None):
            problems.append(f"{name} must be a string or null")
    return problems


def time_problem(value: object) -> str | None:
    """Why `value` is not an ISO-8601 date-time with an offset, or None when it is one."""
    if not isinstance(value, str):
        return f"{_json_type(value)} is not an ISO-8601 string"
    if not _ISO_DATE_TIME.fullmatch(value):
        return f"{value!r} is not an ISO-8601 date-time with Z or an offset"
    try:
        isoparse(value)
    except (ValueError, OverflowError):
        return f"{value!r} is not a valid date-time"
    return None


def parsed_time(value: object) -> datetime | None:
    """The instant `value` names (aware, UTC), or None when it is not a valid ISO-8601 time."""
    if time_problem(value) is not None:
        return None
    return isoparse(value).astimezone(UTC)


def item_problem(item: object) -> str | None:
    """Why `item` is not a bare 22-character base57 LucidID, or None when it is one."""
    if not isinstance(item, str):
        return f"{_json_type(item)} is not a LucidID"
    if "/" in item or "://" in item:
        return f"{item!r} is a URL, not a bare LucidID"
    if not _BARE_LUCID_ID.fullmatch(item):
        return f"{item!r} is not a 22-character base57 LucidID"
    return None


def fingerprint(transaction: dict) -> str:
    """A transaction's content without its ids: what two answers must agree on whatever the
    ids do (the stable-id check judges the ids; the window checks should not trip on them)."""
    content = {name: value for name, value in transaction.items() if name not in IDS}
    return json.dumps(content, sort_keys=True, default=str)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)
