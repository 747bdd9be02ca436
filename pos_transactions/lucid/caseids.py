"""The receiving workflow: link the cases a retailer received to its inventory package.

LucidRetail's CaseID endpoints look up which CaseIDs belong to a Package UID (the
regulator's package id on the shipping manifest), import a CaseID into the retailer's
package, and remove one.  Importing a case that is already in this very package is not
an error for us: the clerk's goal is met, so it is reported as success.  Auto-import
imports every associated CaseID that is not yet imported and says what happened to each.
"""

import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from urllib.parse import quote, urlsplit

from ..lucid_id import CASE_ID_SEGMENTS
from .client import LucidRetailClient, LucidRetailError, expect, json_of, lucidretail_words

IMPORT_PATH = "/api/v1.2/caseids/import/"
REMOVE_PATH = "/api/v1.2/caseids/import/remove/"
IMPORT_CALL = f"caseids_import (POST {IMPORT_PATH})"
REMOVE_CALL = f"caseids_import_remove (POST {REMOVE_PATH})"

_ALREADY_IMPORTED = re.compile(
    r"Items in CaseID (?P<case_id>\S+) are already imported into inventory (?P<package_uid>.+?)\.?"
)


class Outcome(StrEnum):
    IMPORTED = "imported"
    ALREADY_HERE = "already imported here"
    ELSEWHERE = "imported elsewhere"
    FAILED = "failed"


@dataclass(frozen=True)
class CaseImport:
    """The five required fields of caseids_import, and the optional `sku`."""

    case_uuid: str
    packaged_product_uuid: str
    pos_product_id: str
    pos_inventory_id: str
    package_uid: str
    sku: str | None = None

    def payload(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class CaseOutcome:
    """What became of one CaseID; `detail` says where (elsewhere) or why (failed)."""

    case_id: str
    outcome: Outcome
    detail: str | None = None


def case_id_from_scan(text: str) -> str:
    """A CaseID as typed or as scanned from its QR code (``https://qr.lcdg.io/case/<id>``;
    LucidGreen also writes ``/collection/<id>`` and ``/c/<id>``)."""
    text = text.strip()
    if "/" not in text:
        return text
    segments = [
        s for s in urlsplit(text if "://" in text else "https://" + text).path.split("/") if s
    ]
    if len(segments) != 2 or segments[0].lower() not in CASE_ID_SEGMENTS:
        raise ValueError(f"{text!r} is not a CaseID QR code (expected .../case/<CaseID>)")
    return segments[1]


def lookup_path(package_uid: str) -> str:
    return f"/api/v1.2/package-uids/{quote(package_uid, safe='')}/caseids/"


def lookup_call(package_uid: str) -> str:
    return f"caseids_for_package_uid (GET {lookup_path(package_uid)})"


def already_imported_into(words: str) -> str | None:
    """The Package UID named by LucidRetail's "already imported" refusal, else None."""
    match = _ALREADY_IMPORTED.fullmatch(words.strip())
    return match["package_uid"] if match else None


def case_ids_for_package(client: LucidRetailClient, package_uid: str) -> dict[str, dict]:
    """LucidRetail's ``case_ids`` object for `package_uid`, as received."""
    call = lookup_call(package_uid)
    answer = json_of(expect(client.request(call, "GET", lookup_path(package_uid)), call, 200), call)
    if not isinstance(answer, dict) or not isinstance(answer.get("case_ids"), dict):
        raise LucidRetailError(call, 200, "the answer holds no case_ids object")
    return answer["case_ids"]


def import_case(client: LucidRetailClient, request: CaseImport) -> Outcome:
    """IMPORTED, or ALREADY_HERE when LucidRetail says it is already in this package;
    `LucidRetailError` for every other refusal."""
    response = client.request(IMPORT_CALL, "POST", IMPORT_PATH, json_body=request.payload())
    if response.status_code == 400:
        error = LucidRetailError(IMPORT_CALL, 400, lucidretail_words(response.content))
        if already_imported_into(error.words) == request.package_uid:
            return Outcome.ALREADY_HERE
        raise error
    expect(response, IMPORT_CALL, 200)
    return Outcome.IMPORTED


def remove_case(
    client: LucidRetailClient,
    case_uuid: str,
    package_uid: str,
    packaged_product_uuid: str | None = None,
) -> None:
    payload = {"case_uuid": case_uuid, "package_uid": package_uid}
    if packaged_product_uuid is not None:
        payload["packaged_product_uuid"] = packaged_product_uuid
    expect(client.request(REMOVE_CALL, "POST", REMOVE_PATH, json_body=payload), REMOVE_CALL, 200)


def where_imported(status: dict) -> str:
    """Where LucidRetail says a case went; it tells only within the caller's own company."""
    dispensary = status.get("dispensary") or {}
    place = [
        f"package {status['package_uid']}" if status.get("package_uid") else None,
        f"dispensary {dispensary.get('name')} ({dispensary.get('state')})" if dispensary else None,
        f"on {status['imported_on']}" if status.get("imported_on") else None,
    ]
    known = ", ".join(part for part in place if part)
    if not status.get("package_uid") and not dispensary:
        return f"by another company's dispensary{', ' + known if known else ''}"
    return known


def planned_outcome(case_id: str, status: dict, package_uid: str) -> CaseOutcome | None:
    """What auto-import does with a case given its lookup status: None means import it."""
    if not status.get("is_imported"):
        return None
    if status.get("package_uid") == package_uid:
        return CaseOutcome(case_id, Outcome.ALREADY_HERE)
    return CaseOutcome(case_id, Outcome.ELSEWHERE, where_imported(status))


def auto_import(
    client: LucidRetailClient,
    package_uid: str,
    packaged_product_uuid: str,
    pos_product_id: str,
    pos_inventory_id: str,
    sku: str | None = None,
) -> list[CaseOutcome]:
    """Import every CaseID associated with `package_uid` that is not imported yet.

    A failure of one case does not stop the others; the lookup failing stops everything.
    """
    outcomes = []
    for case_id, status in case_ids_for_package(client, package_uid).items():
        planned = planned_outcome(case_id, status if isinstance(status, dict) else {}, package_uid)
        if planned is not None:
            outcomes.append(planned)
            continue
        request = CaseImport(
            case_id, packaged_product_uuid, pos_product_id, pos_inventory_id, package_uid, sku
        )
        try:
            outcomes.append(CaseOutcome(case_id, import_case(client, request)))
        except LucidRetailError as error:
            outcomes.append(CaseOutcome(case_id, Outcome.FAILED, str(error)))
    return outcomes
