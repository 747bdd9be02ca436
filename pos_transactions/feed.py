"""The Retail Transactions feed: one JSON object per reported sale, served in order.

Each reported sale's object is built once, when the sale is written, and stored as text
(`Sale.feed_json`) inside the feed index, in feed order (`models.Sale`).  Serving a window
is then one range of that index (`feed_ranges`), read in pages of objects, each joined with
commas and handed to the server as bytes: the cost grows with the window, not the table,
and a response holds one page at a time whatever the window.  Whole UTC days a worker
serves again come from its memory (`feed_days`).  `FEED_FORMAT` names how objects are
built; a release that changes `transaction_object` bumps it, and `sales.refresh_feed_rows`
rebuilds every stored row (and forgets every kept day) the next time the schema is ensured.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection

from .canonical import Sale as CanonicalSale
from .canonical import format_utc
from .feed_days import HotDays, KeptDay, day_versions, hot_days
from .feed_ranges import hold_snapshot, read_range
from .observability.metrics import record_cached_day
from .window import Window

FEED_FORMAT = "1"
MAX_CACHED_DAYS = 7
ONE_DAY = timedelta(days=1)


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


@dataclass(frozen=True)
class Rows:
    """Part of a window read row by row: from `start` to `end` (inclusive or not)."""

    start: datetime
    end: datetime
    end_inclusive: bool


def split_window(window: Window) -> list[Rows | date]:
    """The window as whole UTC days (which a worker may keep) between partial edges (rows).

    The inclusive end means the last piece is always rows, if only the one instant at
    midnight.  A window of more whole days than `MAX_CACHED_DAYS` is read as rows alone:
    days are kept for the daily poll and a short catch-up asked again, not for a long
    back-fill nobody asks for twice.
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


def merge_ranges(pieces: list[Rows | date]) -> list[Rows | date]:
    """`pieces` with each run of adjacent ranges read as one (a day given as a date stays
    a day; give a day that will be read from the index as its `Rows`).  A poll nobody made
    before is then one query, whatever its days."""
    merged: list[Rows | date] = []
    for piece in pieces:
        before = merged[-1] if merged else None
        if isinstance(piece, Rows) and isinstance(before, Rows):
            merged[-1] = Rows(before.start, piece.end, piece.end_inclusive)
        else:
            merged.append(piece)
    return merged


class FeedStream:
    """The feed document of one window as bytes, counting the transactions it sends.

    A day this worker served before is read from its memory or gathered to be kept there
    (`feed_days`); every other piece of the window is read from the index, adjacent ones
    in one range.  The first piece's query runs when the stream is made, so a database
    error surfaces before any byte is sent; every later piece is read only when the body
    gets to it.  `transactions` is exact once the body is sent (the request log, the
    metrics and the poll recorder read it).
    """

    def __init__(self, connection: Connection, retailer_id: str, window: Window) -> None:
        self.connection = connection
        self.retailer_id = retailer_id
        self.transactions = 0
        self.hot: HotDays = hot_days(connection.engine)
        pieces = split_window(window)
        again = [
            piece
            for piece in pieces
            if isinstance(piece, date) and self.hot.asked_before(retailer_id, piece)
        ]
        # Days asked for again are read (or served from memory) apart: the window is then
        # read from one snapshot, versions included, so that a sale moved from one piece
        # to another is sent once.  The closing midnight instant alone does not count.
        spans = [
            piece for piece in pieces if not (isinstance(piece, Rows) and piece.start == piece.end)
        ]
        self.in_snapshot = bool(again) and len(spans) > 1
        if self.in_snapshot:
            hold_snapshot(connection)
        # Versions are read before any row, so a kept day is never older than its version.
        self.versions = day_versions(connection, retailer_id, again) if again else {}
        self.pieces = merge_ranges([self._as_read(piece) for piece in pieces])
        self.first = self._piece(self.pieces[0])

    def _as_read(self, piece: Rows | date) -> Rows | date:
        """A day asked for the first time as the range of rows it is read as."""
        if isinstance(piece, Rows) or piece in self.versions:
            return piece
        record_cached_day(hit=False)
        start = _day_start(piece)
        return Rows(start, start + ONE_DAY, end_inclusive=False)

    def __iter__(self) -> Iterator[bytes]:
        yield b"["
        separator = b""
        for number, piece in enumerate(self.pieces):
            for chunk in self.first if number == 0 else self._piece(piece):
                yield separator  # apart from the chunk: a kept chunk is never copied
                yield chunk
                separator = b","
        yield b"]"

    def _piece(self, piece: Rows | date) -> Iterator[bytes]:
        if isinstance(piece, Rows):
            pages = read_range(
                self.connection,
                self.retailer_id,
                piece.start,
                piece.end,
                piece.end_inclusive,
                self.in_snapshot,
            )
            return self._counted(pages)
        version = self.versions[piece]
        kept = self.hot.get(self.retailer_id, piece, version)
        record_cached_day(hit=kept is not None)
        if kept is not None:
            self.transactions += kept.transactions
            return iter(kept.chunks)
        start = _day_start(piece)
        pages = read_range(
            self.connection, self.retailer_id, start, start + ONE_DAY, False, self.in_snapshot
        )
        return self._kept(piece, version, pages)

    def _counted(self, slices) -> Iterator[bytes]:
        for objects in slices:
            self.transactions += len(objects)
            yield ",".join(objects).encode()

    def _kept(self, day: date, version: int, slices) -> Iterator[bytes]:
        """The day's slices, gathered to be kept once sent whole; a day too big to keep is
        let go as soon as it proves so."""
        gathered: list[bytes] = []
        size, before = 0, self.transactions
        for chunk in self._counted(slices):
            size += len(chunk)
            if size <= self.hot.largest:
                gathered.append(chunk)
            else:
                gathered.clear()
            yield chunk
        if size <= self.hot.largest:
            kept = KeptDay(version, tuple(gathered), self.transactions - before)
            self.hot.put(self.retailer_id, day, kept)


def stream_feed(connection: Connection, retailer_id: str, window: Window) -> FeedStream:
    """The retailer's feed document for `window`, in bytes chunks."""
    return FeedStream(connection, retailer_id, window)


def feed_document(connection: Connection, retailer_id: str, window: Window) -> str:
    return b"".join(stream_feed(connection, retailer_id, window)).decode()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time())
