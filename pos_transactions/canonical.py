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

from .bounds import (
    MAX_LINE_LUCID_IDS,
    MAX_LINES,
    SURELY_INSIDE_YEARS,
    bounded_quantity,
    is_bounded_text,
    is_bounded_time_text,
    moment_problem,
    shown,
    text_problem,
)
from .lucid_id import InvalidLucidID, normalise_lucid_id


class SaleStatus(StrEnum):
    COMPLETED = "completed"
    VOIDED = "voided"
    OPEN = "open"  # not yet completed (a Square OPEN or DRAFT order): valid, never reported
    RETURNED = "returned"  # units taken back: stored for the audit, never reported


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
    modified_at: datetime | None = None  # when the POS last changed it: orders versions
    original_id: str | None = None  # a return's: the native id of the sale it takes back

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
        return self.status is SaleStatus.COMPLETED and any(line.lucid_ids for line in self.lines)


def count_line_items(quantity: Decimal, lucid_id_count: int) -> int:
    """Items a line contributes to `total_items_count`.

    An integer quantity n is n items; a weighed (fractional) quantity is one item; and a line
    never counts fewer items than the LucidIDs scanned on it.
    """
    units = int(quantity) if quantity == quantity.to_integral_value() else 1
    return max(units, lucid_id_count)


def parse_iso_datetime(text: str) -> datetime:
    """An ISO-8601 date-time, naive or aware as written; ValueError if it is none.

    The standard library's parser (in C) reads the common forms; dateutil's reads the rest
    of ISO-8601.  Every adapter and the schema read native times through this one function.
    A control character anywhere is refused first: the C parser stops reading at a NUL.
    """
    if not is_bounded_time_text(text):
        raise ValueError("not an ISO-8601 date-time")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return isoparse(text)
    except OverflowError as error:
        raise ValueError(str(error)) from None


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


class AwareMomentField(fields.Field):
    """A timezone-aware instant, given as a datetime or an ISO-8601 string with an offset."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = value
        if isinstance(value, str):
            try:
                moment = parse_iso_datetime(value)
            except ValueError:
                raise ValidationError(f"{shown(value)} is not an ISO-8601 date-time") from None
        if not isinstance(moment, datetime):
            raise ValidationError(
                f"Not a date-time: expected a datetime or an ISO-8601 string, not "
                f"{type(value).__name__}."
            )
        if moment.tzinfo is None or moment.utcoffset() is None:
            written = shown(value) if isinstance(value, str) else moment.isoformat()
            raise ValidationError(f"{written} has no timezone (the adapter must localise it)")
        if moment.year not in SURELY_INSIDE_YEARS and (problem := moment_problem(moment)):
            raise ValidationError(problem)
        return moment


class LinesField(fields.Field):
    """A sale's lines, each checked here in one pass.

    A nested schema per line would cost more than the rest of the sale's load together, and
    a chain's back-fill store can hold 100,000 sales of several lines each.  The rules are
    a line schema's: ``sku`` text or null, ``quantity`` a finite number above 0, and
    ``lucid_ids`` an optional list of LucidIDs; no other keys.  Errors are keyed by line
    index and field name, as a nested schema's would be.  The bounds (lines per sale,
    quantities, LucidIDs per line, sku length) are those of `bounds`.
    """

    def _deserialize(self, value, attr, data, **kwargs) -> tuple[SaleLine, ...]:
        if not isinstance(value, list):
            raise ValidationError("Not a valid list.")
        if len(value) > MAX_LINES:
            raise ValidationError(f"At most {MAX_LINES:,} lines per sale.")
        lines, errors = [], {}
        for index, line in enumerate(value):
            try:
                lines.append(checked_line(line))
            except ValidationError as error:
                errors[index] = error.messages
        if errors:
            raise ValidationError(errors)
        return tuple(lines)


_LINE_FIELDS = frozenset({"sku", "quantity", "lucid_ids"})


def checked_line(line: object) -> SaleLine:
    """One line checked against every rule; ValidationError names each problem."""
    if not isinstance(line, dict):
        raise ValidationError({"_schema": ["Invalid input type."]})
    errors: dict[str, list | dict] = {}
    if not line.keys() <= _LINE_FIELDS:
        errors = {name: ["Unknown field."] for name in line.keys() - _LINE_FIELDS}
    sku = line.get("sku")
    if sku is not None and not isinstance(sku, str):
        errors["sku"] = ["Not a valid string."]
    elif sku is not None and not is_bounded_text(sku):
        errors["sku"] = [text_problem(sku)]
    quantity = _quantity(line, errors)
    lucid_ids = _line_lucid_ids(line.get("lucid_ids", []), errors)
    if errors:
        raise ValidationError(errors)
    return SaleLine(sku=sku, quantity=quantity, lucid_ids=tuple(dict.fromkeys(lucid_ids)))


def _quantity(line: dict, errors: dict) -> Decimal | None:
    if "quantity" not in line or line["quantity"] is None:
        errors["quantity"] = ["Missing data for required field."]
        return None
    try:
        return bounded_quantity(line["quantity"])
    except ValueError as error:
        errors["quantity"] = [str(error)]
        return None


def _line_lucid_ids(values: object, errors: dict) -> list[str]:
    if not isinstance(values, list):
        errors["lucid_ids"] = ["Not a valid list."]
        return []
    if len(values) > MAX_LINE_LUCID_IDS:
        errors["lucid_ids"] = [f"At most {MAX_LINE_LUCID_IDS:,} LucidIDs per line."]
        return []
    found, problems = [], {}
    for index, value in enumerate(values):
        try:
            found.append(normalise_lucid_id(value))
        except InvalidLucidID as error:
            named = f"{shown(value)} is {error}" if isinstance(value, str) else str(error)
            problems[index] = [named]
    if problems:
        errors["lucid_ids"] = problems
    return found


class BoundedText(fields.String):
    """Text within the bounds of an id (`bounds.text_problem`), checked in the field itself:
    a marshmallow validator would cost more than the check."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if isinstance(value, str) and is_bounded_text(value):
            return value  # the common case, first
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem:
            raise ValidationError(problem)
        return text


