"""``lucid lookup``: where a LucidID is known, from both sources of the registry.

The Package-UID export says which package and case hold it; the Receive-Case webhook
says which case delivered it, its current METRC id, product and batch.  Each finding is
one JSON-ready entry with a ``source``, so the text and ``--json`` outputs agree.
"""

from sqlalchemy.orm import Session

from ..canonical import format_utc
from ..webhook.cases import find_received
from .registry import find_lucid_id

EXPORT, WEBHOOK = "package-uid export", "webhook"


def lookup_entries(session: Session, lucid_id: str, retailer_id: str | None) -> list[dict]:
    """Every registry entry for `lucid_id`: the export's first, then the webhook's."""
    exported = [
        {
            "source": EXPORT,
            "retailer_id": entry.retailer_id,
            "package_uid": entry.package_uid,
            "case_id": entry.case_id,
            "export_date": entry.export_date.isoformat() if entry.export_date else None,
        }
        for entry in find_lucid_id(session, lucid_id, retailer_id)
    ]
    received = [
        {
            "source": WEBHOOK,
            "retailer_id": found.retailer_id,
            "case_id": found.case_uuid,
            "delivered_case_id": found.delivered_case_uuid,
            "case_identifier": found.case_identifier,
            "metrc_id": found.metrc_id,
            "product": found.product,
            "batch": found.batch,
            "received_at": format_utc(found.received_at),
        }
        for found in find_received(session, lucid_id, retailer_id)
    ]
    return exported + received


def describe(lucid_id: str, entry: dict) -> str:
    """One line for a person."""
    if entry["source"] == EXPORT:
        return (
            f"LucidID {lucid_id}: retailer {entry['retailer_id']}, package "
            f"{entry['package_uid']}, case {entry['case_id']} "
            f"(export of {entry['export_date'] or 'the most recent day'})"
        )
    case = entry["case_id"]
    if entry["case_identifier"]:
        case += f" ({entry['case_identifier']})"
    if entry["delivered_case_id"] != entry["case_id"]:
        case += f" in case {entry['delivered_case_id']}"
    return (
        f"LucidID {lucid_id}: retailer {entry['retailer_id']}, case {case}, METRC id "
        f"{entry['metrc_id'] or 'unknown'}, product {entry['product'] or 'unknown'}, batch "
        f"{entry['batch'] or 'unknown'} (received by webhook {entry['received_at']})"
    )
