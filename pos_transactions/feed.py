"""The Retail Transactions feed: one JSON object per reported sale, served in order.

Each reported sale's object is built once, when the sale is written, and stored as text
(`Sale.feed_json`).  Serving a window is then one indexed range scan whose rows are joined
with commas and streamed: the cost grows with the window, not with the table, and memory
stays flat whatever the window.  `FEED_FORMAT` names how objects are built; a release that
changes `transaction_object` bumps it, and `sales.refresh_feed_rows` rebuilds every stored
row the next time the schema is ensured.
"""

import json
from collections.abc import Iterator

from sqlalchemy import Connection, select

from .canonical import Sale as CanonicalSale
from .canonical import format_utc
from .models import Sale
from .window import Window

FEED_FORMAT = "1"
CHUNK_ROWS = 1000


def transaction_object(
    sale: CanonicalSale, transaction_id: str, consumer_id: str | None, budtender_id: str | None
) -> dict:
    """The six documented fields of one transaction, in the spec's order."""
    return {
        "transacted_on": format_utc(sale.completed_at),
        "items": sale.lucid_ids,
        "total_items_count": sale.total_items_count,
        "transaction_id": transaction_id,
        "consumer_id": consumer_id,
        "budtender_id": budtender_id,
    }


def encode_transaction(transaction: dict) -> str:
    return json.dumps(transaction, separators=(",", ":"), ensure_ascii=False)


def window_query(retailer_id: str, window: Window):
    return (
        select(Sale.feed_json)
        .where(
            Sale.retailer_id == retailer_id,
            Sale.reported.is_(True),
            Sale.transacted_on >= window.start,
            Sale.transacted_on <= window.end,
        )
        .order_by(Sale.transacted_on, Sale.transaction_id)
    )


def stream_feed(connection: Connection, retailer_id: str, window: Window) -> Iterator[str]:
    """The feed document in chunks.  The query runs before the first chunk is returned,
    so a database error surfaces before any byte is sent."""
    result = connection.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(
        window_query(retailer_id, window)
    )
    return _chunks(result.scalars().partitions())


def _chunks(partitions) -> Iterator[str]:
    yield "["
    separator = ""
    for rows in partitions:
        yield separator + ",".join(rows)
        separator = ","
    yield "]"


def feed_document(connection: Connection, retailer_id: str, window: Window) -> str:
    return "".join(stream_feed(connection, retailer_id, window))
