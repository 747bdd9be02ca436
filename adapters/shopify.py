"""The `shopify` adapter: Shopify Admin REST ``Order`` objects, as GET /orders.json returns them.

Shopify has no LucidID field; a retailer's checkout or POS extension stores the scanned
code as a line-item property (``{"name": "LucidID", "value": "..."}``).  Shopify's order
ids are integers and its staff member (``user_id``) and customer are often absent, so this
adapter stringifies the ids and treats absence as "none".  An order is a sale when it is
processed and a void when it has a ``cancelled_at``; the financial and fulfillment states
do not change that.  Each refund that takes items back (``refunds[].refund_line_items``) is
a return of its own, ``<order id>/refunds/<refund id>``; the order stays the sale it was.
The order's ``updated_at`` is its version.  The format is documented field by field in
``adapters/README.md``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pos_transactions.adapter import Adapter, InvalidOptions, RecordError, aware_timestamp
from pos_transactions.bounds import decimal_from_text, shown

DEFAULT_OPTIONS = {"lucid_id_property": "LucidID"}


@dataclass(frozen=True)
class Refund:
    """One refund of an order that takes line items back: a return record."""

    order: Mapping[str, Any]
    refund: Mapping[str, Any]

    @property
    def id(self) -> str:
        return f"{shopify_id(self.order['id'], 'id')}/refunds/{shopify_id(self.refund['id'], 'id')}"


class ShopifyAdapter(Adapter):
    name = "shopify"
    description = "Shopify Admin REST Order objects (LucidIDs in line-item properties)."

    option_defaults = DEFAULT_OPTIONS

    def check_options(self) -> None:
        check_options(self.options)

    def records(self, sales: Any, base_dir: Path | None = None) -> list[Any]:
        """Each order, followed by its refunds that take items back (a cancelled order's
        refunds are not returns: its void already takes everything back)."""
        records = []
        for order in super().records(sales, base_dir):
            records.append(order)
            records += returning_refunds(order)
        return records

    def record_id(self, record: Any) -> str | None:
        if isinstance(record, Refund):
            try:
                return record.id
            except (RecordError, LookupError):
                return None
        return super().record_id(record)

    def to_canonical(self, record: Any) -> Mapping[str, Any]:
        if isinstance(record, Refund):
            return self._return(record)
        if not isinstance(record, Mapping):
            raise RecordError(f"an order must be a JSON object, not {type(record).__name__}")
        property_name = self.options["lucid_id_property"]
        cancelled = record.get("cancelled_at") is not None
        if cancelled:
            aware_timestamp(record["cancelled_at"], "cancelled_at")
        check_refunds(record)
        items = record["line_items"]
        if not isinstance(items, list):
            raise InvalidOptions(f"line_items must be an array, not {type(items).__name__}")
        return {
            "id": shopify_id(record["id"], "id"),
            "status": "voided" if cancelled else "completed",
            "completed_at": aware_timestamp(record["processed_at"], "processed_at"),
            "customer_id": customer_id(record.get("customer")),
            "employee_id": optional_id(record.get("user_id"), "user_id"),
            "lines": [line(item, position, property_name) for position, item in enumerate(items)],
            "modified_at": optional_time(record, "updated_at"),
        }

    def _return(self, record: Refund) -> Mapping[str, Any]:
        """A refund's returned line items as a canonical return of the order."""
        refund, order = record.refund, record.order
        property_name = self.options["lucid_id_property"]
        at = "processed_at" if refund.get("processed_at") is not None else "created_at"
        lines, returned = [], refund["refund_line_items"]
        if not isinstance(returned, list):
            raise RecordError(f"refund_line_items must be an array, not {type(returned).__name__}")
        for position, entry in enumerate(returned):
            where = f"refund_line_items[{position}]"
            if not isinstance(entry, Mapping) or not isinstance(entry.get("line_item"), Mapping):
                raise RecordError(f"{where} must be an object with its line_item")
            item = {**entry["line_item"], "quantity": entry.get("quantity")}
            lines.append(line(item, position, property_name, where))
        return {
            "id": record.id,
            "status": "returned",
            "completed_at": aware_timestamp(refund[at], f"refund {at}"),
            "customer_id": customer_id(order.get("customer")),
            "employee_id": optional_id(refund.get("user_id"), "refund user_id"),
            "lines": lines,
            "original_id": shopify_id(order["id"], "id"),
        }


