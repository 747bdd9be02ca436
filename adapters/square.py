"""The `square` adapter: Square Orders API ``Order`` objects, as RetrieveOrder/SearchOrders return.

Square has no LucidID field, so retailers capture the scanned QR code either in a line
item's ``metadata`` (a string map an integration writes) or in its free-text ``note`` (what
a budtender types or scans at the register).  Both are read here.  Square tracks no staff
member on an order; a store that records one in the order's metadata names that key in its
options.  A return is its own order (Square's "return order") whose ``returns[]`` hold
the ``return_line_items`` and the ``source_order_id`` of the sale; an exchange's order holds
both, and is read as two records: the sale, and its return (``<id>:return``).  The order's
``updated_at`` is its version.  The format is documented field by field in
``adapters/README.md``.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pos_transactions.adapter import Adapter, InvalidOptions, RecordError, aware_timestamp
from pos_transactions.bounds import decimal_from_text, shown
from pos_transactions.lucid_id import InvalidLucidID, normalise_lucid_id

STATUS_BY_STATE = {
    "COMPLETED": "completed",
    "CANCELED": "voided",
    "OPEN": "open",
    "DRAFT": "open",
}
DEFAULT_OPTIONS = {
    "lucid_id_metadata_key": "lucid_id",
    "lucid_ids_in_note": True,
    "employee_metadata_key": None,
}
LUCIDGREEN_HOST = "lcdg.io"
RETURN_SUFFIX = ":return"  # the native id of an exchange's return half
# Punctuation a person types around a code in a note: "(id)", "id.", "'id'", "id,".
_NOTE_TOKEN_EDGES = "()[]{}<>\"'.,;:!?"


class SquareAdapter(Adapter):
    name = "square"
    description = "Square Orders API Order objects (LucidIDs in line-item metadata or notes)."

    option_defaults = DEFAULT_OPTIONS

    def check_options(self) -> None:
        check_options(self.options)

    def records(self, sales: Any, base_dir: Path | None = None) -> list[Any]:
        """The orders, with each exchange (sold and returned items in one order) split in two:
        the order's sale, and its return under ``<id>:return``."""
        records = []
        for order in super().records(sales, base_dir):
            records += split_exchange(order)
        return records

    def to_canonical(self, record: Any) -> Mapping[str, Any]:
        if not isinstance(record, Mapping):
            raise RecordError(f"an order must be a JSON object, not {type(record).__name__}")
        options = self.options
        returned = return_line_items(record)
        status = order_status(record["state"])
        if returned and status == "completed":
            status = "returned"
        items = returned or list_field(record, "line_items")
        where = "return_line_items" if returned else "line_items"
        return {
            "id": text_field(record, "id", required=True),
            "status": status,
            "completed_at": order_time(record, status),
            "customer_id": text_field(record, "customer_id"),
            "employee_id": employee_id(record, options["employee_metadata_key"]),
            "lines": [line(item, position, options, where) for position, item in enumerate(items)],
            "modified_at": optional_time(record, "updated_at"),
            "original_id": original_order_id(record) if status == "returned" else None,
        }


def split_exchange(order: Any) -> list[Any]:
    """An order that both sells (``line_items``) and takes back (``returns``) as two records;
    any other order as it is."""
    if not isinstance(order, Mapping) or not order.get("line_items") or not order.get("returns"):
        return [order]
    order_id = order.get("id")
    return_id = order_id + RETURN_SUFFIX if isinstance(order_id, str) else order_id
    return [{**order, "returns": []}, {**order, "id": return_id, "line_items": []}]


def return_line_items(record: Mapping[str, Any]) -> list[Any]:
    """Every ``returns[].return_line_items[]`` of an order, in order."""
    items = []
    for position, entry in enumerate(list_field(record, "returns")):
        if not isinstance(entry, Mapping):
            raise RecordError(f"returns[{position}] must be an object")
        items += list_field(entry, "return_line_items")
    return items


def original_order_id(record: Mapping[str, Any]) -> str | None:
    """The sale a return order takes back: its returns' ``source_order_id``, when they all
    name the same one (an unlinked return has none)."""
    named = {
        entry.get("source_order_id")
        for entry in list_field(record, "returns")
        if isinstance(entry, Mapping)
    }
    if len(named) != 1:
        return None
    (source,) = named
    if source is not None and not isinstance(source, str):
        raise RecordError("returns[].source_order_id must be a string")
    return source


def optional_time(record: Mapping[str, Any], name: str) -> datetime | None:
    return None if record.get(name) is None else aware_timestamp(record[name], name, "RFC 3339")


def check_options(options: Mapping[str, Any]) -> None:
    """Refuse an ill-typed option value (the base class refuses unknown options)."""
    key = options.get("lucid_id_metadata_key", DEFAULT_OPTIONS["lucid_id_metadata_key"])
    if key is not None and not (isinstance(key, str) and key):
        raise InvalidOptions(
            "adapter option 'lucid_id_metadata_key' must be a metadata key or null"
        )
    if not isinstance(options.get("lucid_ids_in_note", True), bool):
        raise InvalidOptions("adapter option 'lucid_ids_in_note' must be true or false")
    staff_key = options.get("employee_metadata_key")
    if staff_key is not None and not (isinstance(staff_key, str) and staff_key):
        raise InvalidOptions(
            "adapter option 'employee_metadata_key' must be a metadata key or null"
        )


