"""The `leafline` adapter: tickets from the Leafline POS (a made-up POS), as its export gives them.

This module is a whole third-party adapter distribution's code: one `Adapter` subclass,
registered in this folder's setup.cfg under the entry-point group ``pos_transactions.adapters``.
docs/writing-an-adapter.md walks through it.

A Leafline ticket::

    {"ticket_no": 5001, "rung_up_at": "2026-03-05 10:14:00", "state": "closed",
     "guest": "G-2231", "cashier": "C-07",
     "items": [{"plu": "FL-35", "qty": 1, "tag_url": "https://qr.lcdg.io/<LucidID>"}]}

Leafline registers keep the store's wall-clock time without an offset, so the adapter
localises it with the store's timezone.  Each item is one scanned package tag (or none).
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pos_transactions.adapter import Adapter, RecordError
from pos_transactions.canonical import localise

STATUS_BY_STATE = {"closed": "completed", "voided": "voided", "parked": "open"}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class LeaflineAdapter(Adapter):
    name = "leafline"
    description = "Leafline POS tickets (local register times, one scanned tag per item)."

    def record_id(self, record: Any) -> str | None:
        """Leafline numbers its tickets; errors name a ticket by that number."""
        if isinstance(record, Mapping) and record.get("ticket_no") is not None:
            return str(record["ticket_no"])
        return None

    def to_canonical(self, record: Any) -> Mapping[str, Any]:
        if not isinstance(record, Mapping):
            raise RecordError(f"a ticket must be a JSON object, not {type(record).__name__}")
        status = ticket_status(record["state"])
        items = record["items"]
        if not isinstance(items, list):
            raise RecordError("items must be a list")
        return {
            "id": ticket_number(record["ticket_no"]),
            "status": status,
            "completed_at": self.completed_at(record, status),
            "customer_id": record.get("guest"),
            "employee_id": record.get("cashier"),
            "lines": [line(item) for item in items],
        }

    def completed_at(self, record: Mapping[str, Any], status: str) -> datetime | None:
        """When the ticket was rung up; a parked ticket has not happened yet."""
        if status == "open":
            return None
        return register_time(record["rung_up_at"], self.timezone)


def ticket_number(value: Any) -> str:
    """The sale id: Leafline's ticket number, a positive whole number."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise RecordError(f"ticket_no must be a positive whole number, not {value!r}")
    return str(value)


def ticket_status(state: Any) -> str:
    """Canonical status of a ticket's ``state``: parked tickets are not sales yet."""
    if state not in STATUS_BY_STATE:
        raise RecordError(f"state {state!r} is not one of {', '.join(STATUS_BY_STATE)}")
    return STATUS_BY_STATE[state]


def register_time(value: Any, timezone: ZoneInfo) -> datetime:
    """The register's local wall-clock time, made aware with the store's timezone."""
    if not isinstance(value, str):
        raise RecordError(f"rung_up_at must be text like 2026-03-05 10:14:00, not {value!r}")
    try:
        moment = datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        raise RecordError(f"rung_up_at {value!r} is not a time like 2026-03-05 10:14:00") from None
    return localise(moment, timezone)


def quantity(value: Any) -> Decimal:
    """``qty`` is a JSON number: whole units, or grams for weighed items."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(f"qty must be a number, not {value!r}")
    return Decimal(str(value))


def line(item: Any) -> Mapping[str, Any]:
    """One ticket item as a canonical line; its tag is passed on as scanned."""
    if not isinstance(item, Mapping):
        raise RecordError(f"an item must be a JSON object, not {type(item).__name__}")
    tag_url = item.get("tag_url")
    return {
        "sku": item.get("plu"),
        "quantity": quantity(item["qty"]),
        "lucid_ids": [] if tag_url is None else [tag_url],
    }