def returning_refunds(order: Any) -> list[Refund]:
    """The order's refunds that take line items back, unless the order was cancelled."""
    if not isinstance(order, Mapping) or order.get("cancelled_at") is not None:
        return []
    refunds = order.get("refunds") or []
    if not isinstance(refunds, list):
        return []  # the order itself is refused for it (`check_refunds`)
    return [
        Refund(order, refund)
        for refund in refunds
        if isinstance(refund, Mapping) and refund.get("refund_line_items")
    ]


def check_refunds(order: Mapping[str, Any]) -> None:
    refunds = order.get("refunds")
    if refunds is not None and not isinstance(refunds, list):
        raise RecordError(f"refunds must be an array, not {type(refunds).__name__}")


def optional_time(record: Mapping[str, Any], name: str) -> datetime | None:
    return None if record.get(name) is None else aware_timestamp(record[name], name)


def check_options(options: Mapping[str, Any]) -> None:
    """Refuse an ill-typed option value (the base class refuses unknown options)."""
    name = options.get("lucid_id_property", DEFAULT_OPTIONS["lucid_id_property"])
    if not (isinstance(name, str) and name.strip()):
        raise InvalidOptions("adapter option 'lucid_id_property' must be a property name")


def shopify_id(value: Any, name: str) -> str:
    """Shopify ids are JSON integers; a string id (from an export or a proxy) is kept."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise RecordError(f"{name} must be an integer id, not {type(value).__name__}")


def optional_id(value: Any, name: str) -> str | None:
    return None if value is None else shopify_id(value, name)


def customer_id(customer: Any) -> str | None:
    """The order's ``customer.id``; no customer (absent or null) is a walk-in sale."""
    if customer is None:
        return None
    if not isinstance(customer, Mapping):
        raise RecordError(f"customer must be an object or null, not {type(customer).__name__}")
    return optional_id(customer.get("id"), "customer.id")


def line(item: Any, position: int, property_name: str, where: str = "") -> dict[str, Any]:
    """One line item as a canonical line; `where` (or `position`) names it in errors."""
    where = where or f"line_items[{position}]"
    if not isinstance(item, Mapping):
        raise RecordError(f"{where} must be an object, not {type(item).__name__}")
    if "quantity" not in item:
        raise RecordError(f"{where}.quantity is missing")
    sku = item.get("sku")
    if sku is not None and not isinstance(sku, str):
        raise RecordError(f"{where}.sku must be a string, not {type(sku).__name__}")
    return {
        "sku": sku or None,
        "quantity": parse_quantity(item["quantity"], where),
        "lucid_ids": lucid_ids(item.get("properties"), property_name, where),
    }


def parse_quantity(value: Any, where: str = "line item") -> Decimal:
    """Shopify's quantity is a JSON integer; a decimal string is read exactly, a float never."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return decimal_from_text(value)
        except ValueError:
            raise RecordError(f"{where}.quantity {shown(value)} is not a number") from None
    raise RecordError(f"{where}.quantity must be an integer, not {type(value).__name__}")


def lucid_ids(properties: Any, property_name: str, where: str = "line item") -> list[str]:
    """The values of every property called `property_name` (case and spaces ignored), each
    split on commas; kept as captured for the canonical check."""
    if properties is None:
        return []
    if not isinstance(properties, list):
        raise RecordError(f"{where}.properties must be an array, not {type(properties).__name__}")
    wanted = property_name.strip().casefold()
    found = []
    for index, entry in enumerate(properties):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise RecordError(f"{where}.properties[{index}] must be an object with a name")
        if entry["name"].strip().casefold() != wanted:
            continue
        value = entry.get("value")
        if not isinstance(value, str):
            raise RecordError(
                f"{where}.properties[{index}].value must be a string, not {type(value).__name__}"
            )
        found += [part.strip() for part in value.split(",") if part.strip()]
    return found
