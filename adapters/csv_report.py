"""The `csv` adapter: a POS "sales detail" report, one row per line item.

Back-office exports are the lowest common denominator of POS systems: every one of them can
write a CSV file, and none agrees on its column names.  So the columns are configured per
store, a sale is the group of rows that share a receipt number, and the quirks of real
exports (a UTF-8 BOM, local times without an offset, weighed quantities, several LucidIDs
in one cell, a voided flag spelled five ways) are read here so that nothing downstream
sees them.  The format is documented field by field in ``adapters/README.md``.
"""

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pos_transactions.adapter import Adapter, InvalidOptions, RecordError
from pos_transactions.bounds import decimal_from_text, shown
from pos_transactions.canonical import localise, parse_iso_datetime

DEFAULT_COLUMNS = {
    "receipt": "Receipt #",
    "completed_at": "Completed At",
    "customer": "Customer ID",
    "employee": "Employee ID",
    "voided": "Voided",
    "sku": "SKU",
    "quantity": "Quantity",
    "lucid_ids": "LucidIDs",
    "modified_at": "Modified At",  # optional: when the POS last changed the receipt
    "returned": "Returned",  # optional flag: the receipt takes units back
    "original_id": "Original Receipt #",  # optional: the receipt a return takes back
}
REQUIRED_COLUMNS = ("receipt", "completed_at", "quantity")
OPTION_DEFAULTS = {"columns": {}, "delimiter": ",", "time_format": None}

TRUE_FLAGS = frozenset({"true", "yes", "y", "1"})
FALSE_FLAGS = frozenset({"false", "no", "n", "0", ""})
LUCID_ID_SEPARATORS = re.compile(r"[;|]")


@dataclass(frozen=True)
class Row:
    """One report row; `where` names it in errors ("line 7" of a file, "row 3" of a push)."""

    where: str
    cells: Mapping[str, Any]


@dataclass(frozen=True)
class Receipt:
    """The rows of one sale, in report order; `id` is None for rows without a receipt."""

    id: str | None
    rows: tuple[Row, ...]


