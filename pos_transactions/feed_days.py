"""Cached days of the feed: a whole UTC day of one retailer's feed, kept as one document.

LucidRetail's daily poll asks for yesterday and a chain's back-fill for a month: windows made
mostly of whole UTC days, and a day that is over rarely changes.  Serving a cached day is one
row read instead of a range scan over thousands of sales.  Writes keep the cache honest:
every write bumps the `version` of each day it touched and clears its document, in the same
transaction as the sales; a reader keeps the document it built only if the version it read
is still current (see `models.FeedDay`).  On top, each worker keeps the days it served
lately in memory under their version, so a repeated poll reads one small row.
"""

import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .models import FeedDay

log = logging.getLogger(__name__)
_UPSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_KEY = ["retailer_id", "day"]
LOCK_WAIT_MS = 100  # how long a poll may wait to cache a day before it serves without
HOT_DAYS_BUDGET = 16 * 1024 * 1024  # characters of day documents kept in each worker


def invalidate(session: Session, retailer_id: str, days: Iterable[date]) -> None:
    """Mark `days` of the retailer's feed changed (inside the writer's transaction)."""
    rows = [{"retailer_id": retailer_id, "day": day, "version": 1} for day in sorted(days)]
    if not rows:
        return
    statement = _UPSERT[session.get_bind().dialect.name](FeedDay).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=_KEY, set_={"version": FeedDay.version + 1, "document": None}
        )
    )


def invalidate_all(session: Session) -> None:
    """Forget every cached day (a release changed how feed objects are built)."""
    session.execute(update(FeedDay).values(version=FeedDay.version + 1, document=None))


def cached_day(
    connection: Connection, retailer_id: str, day: date
) -> tuple[int | None, str | None]:
    """The day's version (None if no write ever touched it) and its document, if cached.

    A document never changes for a given version (a write bumps the version), so each worker
    keeps recently served documents in memory by (retailer, day, version) and asks the
    database only for the version: the daily poll's day is then not fetched again.
    """
    row = connection.execute(
        select(FeedDay.version, FeedDay.document.is_not(None)).where(
            FeedDay.retailer_id == retailer_id, FeedDay.day == day
        )
    ).first()
    if row is None:
        return None, None
    version, stored = row
    if not stored:
        return version, None
    hot = _hot_days(connection.engine)
    key = (retailer_id, day, version)
    document = hot.get(key)
    if document is None:
        document = connection.scalar(
            select(FeedDay.document).where(
                FeedDay.retailer_id == retailer_id, FeedDay.day == day, FeedDay.version == version
            )
        )
        if document is None:  # cleared by a write since the version was read
            return version, None
        hot.put(key, document)
    return version, document


class HotDays:
    """A small LRU of day documents, bounded in characters, for one process."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.documents: OrderedDict[tuple, str] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple) -> str | None:
        with self.lock:
            document = self.documents.get(key)
            if document is not None:
                self.documents.move_to_end(key)
            return document

    def put(self, key: tuple, document: str) -> None:
        if len(document) > self.budget // 4:
            return  # a day that big would push out every other
        with self.lock:
            if key in self.documents:
                return
            self.documents[key] = document
            self.size += len(document)
            while self.size > self.budget:
                _, dropped = self.documents.popitem(last=False)
                self.size -= len(dropped)


_HOT_DAYS_BY_DATABASE: "WeakKeyDictionary[Engine, HotDays]" = WeakKeyDictionary()


def _hot_days(engine: Engine) -> HotDays:
    """Each database its own hot days: versions are per database, and a process (the test
    suite, a CLI beside a server) may hold several."""
    hot = _HOT_DAYS_BY_DATABASE.get(engine)
    if hot is None:
        hot = _HOT_DAYS_BY_DATABASE[engine] = HotDays(HOT_DAYS_BUDGET)
    return hot


def keep_day(
    connection: Connection, retailer_id: str, day: date, version: int | None, document: str
) -> None:
    """Store a built day, on its own short transaction, unless a write changed the day since
    `version` was read.  Caching is an optimisation: a poll never waits for a writer (a long
    store load holding the lock) to cache a day, and a failure is logged, not raised."""
    try:
        with connection.engine.connect() as writer, waiting_briefly(writer), writer.begin():
            if writer.dialect.name == "postgresql":
                writer.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'"))
            _store(writer, retailer_id, day, version, document)
    except OperationalError as error:
        log.info("feed day %s not cached (%s)", day, type(error.orig).__name__)


def _store(writer: Connection, retailer_id: str, day: date, version: int | None, document: str):
    if version is None:
        statement = _UPSERT[writer.dialect.name](FeedDay).values(
            retailer_id=retailer_id, day=day, version=0, document=document
        )
        writer.execute(statement.on_conflict_do_nothing(index_elements=_KEY))
        return
    writer.execute(
        update(FeedDay)
        .where(
            FeedDay.retailer_id == retailer_id,
            FeedDay.day == day,
            FeedDay.version == version,
        )
        .values(document=document)
    )


@contextmanager
def waiting_briefly(writer: Connection) -> Iterator[None]:
    """SQLite's lock wait is per connection, not per transaction: shorten it for this write
    and give the pooled connection back with the wait it had."""
    if writer.dialect.name != "sqlite":
        yield
        return
    usual = writer.exec_driver_sql("PRAGMA busy_timeout").scalar()
    writer.exec_driver_sql(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
    writer.commit()  # the PRAGMAs began no transaction worth keeping
    try:
        yield
    finally:
        writer.exec_driver_sql(f"PRAGMA busy_timeout={usual}")
