"""The adapter contract: a native POS record in, a validated canonical `Sale` out.

A POS vendor writes one subclass of `Adapter` for their native sales format and registers it
under the entry-point group ``pos_transactions.adapters`` (see `adapter_registry`).  The
subclass only translates fields (`to_canonical`); validation, LucidID normalisation and error
reporting happen here, identically for every adapter.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from marshmallow import ValidationError

from .bounds import is_bounded_text, shown
from .canonical import Sale, SaleSchema, parse_iso_datetime

_SALE_SCHEMA = SaleSchema()  # built once: a schema holds no state between loads
_SALES_SCHEMA = SaleSchema(many=True)


class RecordError(ValueError):
    """An adapter could not read a native record; the message says what was wrong with it."""


class InvalidOptions(ValueError):
    """A store's adapter options are unknown or ill-typed; the message names the option."""


@dataclass(frozen=True)
class InvalidRecord:
    """A native record that did not become a sale, named by its id (or position)."""

    record: str
    reason: str

    def __str__(self) -> str:
        return f"{self.record}: {self.reason}"


class Adapter(ABC):
    """Base class of every POS adapter.

    `name` is the entry-point name; `description` is the one line `pos-transactions adapters`
    shows.  `timezone` is the store's IANA zone, for native times that carry no offset;
    `options` is the store's adapter configuration (column mappings, metadata keys, ...):
    `option_defaults` names every option the adapter knows, so a misspelt one is an error
    rather than silently ignored, and `check_options` refuses ill-typed values.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    option_defaults: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, timezone: ZoneInfo, options: Mapping[str, Any] | None = None) -> None:
        self.timezone = timezone
        given = dict(options or {})
        unknown = sorted(set(given) - set(self.option_defaults))
        if unknown:
            known = ", ".join(self.option_defaults) or "none"
            raise InvalidOptions(
                f"unknown adapter option(s) {', '.join(map(repr, unknown))}; "
                f"the {self.name} adapter knows: {known}"
            )
        self.options = {**self.option_defaults, **given}
        self.check_options()

    def check_options(self) -> None:  # noqa: B027 - a hook: overriding it is optional
        """Raise InvalidOptions for an ill-typed option value; by default every value goes."""

    def records(self, sales: Any, base_dir: Path | None = None) -> list[Any]:
        """The native sale records held by a store's (or a push's) ``sales`` value.

        By default it is the list itself.  An adapter whose native unit is not one sale (a
        CSV report has a row per line item) overrides this to group its input into sales;
        `base_dir` is the store file's folder, for stores that name a data file.
        """
        if not isinstance(sales, list):
            raise RecordError(f"sales must be a list of records, not {type(sales).__name__}")
        return sales

    def record_id(self, record: Any) -> str | None:
        """The native sale id, to name the record in errors; None when it has none."""
        if isinstance(record, Mapping) and record.get("id") is not None:
            return str(record["id"]).strip() or None
        return None

    @abstractmethod
    def to_canonical(self, record: Any) -> Mapping[str, Any]:
        """Translate one native record into the canonical sale's fields.

        Return a mapping with `id`, `status` (completed, voided, open or returned),
        `completed_at` (aware datetime or ISO-8601 string; use `canonical.localise` for local
        times), `customer_id`, `employee_id` and `lines` (each `sku`, `quantity`,
        `lucid_ids`); optionally `modified_at` (the record's version, aware) and, on a
        return, `original_id` (the sale it takes back).
        Raise `RecordError` (or KeyError/TypeError/ValueError...) for a record it cannot read.
        """

    def parse(self, record: Any) -> Sale:
        """One native record as a validated `Sale`; RecordError names what was wrong.

        Whatever bad data makes `to_canonical` or the schema raise (a missing key, a wrong
        type, a bad number, invalid Unicode, an overflow, nesting too deep) is an invalid
        record, never an error escaping to the caller.
        """
        try:
            fields = self.to_canonical(record)
            return _SALE_SCHEMA.load(fields)
        except RecordError as error:
            raise RecordError(printable(str(error))) from None
        except ValidationError as error:
            raise RecordError(printable(describe_validation_error(error.messages))) from None
        except KeyError as error:
            raise RecordError(printable(f"missing field {error}")) from None
        except _DATA_ERRORS as error:
            raise RecordError(printable(str(error) or type(error).__name__)) from None

    def parse_all(self, records: Iterable[Any]) -> tuple[list[Sale], list[InvalidRecord]]:
        """Parse every record; return the sales and every invalid record (none are skipped).

        Two records with the same native id are both invalid: which of them is the sale?
        All records are first validated in one ``many=True`` load of the schema (a store of
        100,000 sales pays marshmallow's per-load work once); when any record fails, every
        record is parsed again one by one, so each invalid one is named as `parse` names it.
        """
        records = list(records)
        if type(self).parse is Adapter.parse:  # an adapter with its own parse keeps it
            try:
                sales = _SALES_SCHEMA.load([self.to_canonical(record) for record in records])
            except (RecordError, ValidationError, *_DATA_ERRORS):
                pass
            else:
                if len({sale.id for sale in sales}) == len(sales):
                    return sales, []
        return self._parse_each(records)

    def _parse_each(self, records: list[Any]) -> tuple[list[Sale], list[InvalidRecord]]:
        sales: list[Sale] = []
        invalid: list[InvalidRecord] = []
        seen: set[str] = set()
        for position, record in enumerate(records, start=1):  # counted as people count
            try:
                native_id = self.record_id(record)
            except _DATA_ERRORS:
                native_id = None
            # named by its id only when the id is text that is safe to show
            safe = isinstance(native_id, str) and native_id and is_bounded_text(native_id)
            label = native_id if safe else f"record #{position}"
            try:
                sale = self.parse(record)
            except RecordError as error:
                invalid.append(InvalidRecord(label, str(error)))
                continue
            if sale.id in seen:
                invalid.append(InvalidRecord(label, f"sale id {sale.id!r} appears more than once"))
                continue
            seen.add(sale.id)
            sales.append(sale)
        return sales, invalid


# What bad data makes Python raise: LookupError (KeyError, IndexError), ArithmeticError
# (OverflowError, decimal errors), ValueError (UnicodeError), RecursionError (too deep).
_DATA_ERRORS = (LookupError, TypeError, ValueError, AttributeError, ArithmeticError, RecursionError)
MAX_REASON_LENGTH = 2_000


def printable(reason: str) -> str:
    """A reason safe to print and to send: lone surrogates escaped, at most about
    `MAX_REASON_LENGTH` characters (an error must not echo a huge value back)."""
    if len(reason) > MAX_REASON_LENGTH:
        reason = reason[:MAX_REASON_LENGTH] + "..."
    return reason.encode("utf-8", "backslashreplace").decode("utf-8")


def aware_timestamp(value: Any, name: str, standard: str = "ISO 8601") -> datetime:
    """A native timestamp that must carry ``Z`` or an offset, as API-born ones always do
    (Square's RFC 3339, Shopify's ISO 8601): no guessing at a local time there."""
    if not isinstance(value, str):
        raise RecordError(
            f"{name} must be an {standard} timestamp string, not {type(value).__name__}"
        )
    try:
        moment = parse_iso_datetime(value)
    except ValueError:
        raise RecordError(f"{name} {shown(value)} is not an {standard} timestamp") from None
    if moment.utcoffset() is None:
        raise RecordError(
            f"{name} {shown(value)} has no UTC offset ({standard} from this POS carries one)"
        )
    return moment


def describe_validation_error(messages: Any, path: str = "") -> str:
    """Flatten marshmallow's nested messages into ``lines.0.lucid_ids.1: ...; ...``."""
    if isinstance(messages, Mapping):
        return "; ".join(
            describe_validation_error(value, f"{path}.{key}" if path else str(key))
            for key, value in messages.items()
        )
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        text = " ".join(messages)
        return f"{path}: {text}" if path else text
    if isinstance(messages, list):
        return "; ".join(describe_validation_error(item, path) for item in messages)
    return f"{path}: {messages}" if path else str(messages)
