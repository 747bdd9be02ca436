"""Adapters for the made-up Tally till, the adapter kit's own test subject.

`TallyAdapter` is correct.  Each subclass below breaks it in one way a real adapter could
be broken; tests/test_adapter_kit.py installs each in turn as `tally` and runs the kit
(tally_kit.py) to show which of the kit's checks catches it.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pos_transactions.adapter import Adapter, RecordError
from pos_transactions.canonical import localise
from pos_transactions.lucid_id import InvalidLucidID, normalise_lucid_id

STATUS_BY_STATE = {"done": "completed", "void": "voided"}


class TallyAdapter(Adapter):
    name = "tally"
    description = "Tally till tickets (the adapter kit's test subject)."

    def to_canonical(self, record: Any) -> Mapping[str, Any]:
        if not isinstance(record, Mapping):
            raise RecordError(f"a ticket must be an object, not {type(record).__name__}")
        return {
            "id": record["id"],
            "status": self.status(record["state"]),
            "completed_at": self.moment(record["at"]),
            "customer_id": record.get("customer"),
            "employee_id": record.get("clerk"),
            "lines": [self.line(line) for line in record["lines"]],
        }

    def status(self, state: Any) -> str:
        if state not in STATUS_BY_STATE:
            raise RecordError(f"state {state!r} is not done or void")
        return STATUS_BY_STATE[state]

    def moment(self, text: Any) -> datetime:
        try:
            return localise(datetime.fromisoformat(text), self.timezone)
        except (TypeError, ValueError):
            raise RecordError(f"at {text!r} is not an ISO-8601 local time") from None

    def line(self, line: Any) -> Mapping[str, Any]:
        if not isinstance(line, Mapping):
            raise RecordError("a line must be an object")
        return {"sku": line.get("sku"), "quantity": line["qty"], "lucid_ids": self.tags(line)}

    def tags(self, line: Mapping[str, Any]) -> list[Any]:
        return list(line.get("tags", []))


class DropsLucidIds(TallyAdapter):
    """Keeps only the first tag of each line."""

    def tags(self, line: Mapping[str, Any]) -> list[Any]:
        return list(line.get("tags", []))[:1]


class IgnoresTimezone(TallyAdapter):
    """Reads the till's local time as if it were UTC."""

    def moment(self, text: Any) -> datetime:
        return super().moment(text).replace(tzinfo=UTC)


class VoidsAsCompleted(TallyAdapter):
    """Reports every ticket as completed, voided or not."""

    def status(self, state: Any) -> str:
        return "completed"


class CrashesOnGarbage(TallyAdapter):
    """Asserts instead of raising RecordError on a record that is not an object."""

    def to_canonical(self, record: Any) -> Mapping[str, Any]:
        assert isinstance(record, dict), "Tally always sends objects"
        return super().to_canonical(record)


class SwallowsBadLucidIds(TallyAdapter):
    """Quietly drops tags that are not LucidIDs instead of refusing the ticket."""

    def tags(self, line: Mapping[str, Any]) -> list[Any]:
        return [tag for tag in super().tags(line) if is_lucid_id(tag)]


def is_lucid_id(value: Any) -> bool:
    try:
        normalise_lucid_id(value)
    except InvalidLucidID:
        return False
    return True
