"""Storing a received case, all of it in the caller's one transaction.

Idempotent per case uuid: delivering a case again stores the same rows; a later delivery
of the same case replaces its items and sub-cases (the one that arrives last wins, as
LucidRetail sends "the most recent information").  Rows are written with ``INSERT ... ON
CONFLICT`` (as `sales.py` does), so two deliveries racing each other never raise a
duplicate; a deadlock between them is retried by the caller (`write_retry`).  Every
delivery, accepted or refused, is kept as it arrived (`keep_delivery`).
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .document import ParsedCase, ReceivedCase
from .models import CaseDelivery, CatalogRow, ReceivedCaseRow, ReceivedItemRow

KEEP_DELIVERIES = 1000  # per retailer, newest first: enough to re-process a bad day
BATCH = 2000
_UPSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@dataclass(frozen=True)
class StoredCase:
    """What the webhook answers: the case, its LucidIDs and its current METRC ids."""

    uuid: str
    identifier: str | None
    lucid_ids: list[str]
    regulator_ids: list[str]
    sub_cases: list[str]
    first_delivery: bool


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _upsert(session: Session):
    return _UPSERT[session.get_bind().dialect.name]


def entries_json(case: ReceivedCase) -> str:
    return json.dumps(
        [
            {
                "uuid": entry.uuid,
                "identifier": entry.identifier,
                "added_on": entry.added_on.isoformat() if entry.added_on else None,
            }
            for entry in case.regulator_ids
        ]
    )


def counts_by_case(parsed: ParsedCase) -> dict[str, int]:
    """LucidIDs in each case, its sub-cases' included."""
    parents = {case.uuid: case.parent_uuid for case in parsed.cases}
    counts = dict.fromkeys(parents, 0)
    for item in parsed.items:
        case: str | None = item.case_uuid
        while case is not None:
            counts[case] += 1
            case = parents[case]
    return counts


def store_case(session: Session, retailer_id: str, parsed: ParsedCase) -> StoredCase:
    """Store `parsed` for the retailer, replacing what an earlier delivery of it stored."""
    now, root = now_utc(), parsed.root
    first = (
        session.scalar(
            select(ReceivedCaseRow.id).where(
                ReceivedCaseRow.retailer_id == retailer_id,
                ReceivedCaseRow.case_uuid == root.uuid,
            )
        )
        is None
    )
    sub_cases = [case.uuid for case in parsed.cases[1:]]
    session.execute(
        delete(ReceivedItemRow).where(
            ReceivedItemRow.retailer_id == retailer_id, ReceivedItemRow.root_uuid == root.uuid
        )
    )
    session.execute(
        delete(ReceivedCaseRow).where(
            ReceivedCaseRow.retailer_id == retailer_id,
            ReceivedCaseRow.root_uuid == root.uuid,
            ReceivedCaseRow.case_uuid.not_in([root.uuid, *sub_cases]),
        )
    )
    _write_cases(session, retailer_id, parsed, now)
    _write_items(session, retailer_id, parsed, now)
    _write_catalog(session, retailer_id, parsed, now)
    return StoredCase(
        root.uuid,
        root.identifier,
        [item.lucid_id for item in parsed.items],
        parsed.metrc_ids,
        sub_cases,
        first,
    )


def _write_cases(session: Session, retailer_id: str, parsed: ParsedCase, now: datetime) -> None:
    counts = counts_by_case(parsed)
    metrc = json.dumps(parsed.metrc_ids)
    rows = [
        {
            "retailer_id": retailer_id,
            "case_uuid": case.uuid,
            "root_uuid": parsed.root.uuid,
            "parent_uuid": case.parent_uuid,
            "identifier": case.identifier,
            "regulator_ids": entries_json(case),
            "metrc_ids": metrc if case is parsed.root else "[]",
            "lucid_ids": counts[case.uuid],
            "received_at": now,
            "updated_at": now,
        }
        for case in parsed.cases
    ]
    statement = _upsert(session)(ReceivedCaseRow.__table__)
    replaced = {name: statement.excluded[name] for name in rows[0] if name != "received_at"}
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["retailer_id", "case_uuid"], set_=replaced
        ),
        rows,
    )


def _write_items(session: Session, retailer_id: str, parsed: ParsedCase, now: datetime) -> None:
    rows = [
        {
            "retailer_id": retailer_id,
            "lucid_id": item.lucid_id,
            "case_uuid": item.case_uuid,
            "root_uuid": parsed.root.uuid,
            "metrc_id": item.metrc_id,
            "brand_uuid": item.brand_uuid,
            "product_uuid": item.product_uuid,
            "batch_uuid": item.batch_uuid,
            "received_at": now,
        }
        for item in parsed.items
    ]
    statement = _upsert(session)(ReceivedItemRow.__table__)
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        replaced = {name: statement.excluded[name] for name in batch[0]}
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["retailer_id", "lucid_id"], set_=replaced
            ),
            batch,
        )


def _write_catalog(session: Session, retailer_id: str, parsed: ParsedCase, now: datetime) -> None:
    newest = {(entry.kind, entry.uuid): entry for entry in parsed.catalog}  # later ones win
    rows = [
        {
            "retailer_id": retailer_id,
            "kind": entry.kind,
            "uuid": entry.uuid,
            "name": entry.name,
            "details": json.dumps(entry.details),
            "updated_at": now,
        }
        for entry in newest.values()
    ]
    if not rows:
        return
    statement = _upsert(session)(CatalogRow.__table__)
    replaced = {name: statement.excluded[name] for name in ("name", "details", "updated_at")}
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["retailer_id", "kind", "uuid"], set_=replaced
        ),
        rows,
    )


def keep_delivery(
    session: Session,
    retailer_id: str,
    body: bytes,
    status: int,
    case_uuid: str | None = None,
    problems: dict | None = None,
) -> None:
    """Keep one delivery as it arrived; forget the retailer's oldest beyond KEEP_DELIVERIES."""
    session.add(
        CaseDelivery(
            retailer_id=retailer_id,
            received_at=now_utc(),
            status=status,
            case_uuid=case_uuid,
            body=body,
            problems=json.dumps(problems) if problems is not None else None,
        )
    )
    session.flush()
    oldest_kept = session.scalar(
        select(CaseDelivery.id)
        .where(CaseDelivery.retailer_id == retailer_id)
        .order_by(CaseDelivery.id.desc())
        .offset(KEEP_DELIVERIES - 1)
        .limit(1)
    )
    if oldest_kept is not None:
        session.execute(
            delete(CaseDelivery).where(
                CaseDelivery.retailer_id == retailer_id, CaseDelivery.id < oldest_kept
            )
        )
