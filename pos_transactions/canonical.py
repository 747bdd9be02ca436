"""The canonical sale: the one shape every adapter turns its native records into.

Adapters know their POS; everything downstream (storage, the feed, the audit) knows only
this.  Marshmallow validates it once, at the seam, so no later code re-checks a sale.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil.parser import isoparse
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .lucid_id import InvalidLucidID, normalise_lucid_id


class SaleStatus(StrEnum):
    COMPLETED = "completed"
    VOIDED = "voided"
    OPEN = "open"  # not yet completed (a Square OPEN or DRAFT order): valid, never reported


@dataclass(frozen=True)
class SaleLine:
    sku: str | None
    quantity: Decimal
    lucid_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sale:
    """One native sale in canonical form.  `completed_at` is timezone-aware."""

    id: str
    status: SaleStatus
    completed_at: datetime | None
    customer_id: str | None
    employee_id: str | None
    lines: tuple[SaleLine, ...] = field(default_factory=tuple)

    @property
    def lucid_ids(self) -> list[str]:
        """Each LucidID of the sale once, in order of first appearance."""
        return list(dict.fromkeys(lucid_id for line in self.lines for lucid_id in line.lucid_ids))

    @property
    def total_items_count(self) -> int:
        return sum(count_line_items(line.quantity, len(line.lucid_ids)) for line in self.lines)

    @property
    def is_reported(self) -> bool:
        """Only completed sales with at least one LucidID reach the feed."""
        return self.status is SaleStatus.COMPLETED and bool(self.lucid_ids)


def count_line_items(quantity: Decimal, lucid_id_count: int) -> int:
    """Items a line contributes to `total_items_count`.

    An integer quantity n is n items; a weighed (fractional) quantity is one item; and a line
    never counts fewer items than the LucidIDs scanned on it.
    """
    units = int(quantity) if quantity == quantity.to_integral_value() else 1
    return max(units, lucid_id_count)


def localise(moment: datetime, timezone: ZoneInfo) -> datetime:
    """Attach the store's timezone to a naive local time; leave an aware time as it is.

    Around DST changes: an ambiguous local time (the repeated hour in autumn) is the earlier
    of its two instants; a local time that does not exist (the skipped hour in spring) is
    read with the offset in force before the change, which lands it one hour later on the
    wall clock (02:30 becomes 03:30 daylight time).  This is zoneinfo's ``fold=0`` rule.
    """
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment
    return moment.replace(tzinfo=timezone, fold=0)


class LucidIDField(fields.String):
    """A LucidID in any accepted form, loaded as the bare 22-character id."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        try:
            return normalise_lucid_id(value)
        except InvalidLucidID as error:
            raise ValidationError(f"{value!r} is {error}") from None


class AwareMomentField(fields.Field):
    """A timezone-aware instant, given as a datetime or an ISO-8601 string with an offset."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = value
        if isinstance(value, str):
            try:
                moment = isoparse(value)
            except ValueError:
                raise ValidationError(f"{value!r} is not an ISO-8601 date-time") from None
        if not isinstance(moment, datetime):
            raise ValidationError(f"{value!r} is not a date-time")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValidationError(f"{value!r} has no timezone (the adapter must localise it)")
        return moment


class SaleLineSchema(Schema):
    sku = fields.String(load_default=None, allow_none=True)
    quantity = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False))
    lucid_ids = fields.List(LucidIDField(), load_default=list)

    @post_load
    def make_line(self, data: dict, **kwargs) -> SaleLine:
        return SaleLine(
            sku=data["sku"],
            quantity=data["quantity"],
            lucid_ids=tuple(dict.fromkeys(data["lucid_ids"])),
        )


class SaleSchema(Schema):
    """Validates what an adapter produced and builds the `Sale`.

    `completed_at` must be timezone-aware: the adapter, which knows the store's timezone,
    decides what a local time means (see `localise`).
    """

    id = fields.String(required=True, validate=validate.Regexp(r".*\S", error="must not be blank"))
    status = fields.Enum(SaleStatus, by_value=True, required=True)
    completed_at = AwareMomentField(load_default=None, allow_none=True)
    customer_id = fields.String(load_default=None, allow_none=True)
    employee_id = fields.String(load_default=None, allow_none=True)
    lines = fields.List(fields.Nested(SaleLineSchema), required=True)

    @validates_schema
    def check_completed_at(self, data: dict, **kwargs) -> None:
        if data.get("status") is not SaleStatus.OPEN and data.get("completed_at") is None:
            raise ValidationError("a completed or voided sale needs its time", "completed_at")

    @post_load
    def make_sale(self, data: dict, **kwargs) -> Sale:
        return Sale(
            id=data["id"],
            status=data["status"],
            completed_at=data["completed_at"],
            customer_id=_blank_to_none(data["customer_id"]),
            employee_id=_blank_to_none(data["employee_id"]),
            lines=tuple(data["lines"]),
        )


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def format_utc(moment: datetime) -> str:
    """ISO-8601 in UTC with a ``Z`` suffix; microseconds only when there are any."""
    naive = moment.replace(tzinfo=None) - (moment.utcoffset() or timedelta(0))
    return naive.isoformat() + "Z"
