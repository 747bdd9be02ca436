"""Writing canonical sales: pseudonymise, pre-build the feed object, upsert by native id.

Writing is idempotent per (retailer, native sale id): a sale sent again unchanged is left
alone, a changed one (a later void, a corrected line) replaces its earlier version unless
it is older than what is stored (`versions`: counted stale, never undoing a newer version
or a void), and its `transaction_id` never changes because it derives from the native id.
Every write also marks the UTC days it touched as changed (`feed_days.invalidate`), so no
day of the feed a worker keeps in memory outlives the sales it was built from.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import bulk_write, feed
from .canonical import Sale as CanonicalSale
from .canonical import SaleLine, SaleStatus
from .feed_days import invalidate, invalidate_all
from .models import Sale, ServiceSetting
from .pseudonym import KEY_SETTING
from .sale_rows import feed_columns, row_builder
from .versions import Outcome, VersionConflicts, conflict_reason, outcome

FEED_FORMAT_SETTING = "feed_format"
BATCH = 2000
_UPSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_CREATED_HERE = text("sale.xmin = pg_current_xact_id()::xid")  # by this transaction


@dataclass(frozen=True)
class WriteSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0  # older than the stored version, or un-voiding a void: skipped

    def __add__(self, other: "WriteSummary") -> "WriteSummary":
        return WriteSummary(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.stale + other.stale,
        )


def pseudonym_key(session: Session) -> bytes:
    return bytes.fromhex(session.get(ServiceSetting, KEY_SETTING).value)


def stored_sale(row: Mapping[str, Any]) -> CanonicalSale:
    """A sale back from its stored columns, to rebuild its feed object.  The native customer
    and staff ids were never stored, so they stay unknown here (the pseudonyms are)."""
    moment = row["transacted_on"]
    return CanonicalSale(
        id=row["native_id"],
        status=SaleStatus(row["status"]),
        completed_at=None if moment is None else moment.replace(tzinfo=UTC),
        customer_id=None,
        employee_id=None,
        lines=tuple(
            SaleLine(line["sku"], Decimal(line["quantity"]), tuple(line["lucid_ids"]))
            for line in json.loads(row["lines"])
        ),
    )


def write_sales(session: Session, retailer_id: str, sales: Iterable[CanonicalSale]) -> WriteSummary:
    """Upsert `sales` for the retailer inside the caller's transaction.

    Safe beside concurrent writers of the same sales (two pushes of one batch in flight):
    new rows go in with ``INSERT ... ON CONFLICT DO NOTHING``, and a row another writer
    inserted first is then read back and treated as an existing one, so a race never raises.
    Under such a race the second writer counts that sale `unchanged` (or `updated`, if its
    version differs), not `created`.  The sales' ids are distinct (`Adapter.parse_all`).
    Rows are written in native-id order, and the touched days invalidated once, in day order,
    so that concurrent writers on PostgreSQL take their locks in one order (no deadlock
    between two pushes of the same sales).  A record older than its stored version is
    skipped and counted `stale` (`versions.outcome`); one that contradicts it at the same
    `modified_at` raises VersionConflicts (naming every such record) after all were checked,
    and the caller rolls the whole write back.
    """
    _begin_writing(session)
    sale_row = row_builder(pseudonym_key(session), retailer_id)
    return write_rows(session, retailer_id, [sale_row(sale) for sale in sorted_sales(sales)])


def sorted_sales(sales: Iterable[CanonicalSale]) -> list[CanonicalSale]:
    return sorted(sales, key=attrgetter("id"))


def write_rows(session: Session, retailer_id: str, rows: list[dict[str, Any]]) -> WriteSummary:
    """`write_sales` for rows already built (`sale_rows.row_builder`), in native-id order.

    On PostgreSQL a big write (`bulk_write.MIN_ROWS` rows or more) goes through ``COPY``
    into a staging table and one ``INSERT ... SELECT``; the decisions are the same.
    """
    _begin_writing(session)
    now = datetime.now(UTC).replace(tzinfo=None)
    summary = WriteSummary()
    touched_days: set[date | None] = set()
    conflicts: dict[str, str] = {}
    if bulk_write.takes(session, rows):
        bulk_write.stage(session, retailer_id, rows, now)
        batches, stored, insert_new = [rows], bulk_write.stored, bulk_write.insert_staged
    else:
        batches = [rows[start : start + BATCH] for start in range(0, len(rows), BATCH)]
        stored, insert_new = _stored, _insert_new
    for batch in batches:
        columns = {row["native_id"]: row for row in batch}
        existing = stored(session, retailer_id, list(columns))
        new_rows = [
            {"retailer_id": retailer_id, "updated_at": now, **row}
            for native_id, row in columns.items()
            if native_id not in existing
        ]
        created = insert_new(session, new_rows)
        written, days = _decide(session, retailer_id, columns, existing, created, now, conflicts)
        summary += written
        touched_days |= days
    if conflicts:
        raise VersionConflicts(conflicts)
    invalidate(session, retailer_id, touched_days - {None})
    return summary


def _begin_writing(session: Session) -> None:
    """On SQLite, take the write lock before reading what is stored (``BEGIN IMMEDIATE``).

    A plain deferred transaction would read first and upgrade to writing later, and SQLite
    fails such an upgrade at once, without waiting, when another writer committed in between.
    Taken up front, the lock is waited for (the busy timeout) and what is read stays true.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _decide(
    session: Session,
    retailer_id: str,
    columns: dict[str, dict[str, Any]],
    existing: dict[str, Any],
    created: set[str],
    now: datetime,
    conflicts: dict[str, str],
) -> tuple[WriteSummary, set[date | None]]:
    """Finish one batch of distinct sales, sorted by native id, once its new rows are in:
    update the existing ones that changed; its summary and touched days.  Records that
    conflict with their stored version are added to `conflicts`, not written."""
    seen = existing.keys() | created
    raced = [native_id for native_id in columns if native_id not in seen]
    for start in range(0, len(raced), BATCH):  # another writer inserted them since we
        existing |= _stored(session, retailer_id, raced[start : start + BATCH])  # looked
    touched_days = {_day(columns[native_id]["transacted_on"]) for native_id in created}
    updates, newer_versions, stale = [], [], 0
    for native_id, before in existing.items():
        row = columns[native_id]
        decided = outcome(
            before.status,
            before.modified_at,
            before.fingerprint == row["fingerprint"],
            row["status"],
            row["modified_at"],
        )
        if decided is Outcome.UPDATE:
            updates.append({"id": before.id, "updated_at": now, **row})
            touched_days.add(_day(before.transacted_on))  # a moved sale leaves its old day
            touched_days.add(_day(row["transacted_on"]))
        elif decided is Outcome.UNCHANGED and _advances(before.modified_at, row["modified_at"]):
            newer_versions.append({"id": before.id, "modified_at": row["modified_at"]})
        elif decided is Outcome.STALE:
            stale += 1
        elif decided is Outcome.CONFLICT:
            conflicts[native_id] = conflict_reason(row["modified_at"])
    for rows in (updates, newer_versions):
        if rows:
            session.execute(update(Sale), rows)
    unchanged = len(existing) - len(updates) - stale - len(conflicts.keys() & existing.keys())
    return WriteSummary(len(created), len(updates), unchanged, stale), touched_days