def order_status(state: Any) -> str:
    """Canonical status of a Square order ``state``."""
    if not isinstance(state, str) or state not in STATUS_BY_STATE:
        raise RecordError(f"state {state!r} is not one of {', '.join(STATUS_BY_STATE)}")
    return STATUS_BY_STATE[state]


def order_time(record: Mapping[str, Any], status: str) -> datetime | None:
    """When the sale happened: ``closed_at``, set when the order reached COMPLETED or CANCELED.

    An open order has not happened yet.  A canceled order that lacks ``closed_at`` falls
    back to ``updated_at`` (its time only places it; a voided sale is never reported).
    """
    if status == "open":
        return None
    if status == "voided" and record.get("closed_at") is None and "updated_at" in record:
        return aware_timestamp(record["updated_at"], "updated_at", "RFC 3339")
    if record.get("closed_at") is None:
        raise RecordError(f"a {record.get('state')} order needs closed_at")
    return aware_timestamp(record["closed_at"], "closed_at", "RFC 3339")


def text_field(record: Mapping[str, Any], name: str, required: bool = False) -> str | None:
    value = record.get(name)
    if value is None and not required:
        return None
    if value is None:
        raise RecordError(f"missing field {name!r}")
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a string, not {type(value).__name__}")
    return value


def list_field(record: Mapping[str, Any], name: str) -> list[Any]:
    """An optional array field (Square omits empty ones)."""
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{name} must be an array, not {type(value).__name__}")
    return value


def metadata(record: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    value = record.get("metadata")
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RecordError(f"{where}metadata must be an object, not {type(value).__name__}")
    return value


def employee_id(record: Mapping[str, Any], metadata_key: str | None) -> str | None:
    """The staff member named in the order's metadata under `metadata_key`, if configured."""
    if metadata_key is None:
        return None
    value = metadata(record, "")
    found = value.get(metadata_key)
    if found is not None and not isinstance(found, str):
        raise RecordError(f"metadata[{metadata_key!r}] must be a string")
    return found


def line(
    item: Any, position: int, options: Mapping[str, Any], field: str = "line_items"
) -> dict[str, Any]:
    """One ``OrderLineItem`` (or ``OrderReturnLineItem``: the same fields) as a canonical
    line; `field` and `position` name it in errors."""
    where = f"{field}[{position}]."
    if not isinstance(item, Mapping):
        raise RecordError(f"{field}[{position}] must be an object, not {type(item).__name__}")
    if "quantity" not in item:
        raise RecordError(f"{where}quantity is missing")
    lucid_ids = []
    key = options["lucid_id_metadata_key"]
    if key is not None:
        captured = metadata(item, where).get(key)
        if captured is not None and not isinstance(captured, str):
            raise RecordError(f"{where}metadata[{key!r}] must be a string")
        lucid_ids += split_comma_separated(captured or "")
    if options["lucid_ids_in_note"]:
        note = item.get("note")
        if note is not None and not isinstance(note, str):
            raise RecordError(f"{where}note must be a string")
        lucid_ids += lucid_ids_in_note(note or "")
    return {
        "sku": item.get("catalog_object_id") or None,
        "quantity": parse_quantity(item["quantity"], where),
        "lucid_ids": lucid_ids,
    }


def parse_quantity(value: Any, where: str = "") -> Decimal:
    """Square's quantity: a decimal string ("1", "2.5", up to five decimals)."""
    if not isinstance(value, str):
        raise RecordError(
            f'{where}quantity must be a decimal string such as "2.5", not {type(value).__name__}'
        )
    try:
        return decimal_from_text(value)
    except ValueError:
        raise RecordError(f"{where}quantity {shown(value)} is not a decimal number") from None


def split_comma_separated(text: str) -> list[str]:
    """Metadata values hold one LucidID or several separated by commas; kept as captured."""
    return [part.strip() for part in text.split(",") if part.strip()]


def lucid_ids_in_note(note: str) -> list[str]:
    """LucidIDs found in a line item's free-text note, as captured.

    A note is prose ("2 pre-rolls, scanned https://qr.lcdg.io/<id>"), so only unmistakable
    tokens count: a URL on a LucidGreen host (``*.lcdg.io``), passed on as it is so that a
    CaseID URL is refused by the canonical check, and a bare word that is a valid
    22-character LucidID.  Other words and other sites' URLs are ignored.
    """
    found = []
    for word in note.split():
        token = word.strip(_NOTE_TOKEN_EDGES)
        if is_lucidgreen_url(token):
            found.append(token)
        elif "/" not in token and is_bare_lucid_id(token):
            found.append(token)
    return found


def is_lucidgreen_url(token: str) -> bool:
    if "lcdg.io" not in token.lower():
        return False
    try:
        host = urlsplit(token if "://" in token else "https://" + token).hostname or ""
    except ValueError:
        return False
    return host == LUCIDGREEN_HOST or host.endswith("." + LUCIDGREEN_HOST)


def is_bare_lucid_id(token: str) -> bool:
    if len(token) != 22:
        return False
    try:
        normalise_lucid_id(token)
    except InvalidLucidID:
        return False
    return True
