"""The audit: what LucidRetail would reject in a window of the feed, found before it does.

LucidRetail refuses a reported LucidID that it does not know or that is not imported into
the dispensary's inventory, and an item cannot be sold twice.  The registry (the
retailer's Package-UID export) holds exactly the LucidIDs imported into its packages, so
a reported LucidID the registry lacks is one LucidRetail would answer "unknown" or
"non-imported" for, and a LucidID in two sales of the window is a double sale.

Returns (stored, never reported) take units back: a LucidID sold, returned and sold again
is two honest sales, while one sold twice with no return between is still a double sale,
and a return of a LucidID that was not sold here before it is flagged too (an item that
never left the shelf cannot come back).
"""

import json
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..canonical import SaleStatus, format_utc
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
    returned_never_sold: tuple[Finding, ...] = ()  # the returns' transaction ids

    @property
    def clean(self) -> bool:
        return not (self.unknown or self.sold_more_than_once or self.returned_never_sold)


def sales_by_lucid_id(transactions: Iterable[Mapping]) -> dict[str, list[str]]:
    """Each reported LucidID -> the transaction ids that report it, in feed order."""
    sold: dict[str, list[str]] = {}
    for transaction in transactions:
        for lucid_id in dict.fromkeys(transaction["items"]):
            sold.setdefault(lucid_id, []).append(transaction["transaction_id"])
    return sold


def audit_transactions(
    transactions: list[Mapping],
    known: Container[str],
    returns: Iterable[Mapping] = (),
    sold_before: Container[str] = frozenset(),
) -> AuditReport:
    """The report for feed `transactions`, given which of their LucidIDs the registry knows.

    `returns` are the window's returns in the feed's shape (``transaction_id``,
    ``transacted_on``, ``items``); `sold_before` the LucidIDs that were out of the shop when
    the window began (their last event before it was a sale).
    """
    sold = sales_by_lucid_id(transactions)
    doubles, unsold = double_sales_and_unsold_returns(transactions, returns, sold_before)
    return AuditReport(
        transactions=len(transactions),
        lucid_ids=len(sold),
        unknown=tuple(Finding(lid, tuple(ids)) for lid, ids in sold.items() if lid not in known),
        sold_more_than_once=tuple(Finding(lid, tuple(ids)) for lid, ids in doubles.items()),
        returned_never_sold=tuple(Finding(lid, tuple(ids)) for lid, ids in unsold.items()),
    )


def double_sales_and_unsold_returns(
    transactions: Iterable[Mapping], returns: Iterable[Mapping], sold_before: Container[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Walk each LucidID's sales and returns in time order (a sale first at the same
    instant): a sale while the item is already sold is a double sale (both sales listed); a
    return while it is not sold is a return of an item never sold here."""
    events = [(_moment(t), 0, t) for t in transactions] + [(_moment(r), 1, r) for r in returns]
    out: dict[str, bool] = {}  # LucidID -> sold and not returned since
    last_sale: dict[str, str] = {}
    doubles: dict[str, list[str]] = {}
    unsold: dict[str, list[str]] = {}
    for _when, is_return, event in sorted(events, key=lambda entry: entry[:2]):
        for lucid_id in dict.fromkeys(event["items"]):
            held_out = out.get(lucid_id, lucid_id in sold_before)
            if is_return and not held_out:
                unsold.setdefault(lucid_id, []).append(event["transaction_id"])
            elif not is_return and held_out and lucid_id in last_sale:
                involved = doubles.setdefault(lucid_id, [])
                for transaction_id in (last_sale[lucid_id], event["transaction_id"]):
                    if transaction_id not in involved:
                        involved.append(transaction_id)
            out[lucid_id] = not is_return
            if not is_return:
                last_sale[lucid_id] = event["transaction_id"]
    return doubles, unsold


def _moment(transaction: Mapping) -> datetime:
    return datetime.fromisoformat(transaction["transacted_on"])


def audit_window(session: Session, retailer_id: str, window: Window) -> AuditReport:
    """Audit the feed of `window` exactly as the API would serve it."""
    transactions = json.loads(feed_document(session.connection(), retailer_id, window))
    lucid_ids = {lucid_id for transaction in transactions for lucid_id in transaction["items"]}
    returns = stored_returns(session, retailer_id, window)
    returned = {lucid_id for entry in returns for lucid_id in entry["items"]}
    return audit_transactions(
        transactions,
        known_lucid_ids(session, retailer_id, lucid_ids),
        returns,
        out_before(session, retailer_id, window, returned),
    )


def _as_event(row) -> dict:
    items = [lid for line in json.loads(row.lines) for lid in line["lucid_ids"]]
    moment = format_utc(row.transacted_on.replace(tzinfo=UTC))
    return {"transaction_id": row.transaction_id, "transacted_on": moment, "items": items}


def stored_returns(session: Session, retailer_id: str, window: Window) -> list[dict]:
    """The retailer's returns in the window (both ends inclusive, as the feed's), oldest
    first, in the feed's shape."""
    rows = session.execute(
        select(Sale.transaction_id, Sale.transacted_on, Sale.lines)
        .where(
            Sale.retailer_id == retailer_id,
            Sale.status == SaleStatus.RETURNED.value,
            Sale.transacted_on >= _naive(window.start),
            Sale.transacted_on <= _naive(window.end),
        )
        .order_by(Sale.transacted_on, Sale.transaction_id)
    )
    return [_as_event(row) for row in rows]


def out_before(session: Session, retailer_id: str, window: Window, lucid_ids: set[str]) -> set:
    """Which of `lucid_ids` were sold and not returned when the window began.  Only the
    returned LucidIDs are looked up, each by a text match on the stored lines (an audit is
    rare; the feed's index serves it nothing here)."""
    if not lucid_ids:
        return set()
    rows = session.execute(
        select(Sale.transaction_id, Sale.transacted_on, Sale.lines, Sale.status)
        .where(
            Sale.retailer_id == retailer_id,
            or_(Sale.reported.is_(True), Sale.status == SaleStatus.RETURNED.value),
            Sale.transacted_on < _naive(window.start),
            or_(*(Sale.lines.contains(f'"{lucid_id}"') for lucid_id in sorted(lucid_ids))),
        )
        .order_by(Sale.transacted_on)
    )
    out: dict[str, bool] = {}
    for row in rows:
        for lucid_id in _as_event(row)["items"]:
            out[lucid_id] = row.status != SaleStatus.RETURNED.value
    return {lucid_id for lucid_id, is_out in out.items() if is_out and lucid_id in lucid_ids}


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def native_sale_ids(session: Session, retailer_id: str, report: AuditReport) -> dict[str, str]:
    """transaction_id -> the POS's own sale id, so QA can find the flagged sales."""
    wanted = {
        transaction_id
        for finding in report.unknown + report.sold_more_than_once + report.returned_never_sold
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
        "returned_never_sold": findings(report.returned_never_sold),
    }