def _advances(stored: datetime | None, incoming: datetime | None) -> bool:
    """Whether an unchanged record still moves the stored version forward (so that a later
    record is compared with the newest moment the POS vouched for)."""
    return incoming is not None and (stored is None or incoming > stored)


def _stored(session: Session, retailer_id: str, native_ids: list[str]) -> dict[str, Any]:
    """The stored rows of `native_ids`, locked (PostgreSQL) until the transaction ends."""
    rows = session.execute(
        select(
            Sale.native_id,
            Sale.id,
            Sale.fingerprint,
            Sale.transacted_on,
            Sale.status,
            Sale.modified_at,
        )
        .where(Sale.retailer_id == retailer_id, Sale.native_id.in_(native_ids))
        .order_by(Sale.native_id)
        .with_for_update()
    )
    return {row.native_id: row for row in rows}


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Insert `rows` unless another writer holds their native id; the ids inserted."""
    if not rows:
        return set()
    dialect = session.get_bind().dialect.name
    statement = _UPSERT[dialect](Sale.__table__).on_conflict_do_nothing(
        index_elements=["retailer_id", "native_id"]
    )
    if dialect == "sqlite" or session.in_nested_transaction():
        # SQLAlchemy sends an executemany with RETURNING as multi-row INSERT statements
        # ("insertmanyvalues"); SQLite has no cheaper way to learn which rows it inserted.
        return set(session.execute(statement.returning(Sale.native_id), rows).scalars())
    # PostgreSQL: RETURNING costs a page-by-page insert; a plain executemany and one look at
    # which rows this very transaction created (their xmin) is about twice as fast.  (Rows
    # written inside a savepoint carry the savepoint's xid, hence RETURNING there.)
    session.execute(statement, rows)
    return set(
        session.scalars(
            select(Sale.native_id).where(
                Sale.retailer_id == rows[0]["retailer_id"],
                Sale.native_id.in_([row["native_id"] for row in rows]),
                _CREATED_HERE,
            )
        )
    )


def refresh_feed_rows(session: Session) -> bool:
    """Rebuild every stored feed object, and forget every cached day, when they were built
    by another `feed.FEED_FORMAT`.  Runs whenever the schema is ensured (each start,
    `init-db`); returns whether it rebuilt anything."""
    stored = session.get(ServiceSetting, FEED_FORMAT_SETTING)
    if stored is not None and stored.value == feed.FEED_FORMAT:
        return False
    last_id = 0
    while rows := session.execute(
        select(Sale.__table__).where(Sale.id > last_id).order_by(Sale.id).limit(BATCH)
    ).all():
        session.execute(update(Sale), [_rebuilt(row._mapping) for row in rows])
        last_id = rows[-1].id
    invalidate_all(session)
    session.merge(ServiceSetting(name=FEED_FORMAT_SETTING, value=feed.FEED_FORMAT))
    return True


def _rebuilt(row: Mapping[str, Any]) -> dict[str, Any]:
    ids = row["transaction_id"], row["consumer_id"], row["budtender_id"]
    return {"id": row["id"], **feed_columns(stored_sale(row), *ids)}


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()
