"""Days of the feed asked for again: kept in each worker's memory, never stale.

LucidRetail polls each retailer once a day, so nearly every poll reads a day nobody asked
for before; what pays there is the feed index (`models.Sale`), not a cache.  A cache pays
only for a day asked for again — a retailer's own checks, a retry, QA polling a fixture
store — so a day is kept the second time a worker serves it, never the first, and only when
it is small enough that holding it costs less than the index read it saves.

Writes keep the cache honest: every write bumps the `version` of each day it touched, in
the same transaction as the sales (`invalidate`); a kept day is found by (retailer, day,
version), and a reader reads the version before the day's rows, so rows newer than the
version may be kept under it but never older ones.
"""

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from .models import FeedDay

_UPSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
HOT_DAYS_BUDGET = 16 * 1024 * 1024  # bytes of kept days in each worker
MAX_KEPT_DAY = 2 * 1024 * 1024  # bytes: a bigger day is streamed from the index every time
SEEN_ONCE = 4096  # days remembered as asked for once, to keep them when asked again


def invalidate(session: Session, retailer_id: str, days: Iterable[date]) -> None:
    """Mark `days` of the retailer's feed changed (inside the writer's transaction)."""
    rows = [{"retailer_id": retailer_id, "day": day, "version": 1} for day in sorted(days)]
    if not rows:
        return
    statement = _UPSERT[session.get_bind().dialect.name](FeedDay).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["retailer_id", "day"], set_={"version": FeedDay.version + 1}
        )
    )


def invalidate_all(session: Session) -> None:
    """Forget every kept day (a release changed how feed objects are built)."""
    session.execute(update(FeedDay).values(version=FeedDay.version + 1))


_VERSIONS = select(FeedDay.day, FeedDay.version).where(
    FeedDay.retailer_id == bindparam("retailer_id"),
    FeedDay.day.in_(bindparam("days", expanding=True)),
)


def day_versions(connection: Connection, retailer_id: str, days: list[date]) -> dict[date, int]:
    """The version of each of `days`: 0 for a day no write ever touched."""
    rows = connection.execute(_VERSIONS, {"retailer_id": retailer_id, "days": days})
    return {day: 0 for day in days} | dict(rows.all())


@dataclass(frozen=True)
class KeptDay:
    """A day as served under its version: chunks of comma-joined objects (no separator at
    either end) and how many transactions they hold."""

    version: int
    chunks: tuple[bytes, ...]
    transactions: int

    @property
    def size(self) -> int:
        return sum(map(len, self.chunks))


class HotDays:
    """The days one process serves again: an LRU bounded in bytes, by (retailer, day).

    The first ask of a day is only remembered (`asked_before` is then true); a later one
    reads the day's version, and serves the kept day if it is that version's or gathers
    the day to keep it.
    """

    def __init__(self, budget: int = HOT_DAYS_BUDGET, largest: int = MAX_KEPT_DAY) -> None:
        self.budget = budget
        self.largest = largest
        self.size = 0
        self.days: OrderedDict[tuple[str, date], KeptDay] = OrderedDict()
        self.seen: OrderedDict[tuple[str, date], None] = OrderedDict()
        self.lock = Lock()

    def asked_before(self, retailer_id: str, day: date) -> bool:
        """Whether the day was asked for before (remembering that it now was)."""
        key = (retailer_id, day)
        with self.lock:
            if key in self.days or key in self.seen:
                return True
            self.seen[key] = None
            if len(self.seen) > SEEN_ONCE:
                self.seen.popitem(last=False)
            return False

    def get(self, retailer_id: str, day: date, version: int) -> KeptDay | None:
        """The day kept under `version`, if it is."""
        key = (retailer_id, day)
        with self.lock:
            kept = self.days.get(key)
            if kept is None or kept.version != version:
                return None
            self.days.move_to_end(key)
            return kept

    def put(self, retailer_id: str, day: date, kept: KeptDay) -> None:
        """Keep the day (replacing another version of it) if it fits the budget."""
        size = kept.size
        if size > self.largest or size > self.budget:
            return
        key = (retailer_id, day)
        with self.lock:
            replaced = self.days.get(key)
            if replaced is not None and replaced.version >= kept.version:
                return  # a thread serving a newer version got there first
            if replaced is not None:
                self.size -= self.days.pop(key).size
            self.days[key] = kept
            self.size += size
            while self.size > self.budget:
                _, dropped = self.days.popitem(last=False)
                self.size -= dropped.size


_HOT_DAYS_BY_DATABASE: "WeakKeyDictionary[Pool, HotDays]" = WeakKeyDictionary()


def hot_days(engine: Engine) -> HotDays:
    """Each database its own hot days: versions are per database, and a process (the test
    suite, a CLI beside a server) may hold several.  Found by the engine's pool, which the
    engine and its variants with other execution options share."""
    hot = _HOT_DAYS_BY_DATABASE.get(engine.pool)
    if hot is None:
        hot = _HOT_DAYS_BY_DATABASE[engine.pool] = HotDays()
    return hot
