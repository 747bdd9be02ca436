"""Writing canonical sales: pseudonymise, pre-build the feed object, upsert by native id.

Writing is idempotent per (retailer, native sale id): a sale sent again unchanged is left
alone, a changed one (a later void, a corrected line) replaces its earlier version, and its
`transaction_id` never changes because it derives from the native id.  Every write also
marks the UTC days it touched as changed (`feed_days.invalidate`), so no cached day of the
feed outlives the sales it was built from.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from . import feed
from .canonical import Sale as CanonicalSale
from .canonical import SaleLine, SaleStatus
from .feed_days import invalidate, invalidate_all
from .models import Sale, ServiceSetting
from .pseudonym import KEY_SETTING, pseudonym

FEED_FORMAT_SETTING = "feed_format"
BATCH = 2000


@dataclass(frozen=True)
class WriteSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: "WriteSummary") -> "WriteSummary":
        return WriteSummary(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def pseudonym_key(session: Session) -> bytes:
    return bytes.fromhex(session.get(ServiceSetting, KEY_SETTING).value)


# Regulars come back sale after sale: their ids need hashing once per process, not per sale.
_alias = lru_cache(maxsize=65536)(pseudonym)


def sale_columns(key: bytes, retailer_id: str, sale: CanonicalSale) -> dict[str, Any]:
    """The stored columns of one canonical sale; raw customer and staff ids end here."""
    transaction_id = _alias(key, retailer_id, "sale", sale.id)
    consumer_id = sale.customer_id and _alias(key, retailer_id, "customer", sale.customer_id)
    budtender_id = sale.employee_id and _alias(key, retailer_id, "employee", sale.employee_id)
    transacted_on = _naive_utc(sale.completed_at)
    lines = json.dumps(
        [
            {"sku": line.sku, "quantity": str(line.quantity), "lucid_ids": list(line.lucid_ids)}
            for line in sale.lines
        ],
        separators=(",", ":"),
    )
    state = "\x1f".join(
        (sale.status.value, str(transacted_on), consumer_id or "", budtender_id or "", lines)
    )
    return {
        "native_id": sale.id,
        "transaction_id": transaction_id,
        "status": sale.status.value,
        "transacted_on": transacted_on,
        "consumer_id": consumer_id,
        "budtender_id": budtender_id,
        "lines": lines,
        "fingerprint": hashlib.sha256(state.encode()).hexdigest(),
        **feed_columns(sale, transaction_id, consumer_id, budtender_id),
    }


def feed_columns(
    sale: CanonicalSale, transaction_id: str, consumer_id: str | None, budtender_id: str | None
) -> dict[str, Any]:
    """`reported` and the pre-built `feed_json` of a sale."""
    if not sale.is_reported:
        return {"reported": False, "feed_json": None}
    transaction = feed.transaction_object(sale, transaction_id, consumer_id, budtender_id)
    return {"reported": True, "feed_json": feed.encode_transaction(transaction)}


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
    """Upsert `sales` for the retailer inside the caller's transaction."""
    key = pseudonym_key(session)
    now = datetime.now(UTC).replace(tzinfo=None)
    summary = WriteSummary()
    batch: list[CanonicalSale] = []
    for sale in sales:
        batch.append(sale)
        if len(batch) == BATCH:
            summary += _write_batch(session, key, retailer_id, batch, now)
            batch = []
    if batch:
        summary += _write_batch(session, key, retailer_id, batch, now)
    return summary


def _write_batch(
    session: Session, key: bytes, retailer_id: str, sales: list[CanonicalSale], now: datetime
) -> WriteSummary:
    existing = {
        row.native_id: row
        for row in session.execute(
            select(Sale.native_id, Sale.id, Sale.fingerprint, Sale.transacted_on).where(
                Sale.retailer_id == retailer_id, Sale.native_id.in_([sale.id for sale in sales])
            )
        )
    }
    inserts, updates, unchanged = [], [], 0
    touched_days: set[date] = set()
    for sale in sales:
        columns = sale_columns(key, retailer_id, sale)
        before = existing.get(sale.id)
        if before is not None and before.fingerprint == columns["fingerprint"]:
            unchanged += 1
            continue
        if before is None:
            inserts.append({"retailer_id": retailer_id, "updated_at": now, **columns})
        else:
            updates.append({"id": before.id, "updated_at": now, **columns})
            touched_days.add(_day(before.transacted_on))
        touched_days.add(_day(columns["transacted_on"]))
    if inserts:  # a Core executemany: ORM bulk inserts split batches at every None value
        session.execute(insert(Sale.__table__), inserts)
    if updates:
        session.execute(update(Sale), updates)
    invalidate(session, retailer_id, touched_days - {None})
    return WriteSummary(len(inserts), len(updates), unchanged)


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


def _naive_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None)


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.date()