class SaleSchema(Schema):
    """Validates what an adapter produced and builds the `Sale`.

    `completed_at` must be timezone-aware: the adapter, which knows the store's timezone,
    decides what a local time means (see `localise`).
    """

    id = BoundedText(required=True, validate=validate.Regexp(r".*\S", error="must not be blank"))
    status = fields.Enum(SaleStatus, by_value=True, required=True)
    completed_at = AwareMomentField(load_default=None, allow_none=True)
    customer_id = BoundedText(load_default=None, allow_none=True)
    employee_id = BoundedText(load_default=None, allow_none=True)
    lines = LinesField(required=True)
    modified_at = AwareMomentField(load_default=None, allow_none=True)
    original_id = BoundedText(load_default=None, allow_none=True)

    @validates_schema
    def check_completed_at(self, data: dict, **kwargs) -> None:
        if data.get("status") is not SaleStatus.OPEN and data.get("completed_at") is None:
            raise ValidationError(
                "a completed, voided or returned sale needs its time", "completed_at"
            )

    @validates_schema
    def check_original_id(self, data: dict, **kwargs) -> None:
        """Only a return names an original sale: on a sale it would mean nothing."""
        if data.get("original_id") and data.get("status") is not SaleStatus.RETURNED:
            raise ValidationError("only a returned sale names an original sale", "original_id")

    @post_load
    def make_sale(self, data: dict, **kwargs) -> Sale:
        return Sale(
            id=data["id"],
            status=data["status"],
            completed_at=data["completed_at"],
            customer_id=_blank_to_none(data["customer_id"]),
            employee_id=_blank_to_none(data["employee_id"]),
            lines=data["lines"],
            modified_at=data["modified_at"],
            original_id=_blank_to_none(data["original_id"]),
        )


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def format_utc(moment: datetime) -> str:
    """ISO-8601 in UTC with a ``Z`` suffix; microseconds only when there are any."""
    naive = moment.replace(tzinfo=None) - (moment.utcoffset() or timedelta(0))
    return naive.isoformat() + "Z"