class CsvReportAdapter(Adapter):
    name = "csv"
    description = "A sales-detail CSV report: one row per line item, grouped by receipt."
    option_defaults = OPTION_DEFAULTS

    def check_options(self) -> None:
        check_options(self.options)
        self.columns = resolve_columns(self.options)

    def records(self, sales: Any, base_dir: Path | None = None) -> list[Receipt]:
        """The report's rows grouped into receipts.

        `sales` names a file (``{"file": "report.csv"}``, relative to the store file) or is
        a push's list of row objects (column name -> text).
        """
        if isinstance(sales, Mapping):
            rows = read_report_file(sales, base_dir, self.options["delimiter"])
        elif isinstance(sales, list):
            rows = [pushed_row(position, cells) for position, cells in enumerate(sales, 1)]
        else:
            raise RecordError(
                'sales must name a CSV file ({"file": "report.csv"}) or be a list of rows, '
                f"not {type(sales).__name__}"
            )
        return group_receipts(rows, self.columns["receipt"])

    def record_id(self, record: Any) -> str | None:
        return record.id if isinstance(record, Receipt) else None

    def to_canonical(self, record: Any) -> Mapping[str, Any]:
        if not isinstance(record, Receipt):
            raise RecordError(f"expected a receipt's rows, not {type(record).__name__}")
        columns = self.columns
        if not record.rows:
            raise RecordError("a receipt needs at least one row")
        if record.id is None:
            cell(record.rows[0], columns["receipt"], required=True)  # raises: says what is wrong
        sale_fields = [self._sale_fields(row, columns) for row in record.rows]
        first = sale_fields[0]
        for row, fields in zip(record.rows[1:], sale_fields[1:], strict=True):
            disagreeing = [name for name in first if fields[name] != first[name]]
            if disagreeing:
                raise RecordError(
                    f"{row.where} disagrees with {record.rows[0].where} on "
                    + ", ".join(repr(columns[name]) for name in disagreeing)
                )
        if first["voided"] and first["returned"]:
            raise RecordError(f"{record.rows[0].where}: a receipt is voided or returned, not both")
        return {
            "id": record.id,
            "status": receipt_status(first["voided"], first["returned"]),
            "completed_at": first["completed_at"],
            "customer_id": first["customer"],
            "employee_id": first["employee"],
            "lines": [self._line(row, columns) for row in record.rows],
            "modified_at": first["modified_at"],
            "original_id": first["original_id"] or None,
        }

    def _sale_fields(self, row: Row, columns: Mapping[str, str]) -> dict[str, Any]:
        moment = cell(row, columns["completed_at"], required=True)
        modified = cell(row, columns["modified_at"])
        try:
            return {
                "completed_at": self._local_time(moment),
                "customer": cell(row, columns["customer"]) or None,
                "employee": cell(row, columns["employee"]) or None,
                "voided": parse_flag(cell(row, columns["voided"])),
                "returned": parse_flag(cell(row, columns["returned"])),
                "modified_at": self._local_time(modified) if modified else None,
                "original_id": cell(row, columns["original_id"]),
            }
        except ValueError as error:
            raise RecordError(f"{row.where}: {error}") from None

    def _local_time(self, text: str) -> datetime:
        return localise(parse_local_time(text, self.options["time_format"]), self.timezone)

    def _line(self, row: Row, columns: Mapping[str, str]) -> dict[str, Any]:
        try:
            quantity = parse_quantity(cell(row, columns["quantity"], required=True))
        except ValueError as error:
            raise RecordError(f"{row.where}: {error}") from None
        return {
            "sku": cell(row, columns["sku"]) or None,
            "quantity": quantity,
            "lucid_ids": split_lucid_ids(cell(row, columns["lucid_ids"])),
        }


def check_options(options: Mapping[str, Any]) -> None:
    """Refuse an ill-typed option value (the base class refuses unknown options)."""
    delimiter = options["delimiter"]
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise InvalidOptions("adapter option 'delimiter' must be one character")
    time_format = options["time_format"]
    if time_format is not None and not isinstance(time_format, str):
        raise InvalidOptions("adapter option 'time_format' must be a strptime format string")


def resolve_columns(options: Mapping[str, Any]) -> dict[str, str]:
    """The report's column names: the defaults, overridden by the store's ``columns``."""
    overrides = options.get("columns", {})
    if not isinstance(overrides, Mapping):
        raise InvalidOptions("adapter option 'columns' must map field names to column names")
    unknown = sorted(set(overrides) - set(DEFAULT_COLUMNS))
    if unknown:
        raise InvalidOptions(
            f"unknown column field(s) {', '.join(map(repr, unknown))}; "
            f"known fields are {', '.join(DEFAULT_COLUMNS)}"
        )
    if not all(isinstance(name, str) and name.strip() for name in overrides.values()):
        raise InvalidOptions("every column name in adapter option 'columns' must be non-empty text")
    return {field: overrides.get(field, default) for field, default in DEFAULT_COLUMNS.items()}


def header_key(name: str) -> str:
    """How column names are compared: without a BOM or surrounding spaces, ignoring case."""
    return name.replace("\ufeff", "").strip().casefold()


def read_report_file(sales: Mapping[str, Any], base_dir: Path | None, delimiter: str) -> list[Row]:
    """The rows of the CSV file a store names, each named by its line in the file."""
    name = sales.get("file")
    if set(sales) != {"file"} or not isinstance(name, str) or not name.strip():
        raise RecordError('sales must be {"file": "<CSV file next to the store file>"}')
    if base_dir is None:
        raise RecordError("a CSV file can only be named by a store file, not by a push")
    try:
        text = (base_dir / name).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RecordError(f"cannot read the CSV report {name!r}: {error}") from None
    return list(report_rows(text, delimiter))


