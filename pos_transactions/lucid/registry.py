"""The LucidID registry: which LucidIDs LucidRetail holds in each retailer's packages.

It is a copy of the retailer's latest Package-UID export, one row per (package, case,
LucidID).  A sync replaces the retailer's rows in one transaction, so readers see the old
registry or the new one, never a mixture, and a failed sync leaves the old one in place.
What the Receive-Case webhook delivered (`webhook.cases`) counts as known too: those
LucidIDs arrived in cases the retailer received.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from itertools import islice
from typing import NamedTuple

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ..webhook.cases import received_lucid_ids
from ..webhook.models import ReceivedItemRow
from .models import RegistryEntry

INSERT_BATCH = 5000
LOOKUP_BATCH = 500


class RegistryRow(NamedTuple):
    package_uid: str
    case_id: str
    lucid_id: str


def replace_registry(
    session: Session, retailer_id: str, rows: Iterable[RegistryRow], export_date: date | None
) -> int:
    """Make `rows` the retailer's whole registry, within the caller's transaction."""
    synced_at = datetime.now(UTC).replace(tzinfo=None)
    session.execute(delete(RegistryEntry).where(RegistryEntry.retailer_id == retailer_id))
    stored = 0
    for batch in _batches(rows, INSERT_BATCH):
        session.execute(
            insert(RegistryEntry),
            [
                {
                    "retailer_id": retailer_id,
                    "package_uid": row.package_uid,
                    "case_id": row.case_id,
                    "lucid_id": row.lucid_id,
                    "export_date": export_date,
                    "synced_at": synced_at,
                }
                for row in batch
            ],
        )
        stored += len(batch)
    return stored


def registry_size(session: Session, retailer_id: str) -> int:
    """The retailer's registry rows: synced from the export, and received by webhook."""
    return sum(
        session.scalar(
            select(func.count()).select_from(table).where(table.retailer_id == retailer_id)
        )
        for table in (RegistryEntry, ReceivedItemRow)
    )


def known_lucid_ids(session: Session, retailer_id: str, lucid_ids: Iterable[str]) -> set[str]:
    """Those of `lucid_ids` that the retailer's registry holds or its webhook received."""
    wanted = sorted(set(lucid_ids))
    known = received_lucid_ids(session, retailer_id, wanted)
    for batch in _batches(wanted, LOOKUP_BATCH):
        known.update(
            session.scalars(
                select(RegistryEntry.lucid_id).where(
                    RegistryEntry.retailer_id == retailer_id, RegistryEntry.lucid_id.in_(batch)
                )
            )
        )
    return known


def find_lucid_id(
    session: Session, lucid_id: str, retailer_id: str | None = None
) -> list[RegistryEntry]:
    """Every registry row for `lucid_id` (normally one), optionally for one retailer."""
    query = select(RegistryEntry).where(RegistryEntry.lucid_id == lucid_id)
    if retailer_id is not None:
        query = query.where(RegistryEntry.retailer_id == retailer_id)
    return list(session.scalars(query.order_by(RegistryEntry.retailer_id, RegistryEntry.id)))


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
