"""The stored row of a canonical sale, built in one pass: pseudonyms, lines, fingerprint, feed.

A bulk load builds 100,000 rows, so this is written for speed with the stored bytes pinned:
the pseudonyms are `pseudonym.pseudonym`'s (one pre-keyed HMAC), `lines` is the
``json.dumps(..., separators=(",", ":"))`` text (orjson writes it; a line with non-ASCII
text, which ``json.dumps`` escapes and orjson does not, goes through ``json.dumps``), and
`feed_json` is `feed.encode_transaction`'s text of `feed.transaction_object` (every value
of it is ASCII text, an int or null, which orjson writes as ``json.dumps`` does).
tests/test_sale_rows.py compares every column with the straightforward computation.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from hashlib import sha256
from typing import Any

import orjson

from . import feed
from .canonical import Sale, SaleLine
from .pseudonym import pseudonymiser

PEOPLE_CACHED = 65536  # regulars come back sale after sale: hash their ids once per write


def row_builder(key: bytes, retailer_id: str) -> Callable[[Sale], dict[str, Any]]:
    """A function from a canonical sale to its stored columns (raw customer and staff ids
    end there), for one retailer's write."""
    pseudonym_of = pseudonymiser(key)

    @lru_cache(maxsize=PEOPLE_CACHED)
    def person(kind: str, native_id: str) -> str:
        return pseudonym_of(retailer_id, kind, native_id)

    def sale_row(sale: Sale) -> dict[str, Any]:
        transaction_id = pseudonym_of(retailer_id, "sale", sale.id)
        consumer_id = sale.customer_id and person("customer", sale.customer_id)
        budtender_id = sale.employee_id and person("employee", sale.employee_id)
        transacted_on = naive_utc(sale.completed_at)
        lines = lines_json(sale.lines)
        state = "\x1f".join(
            (sale.status.value, str(transacted_on), consumer_id or "", budtender_id or "", lines)
        )
        if sale.original_id is not None:  # appended only when present: older fingerprints hold
            state += "\x1f" + sale.original_id
        return {
            "native_id": sale.id,
            "transaction_id": transaction_id,
            "status": sale.status.value,
            "transacted_on": transacted_on,
            "consumer_id": consumer_id,
            "budtender_id": budtender_id,
            "lines": lines,
            "fingerprint": sha256(state.encode()).hexdigest(),
            "modified_at": naive_utc(sale.modified_at),
            "original_id": sale.original_id,
            **feed_columns(sale, transaction_id, consumer_id, budtender_id),
        }

    return sale_row


def lines_json(lines: tuple[SaleLine, ...]) -> str:
    """The stored `lines` text: ``json.dumps`` of the lines, compact, ASCII-escaped."""
    plain = [
        {"sku": line.sku, "quantity": str(line.quantity), "lucid_ids": line.lucid_ids}
        for line in lines
    ]
    encoded = orjson.dumps(plain)
    if encoded.isascii():
        return encoded.decode()
    return json.dumps(plain, separators=(",", ":"))


def feed_columns(
    sale: Sale, transaction_id: str, consumer_id: str | None, budtender_id: str | None
) -> dict[str, Any]:
    """`reported` and the pre-built `feed_json` of a sale."""
    if not sale.is_reported:
        return {"reported": False, "feed_json": None}
    transaction = feed.transaction_object(sale, transaction_id, consumer_id, budtender_id)
    encoded = orjson.dumps(transaction)
    if encoded.isascii():
        return {"reported": True, "feed_json": encoded.decode()}
    return {"reported": True, "feed_json": feed.encode_transaction(transaction)}


def naive_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None)
