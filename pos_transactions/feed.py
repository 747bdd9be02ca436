"""The Retail Transactions feed: one JSON object per reported sale, served in order.

Each reported sale's object is built once, when the sale is written, and stored as text
(`Sale.feed_json`).  Serving a window is then indexed range scans whose rows are joined with
commas and streamed, and whole UTC days come from `feed_days`, pre-joined: the cost grows with
the window, not with the table, and memory stays flat whatever the window.  `FEED_FORMAT`
names how objects are built; a release that changes `transaction_object` bumps it, and
`sales.refresh_feed_rows` rebuilds every stored row (and forgets every cached day) the next
time the schema is ensured.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain

from sqlalchemy import Connection, select

from .canonical import Sale as CanonicalSale
from .canonical import format_utc
from .feed_days import cached_day, keep_day
from .models import Sale
from .observability.metrics import record_cached_day
from .window import Window

FEED_FORMAT = "1"
CHUNK_ROWS = 1000
MAX_CACHED_DAYS = 7
ONE_DAY = timedelta(days=1)
# Rows of a longer span are streamed from a server-side cursor; a window's edges (at most
# two days) and the default window's closing instant are read in one round trip.
STREAMED_SPAN = 2 * ONE_DAY


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


def range_query(retailer_id: str, start: datetime, end: datetime, end_inclusive: bool):
    """Feed rows from `start` to `end`, in feed order: one range of `ix_sale_feed`."""
    until = Sale.transacted_on <= end if end_inclusive else Sale.transacted_on < end
    return (
        select(Sale.feed_json)
        .where(
            Sale.retailer_id == retailer_id,
            Sale.reported.is_(True),
            Sale.transacted_on >= start,
            until,
        )
        .order_by(Sale.transacted_on, Sale.transaction_id)
    )


@dataclass(frozen=True)
class Rows:
    """Part of a window read row by row: from `start` to `end` (inclusive or not)."""

    start: datetime
    end: datetime
    end_inclusive: bool


def split_window(window: Window) -> list[Rows | date]:
    """The window as whole UTC days (served from `feed_days`) between partial edges (rows).

    The inclusive end means the last piece is always rows, if only the one instant at
    midnight.  A window of more whole days than `MAX_CACHED_DAYS` is read as rows alone:
    the cache is for the daily poll and a short catch-up, while a long back-fill streams
    rows in constant memory (a cached day is held whole while it is sent) and should not
    fill the cache with days nobody asks for again.
    """
    first = _day_start(window.start.date())
    if first < window.start:
        first += ONE_DAY
    last = _day_start(window.end.date())
    days = (last - first) // ONE_DAY
    if days < 1 or days > MAX_CACHED_DAYS:
        return [Rows(window.start, window.end, end_inclusive=True)]
    pieces: list[Rows | date] = []
    if window.start < first:
        pieces.append(Rows(window.start, first, end_inclusive=False))
    pieces.extend((first + ONE_DAY * offset).date() for offset in range(days))
    pieces.append(Rows(last, window.end, end_inclusive=True))
    return pieces


def stream_feed(connection: Connection, retailer_id: str, window: Window) -> Iterator[str]:
    """The feed document in chunks, whole days from the cache and edges from the rows.

    The first piece's query runs before the first chunk is returned, so a database error
    surfaces before any byte is sent; every later piece is read only when the body gets to
    it, so memory holds one piece at a time whatever the window.
    """
    pieces = iter(split_window(window))
    first = _piece_chunks(connection, retailer_id, next(pieces))
    rest = (_piece_chunks(connection, retailer_id, piece) for piece in pieces)
    return _document(chain((first,), rest))


def _piece_chunks(connection: Connection, retailer_id: str, piece: Rows | date) -> Iterator[str]:
    if isinstance(piece, Rows):
        query = range_query(retailer_id, piece.start, piece.end, piece.end_inclusive)
        if piece.end - piece.start > STREAMED_SPAN:  # a server-side cursor costs round trips
            connection = connection.execution_options(stream_results=True, yield_per=CHUNK_ROWS)
        return (
            ",".join(rows) for rows in connection.execute(query).scalars().partitions(CHUNK_ROWS)
        )
    version, document = cached_day(connection, retailer_id, piece)
    record_cached_day(hit=document is not None)
    if document is None:
        day = _day_start(piece)
        document = ",".join(
            connection.scalars(range_query(retailer_id, day, day + ONE_DAY, end_inclusive=False))
        )
        keep_day(connection, retailer_id, piece, version, document)
    return iter((document,))


def _document(pieces: Iterator[Iterator[str]]) -> Iterator[str]:
    yield "["
    separator = ""
    for chunks in pieces:
        for chunk in chunks:
            if chunk:
                yield separator  # apart from the chunk: no copy of a day's document
                yield chunk
                separator = ","
    yield "]"


def feed_document(connection: Connection, retailer_id: str, window: Window) -> str:
    return "".join(stream_feed(connection, retailer_id, window))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time())
