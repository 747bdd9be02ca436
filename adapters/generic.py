"""The `generic` adapter: sales already in our canonical shape, as the fixture format shows.

``completed_at`` and ``modified_at`` may carry an offset; without one they are the store's
local time.  ``status`` is completed, voided, open or returned (a return names the sale it
takes back in ``original_id``, when the POS knows it).
"""

from collections.abc import Mapping
from typing import Any

from pos_transactions.adapter import Adapter, RecordError
from pos_transactions.bounds import shown
from pos_transactions.canonical import localise, parse_iso_datetime


class GenericAdapter(Adapter):
    name = "generic"
    description = "Sales in the service's own JSON shape (id, completed_at, status, lines)."

    def to_canonical(self, record: Any) -> Mapping[str, Any]:
        if not isinstance(record, Mapping):
            raise RecordError(f"a sale must be a JSON object, not {type(record).__name__}")
        lines = record["lines"]
        if not isinstance(lines, list):
            raise RecordError("lines must be a list")
        return {
            "id": record["id"],
            "status": record["status"],
            "completed_at": self._moment(record.get("completed_at"), "completed_at"),
            "customer_id": record.get("customer_id"),
            "employee_id": record.get("employee_id"),
            "lines": lines,
            "modified_at": self._moment(record.get("modified_at"), "modified_at"),
            "original_id": record.get("original_id"),
        }

    def _moment(self, value: Any, name: str) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return localise(parse_iso_datetime(value), self.timezone)
        except ValueError:
            raise RecordError(f"{name} {shown(value)} is not an ISO-8601 date-time") from None
