"""Reading what the webhook received: recent cases (the integration page), a LucidID's
case, METRC id, product and batch (``lucid lookup``), and which LucidIDs a retailer
received (the audit's registry)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from .models import CatalogRow, ReceivedCaseRow, ReceivedItemRow

LOOKUP_BATCH = 500


@dataclass(frozen=True)
class RecentCase:
    """A case delivered by the webhook, as the integration page lists it."""

    received_at: datetime  # the latest delivery (naive UTC)
    case_uuid: str
    identifier: str | None
    lucid_ids: int  # LucidIDs in it and its sub-cases
    regulator_ids: tuple[str, ...]  # the collected current METRC ids


def recent_cases(session: Session, retailer_id: str, limit: int = 20) -> list[RecentCase]:
    """The retailer's most recently delivered cases (not their sub-cases), newest first."""
    rows = session.scalars(
        select(ReceivedCaseRow)
        .where(ReceivedCaseRow.retailer_id == retailer_id, ReceivedCaseRow.parent_uuid.is_(None))
        .order_by(ReceivedCaseRow.updated_at.desc(), ReceivedCaseRow.id.desc())
        .limit(limit)
    )
    return [
        RecentCase(
            row.updated_at,
            row.case_uuid,
            row.identifier,
            row.lucid_ids,
            tuple(json.loads(row.metrc_ids)),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ReceivedLucidID:
    """Where a LucidID arrived by webhook, for ``lucid lookup``."""

    retailer_id: str
    case_uuid: str  # the innermost case holding it
    delivered_case_uuid: str
    case_identifier: str | None
    metrc_id: str | None
    product: str | None  # "name (uuid)", or the uuid alone when the catalog lacks it
    batch: str | None
    received_at: datetime


def _named(name: str | None, uuid: str | None) -> str | None:
    if uuid is None:
        return None
    return f"{name} ({uuid})" if name else uuid


def find_received(
    session: Session, lucid_id: str, retailer_id: str | None = None
) -> list[ReceivedLucidID]:
    """Every webhook delivery of `lucid_id` (one per retailer at most), optionally of one."""
    case, product, batch = aliased(ReceivedCaseRow), aliased(CatalogRow), aliased(CatalogRow)
    query = (
        select(ReceivedItemRow, case.identifier, product.name, batch.name)
        .outerjoin(
            case,
            (case.retailer_id == ReceivedItemRow.retailer_id)
            & (case.case_uuid == ReceivedItemRow.case_uuid),
        )
        .outerjoin(
            product,
            (product.retailer_id == ReceivedItemRow.retailer_id)
            & (product.kind == "product")
            & (product.uuid == ReceivedItemRow.product_uuid),
        )
        .outerjoin(
            batch,
            (batch.retailer_id == ReceivedItemRow.retailer_id)
            & (batch.kind == "batch")
            & (batch.uuid == ReceivedItemRow.batch_uuid),
        )
        .where(ReceivedItemRow.lucid_id == lucid_id)
        .order_by(ReceivedItemRow.retailer_id)
    )
    if retailer_id is not None:
        query = query.where(ReceivedItemRow.retailer_id == retailer_id)
    return [
        ReceivedLucidID(
            item.retailer_id,
            item.case_uuid,
            item.root_uuid,
            identifier,
            item.metrc_id,
            _named(product_name, item.product_uuid),
            _named(batch_name, item.batch_uuid),
            item.received_at,
        )
        for item, identifier, product_name, batch_name in session.execute(query)
    ]


def received_lucid_ids(session: Session, retailer_id: str, lucid_ids: Iterable[str]) -> set[str]:
    """Those of `lucid_ids` that the retailer received by webhook."""
    wanted = sorted(set(lucid_ids))
    found: set[str] = set()
    for start in range(0, len(wanted), LOOKUP_BATCH):
        found.update(
            session.scalars(
                select(ReceivedItemRow.lucid_id).where(
                    ReceivedItemRow.retailer_id == retailer_id,
                    ReceivedItemRow.lucid_id.in_(wanted[start : start + LOOKUP_BATCH]),
                )
            )
        )
    return found
