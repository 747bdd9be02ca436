"""The audit: what LucidRetail would reject in a window of the feed, found before it does.

LucidRetail refuses a reported LucidID that it does not know or that is not imported into
the dispensary's inventory, and an item cannot be sold twice.  The registry (the
retailer's Package-UID export) holds exactly the LucidIDs imported into its packages, so
a reported LucidID the registry lacks is one LucidRetail would answer "unknown" or
"non-imported" for, and a LucidID in two sales of the window is a double sale.
"""

import json
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..canonical import format_utc
from ..feed import feed_document
from ..models import Sale
from ..window import Window
from .registry import known_lucid_ids


@dataclass(frozen=True)
class Finding:
    """One LucidID and the reported transactions that carry it, in feed order."""

    lucid_id: str
    transaction_ids: tuple[str, ...]


@dataclass(frozen=True)
class AuditReport:
    transactions: int
    lucid_ids: int
    unknown: tuple[Finding, ...]
    sold_more_than_once: tuple[Finding, ...]

    @property
    def clean(self) -> bool:
        return not self.unknown and not self.sold_more_than_once


def sales_by_lucid_id(transactions: Iterable[Mapping]) -> dict[str, list[str]]:
    """Each reported LucidID -> the transaction ids that report it, in feed order."""
    sold: dict[str, list[str]] = {}
    for transaction in transactions:
        for lucid_id in dict.fromkeys(transaction["items"]):
            sold.setdefault(lucid_id, []).append(transaction["transaction_id"])
    return sold


def audit_transactions(transactions: list[Mapping], known: Container[str]) -> AuditReport:
    """The report for feed `transactions`, given which of their LucidIDs the registry knows."""
    sold = sales_by_lucid_id(transactions)
    return AuditReport(
        transactions=len(transactions),
        lucid_ids=len(sold),
        unknown=tuple(Finding(lid, tuple(ids)) for lid, ids in sold.items() if lid not in known),
        sold_more_than_once=tuple(
            Finding(lid, tuple(ids)) for lid, ids in sold.items() if len(ids) > 1
        ),
    )


def audit_window(session: Session, retailer_id: str, window: Window) -> AuditReport:
    """Audit the feed of `window` exactly as the API would serve it."""
    transactions = json.loads(feed_document(session.connection(), retailer_id, window))
    lucid_ids = {lucid_id for transaction in transactions for lucid_id in transaction["items"]}
    return audit_transactions(transactions, known_lucid_ids(session, retailer_id, lucid_ids))


def native_sale_ids(session: Session, retailer_id: str, report: AuditReport) -> dict[str, str]:
    """transaction_id -> the POS's own sale id, so QA can find the flagged sales."""
    wanted = {
        transaction_id
        for finding in report.unknown + report.sold_more_than_once
        for transaction_id in finding.transaction_ids
    }
    if not wanted:
        return {}
    rows = session.execute(
        select(Sale.transaction_id, Sale.native_id).where(
            Sale.retailer_id == retailer_id, Sale.transaction_id.in_(sorted(wanted))
        )
    )
    return {transaction_id: native_id for transaction_id, native_id in rows}


def report_document(
    report: AuditReport, retailer_id: str, window: Window, sale_ids: Mapping[str, str]
) -> dict:
    """The report as the JSON object ``lucid audit --json`` prints."""

    def findings(found: tuple[Finding, ...]) -> list[dict]:
        return [
            {
                "lucid_id": finding.lucid_id,
                "transactions": [
                    {"transaction_id": tid, "sale_id": sale_ids.get(tid)}
                    for tid in finding.transaction_ids
                ],
            }
            for finding in found
        ]

    return {
        "retailer_id": retailer_id,
        "start_date": format_utc(window.start),
        "end_date": format_utc(window.end),
        "transactions": report.transactions,
        "lucid_ids": report.lucid_ids,
        "unknown": findings(report.unknown),
        "sold_more_than_once": findings(report.sold_more_than_once),
    }
