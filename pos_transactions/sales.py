"""Writing canonical sales: pseudonymise, pre-build the feed object, upsert by native id.

Writing is idempotent per (retailer, native sale id): a sale sent again unchanged is left
alone, a changed one (a later void, a corrected line) replaces its earlier version, and its
`transaction_id` never changes because it derives from the native id.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .canonical import Sale as CanonicalSale
from .canonical import SaleLine, SaleStatus
from .feed import FEED_FORMAT, encode_transaction, transaction_object
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
    return bytes.fromhex(
        session.scalar(select(ServiceSetting.value).where(ServiceSetting.name == KEY_SETTING))
    )


def sale_columns(key: bytes, retailer_id: str, sale: CanonicalSale) -> dict[str, Any]:
    """The stored columns of one canonical sale; raw customer and staff ids end here."""

    def alias(kind: str, native: str | None) -> str | None:
        return None if native is None else pseudonym(key, retailer_id, kind, native)

    columns = {
        "native_id": sale.id,
        "transaction_id": alias("sale", sale.id),
        "status": sale.status.value,
        "transacted_on": _naive_utc(sale.completed_at),
        "consumer_id": alias("customer", sale.customer_id),
        "budtender_id": alias("employee", sale.employee_id),
        "lines": [
            {"sku": line.sku, "quantity": str(line.quantity), "lucid_ids": list(line.lucid_ids)}
            for line in sale.lines
        ],
    }
    columns["fingerprint"] = hashlib.sha256(
        json.dumps(columns, sort_keys=True, default=str).encode()
    ).hexdigest()
    return columns | feed_columns(columns)


def feed_columns(stored: Mapping[str, Any]) -> dict[str, Any]:
    """`reported` and `feed_json` from a sale's stored columns."""
    get = stored.get
    sale = CanonicalSale(
        id=get("transaction_id"),
        status=SaleStatus(get("status")),
        completed_at=None
        if get("transacted_on") is None
        else get("transacted_on").replace(tzinfo=UTC),
        customer_id=None,
        employee_id=None,
        lines=tuple(
            SaleLine(line["sku"], Decimal(line["quantity"]), tuple(line["lucid_ids"]))
            for line in get("lines")
        ),
    )
    if not sale.is_reported:
        return {"reported": False, "feed_json": None}
    transaction = transaction_object(
        sale, get("transaction_id"), get("consumer_id"), get("budtender_id")
    )
    return {"reported": True, "feed_json": encode_transaction(transaction)}


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
        row.native_id: (row.id, row.fingerprint)
        for row in session.execute(
            select(Sale.native_id, Sale.id, Sale.fingerprint).where(
                Sale.retailer_id == retailer_id, Sale.native_id.in_([sale.id for sale in sales])
            )
        )
    }
    inserts, updates, unchanged = [], [], 0
    for sale in sales:
        columns = sale_columns(key, retailer_id, sale)
        if sale.id not in existing:
            inserts.append({"retailer_id": retailer_id, "updated_at": now, **columns})
            continue
        row_id, fingerprint = existing[sale.id]
        if fingerprint == columns["fingerprint"]:
            unchanged += 1
        else:
            updates.append({"id": row_id, "updated_at": now, **columns})
    if inserts:  # a Core executemany: ORM bulk inserts split batches at every None value
        session.execute(insert(Sale.__table__), inserts)
    if updates:
        session.execute(update(Sale), updates)
    return WriteSummary(len(inserts), len(updates), unchanged)


def refresh_feed_rows(session: Session) -> bool:
    """Rebuild every stored feed object when they were built by another `FEED_FORMAT`.

    Called whenever the schema is ensured (each start, `init-db`); returns whether it did.
    """
    stored = session.get(ServiceSetting, FEED_FORMAT_SETTING)
    if stored is not None and stored.value == FEED_FORMAT:
        return False
    columns = (
        Sale.id,
        Sale.transaction_id,
        Sale.status,
        Sale.transacted_on,
        Sale.consumer_id,
        Sale.budtender_id,
        Sale.lines,
    )
    last_id = 0
    while rows := session.execute(
        select(*columns).where(Sale.id > last_id).order_by(Sale.id).limit(BATCH)
    ).all():
        session.execute(
            update(Sale), [{"id": row.id, **feed_columns(row._mapping)} for row in rows]
        )
        last_id = rows[-1].id
    session.merge(ServiceSetting(name=FEED_FORMAT_SETTING, value=FEED_FORMAT))
    return True


def _naive_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None)