def report_rows(text: str, delimiter: str = ",") -> Iterator[Row]:
    """Rows of a CSV text with a header line; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise RecordError("the CSV report is empty: it needs a header line")
        names = [header_key(name) for name in header]
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(names):
                raise RecordError(
                    f"line {reader.line_num} has {len(values)} cells, the header {len(names)}"
                )
            yield Row(f"line {reader.line_num}", dict(zip(names, values, strict=False)))
    except csv.Error as error:
        raise RecordError(
            f"the CSV report is malformed at line {reader.line_num}: {error}"
        ) from None


def pushed_row(position: int, cells: Any) -> Row:
    """A pushed row object, with its keys compared the way CSV headers are."""
    if not isinstance(cells, Mapping):
        raise RecordError(f"row {position} must be an object (column name -> text)")
    return Row(f"row {position}", {header_key(str(name)): value for name, value in cells.items()})


def group_receipts(rows: list[Row], receipt_column: str) -> list[Receipt]:
    """Rows grouped by receipt, in order of first appearance.

    A row without a receipt number is a receipt of its own with no id, so it is reported
    as invalid by its row rather than silently merged with others.
    """
    key = header_key(receipt_column)
    grouped: dict[str, list[Row]] = {}
    unnamed: list[Receipt] = []
    order: list[str | int] = []
    for row in rows:
        receipt = row.cells.get(key)
        if not isinstance(receipt, str) or not receipt.strip():
            order.append(len(unnamed))
            unnamed.append(Receipt(None, (row,)))
            continue
        receipt = receipt.strip()
        if receipt not in grouped:
            order.append(receipt)
            grouped[receipt] = []
        grouped[receipt].append(row)
    return [
        unnamed[entry] if isinstance(entry, int) else Receipt(entry, tuple(grouped[entry]))
        for entry in order
    ]


def cell(row: Row, column: str, required: bool = False) -> str:
    """A cell's text, stripped; "" when the column is absent or empty (unless `required`)."""
    key = header_key(column)
    if key not in row.cells:
        if required:
            raise RecordError(f"{row.where} has no {column!r} column")
        return ""
    value = row.cells[key]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RecordError(f"{row.where}: {column!r} must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise RecordError(f"{row.where}: {column!r} is empty")
    return value.strip()


def receipt_status(voided: bool, returned: bool) -> str:
    return "voided" if voided else "returned" if returned else "completed"


def parse_flag(text: str) -> bool:
    """A voided flag: true/false, yes/no, y/n or 1/0 in any case; empty is false."""
    folded = text.strip().casefold()
    if folded in TRUE_FLAGS:
        return True
    if folded in FALSE_FLAGS:
        return False
    raise ValueError(f"{text!r} is not a flag (true/false, yes/no, Y/N, 1/0 or empty)")


def parse_quantity(text: str) -> Decimal:
    """A quantity as exported: ``3``, ``3.5``, ``0.125``; never a float, NaN or ``1_000``."""
    try:
        return decimal_from_text(text)
    except ValueError:
        raise ValueError(f"quantity {shown(text)} is not a number") from None


def parse_local_time(text: str, time_format: str | None = None) -> datetime:
    """A report time: ISO-8601 (date and time separated by T or a space) or `time_format`.

    The result is naive unless the text carries an offset; the caller localises it.
    """
    try:
        if time_format:
            return datetime.strptime(text.strip(), time_format)
        return parse_iso_datetime(text.strip())
    except (ValueError, OverflowError):
        expected = f"the format {time_format!r}" if time_format else "an ISO-8601 date-time"
        raise ValueError(f"time {text!r} is not {expected}") from None


def split_lucid_ids(text: str) -> list[str]:
    """The LucidIDs of one cell, separated by ``;`` or ``|``, as captured (not yet checked)."""
    return [part.strip() for part in LUCID_ID_SEPARATORS.split(text) if part.strip()]
