"""The CaseID workflow: its rules as tables, and each endpoint against the fake."""

import pytest

from pos_transactions.lucid.caseids import (
    CaseImport,
    CaseOutcome,
    Outcome,
    already_imported_into,
    auto_import,
    case_id_from_scan,
    case_ids_for_package,
    import_case,
    planned_outcome,
    remove_case,
)
from pos_transactions.lucid.client import LucidRetailError

RECEIVING = "1A4060300002C35000000200"
FLOWER_PACKAGE = "1A4060300002C35000000101"
SISTER = {"uuid": "d", "name": "Uptown", "state": "CA"}


@pytest.mark.parametrize(
    ("words", "package_uid"),
    [
        ("Items in CaseID abc are already imported into inventory PKG-1.", "PKG-1"),
        ("Items in CaseID abc are already imported into inventory 1A40603.", "1A40603"),
        ("This case has already been scanned for another dispensary.", None),
        ("case_uuid: This field is required.", None),
    ],
)
def test_already_imported_into(words, package_uid):
    assert already_imported_into(words) == package_uid


@pytest.mark.parametrize(
    ("status", "planned"),
    [
        ({"is_imported": False, "imported_on": None}, None),
        (
            {"is_imported": True, "package_uid": "P", "dispensary": SISTER},
            CaseOutcome("c", Outcome.ALREADY_HERE),
        ),
        (
            {"is_imported": True, "package_uid": "Q", "dispensary": SISTER, "imported_on": "T"},
            CaseOutcome("c", Outcome.ELSEWHERE, "package Q, dispensary Uptown (CA), on T"),
        ),
        (
            {"is_imported": True, "package_uid": None, "dispensary": None, "imported_on": "T"},
            CaseOutcome("c", Outcome.ELSEWHERE, "by another company's dispensary, on T"),
        ),
    ],
)
def test_planned_outcome(status, planned):
    assert planned_outcome("c", status, "P") == planned


@pytest.mark.parametrize(
    ("scanned", "case_id"),
    [
        ("VfwFQFQhehaPrsZrHym2ha", "VfwFQFQhehaPrsZrHym2ha"),
        ("https://qr.lcdg.io/case/VfwFQFQhehaPrsZrHym2ha", "VfwFQFQhehaPrsZrHym2ha"),
        ("qr.lcdg.io/case/VfwFQFQhehaPrsZrHym2ha/", "VfwFQFQhehaPrsZrHym2ha"),
        ("https://qr.lcdg.io/collection/VfwFQFQhehaPrsZrHym2ha", "VfwFQFQhehaPrsZrHym2ha"),
        ("https://qr.lcdg.io/C/VfwFQFQhehaPrsZrHym2ha", "VfwFQFQhehaPrsZrHym2ha"),
    ],
)
def test_case_id_from_scan(scanned, case_id):
    assert case_id_from_scan(scanned) == case_id


def test_an_item_qr_code_is_not_a_case_id():
    with pytest.raises(ValueError, match="not a CaseID QR code"):
        case_id_from_scan("https://qr.lcdg.io/VfwFQFQhehaPrsZrHym2ha")


def _request(expected, case="receiving-new-1", package=RECEIVING, product="flower"):
    return CaseImport(
        expected["case_ids"][case],
        expected["packaged_products"][product],
        "POS-PROD-1",
        "POS-INV-1",
        package,
        "FL-35",
    )


def test_lookup_returns_case_ids_as_received(lucid_client, expected):
    case_ids = case_ids_for_package(lucid_client, RECEIVING)
    here = case_ids[expected["case_ids"]["receiving-here"]]
    assert here["is_imported"] is True and here["package_uid"] == RECEIVING
    assert case_ids[expected["case_ids"]["receiving-new-1"]] == {
        "is_imported": False,
        "imported_on": None,
        "package_uid": None,
        "dispensary": None,
    }
    assert case_ids_for_package(lucid_client, "1A4000000000000000000000") == {}


def test_import_then_import_again_is_success_both_times(fake, lucid_client, expected):
    assert import_case(lucid_client, _request(expected)) is Outcome.IMPORTED
    assert import_case(lucid_client, _request(expected)) is Outcome.ALREADY_HERE
    assert [row.sku for row in fake.imports if row.package_uid == RECEIVING][-1] == "FL-35"


def test_already_imported_into_another_package_is_an_error(lucid_client, expected):
    with pytest.raises(LucidRetailError) as raised:
        import_case(lucid_client, _request(expected, case="flower-1", package=RECEIVING))
    assert raised.value.status == 400
    assert raised.value.words == (
        f"Items in CaseID {expected['case_ids']['flower-1']} are already imported into "
        f"inventory {FLOWER_PACKAGE}."
    )


def test_a_case_scanned_by_another_dispensary_is_an_error(lucid_client, expected):
    with pytest.raises(LucidRetailError, match="already been scanned for another dispensary"):
        import_case(lucid_client, _request(expected, case="receiving-stranger"))


def test_field_errors_come_back_in_lucidretails_words(lucid_client, expected):
    request = CaseImport("too-short", expected["packaged_products"]["flower"], "", "I", "P")
    with pytest.raises(LucidRetailError) as raised:
        import_case(lucid_client, request)
    assert raised.value.words == (
        "case_uuid: Must be a valid ShortUUID.; pos_product_id: This field may not be blank."
    )


def test_remove_then_remove_again(fake, lucid_client, expected):
    case_id = expected["case_ids"]["receiving-here"]
    remove_case(lucid_client, case_id, RECEIVING)
    assert not [row for row in fake.imports if row.case_id == case_id]
    with pytest.raises(LucidRetailError, match="is not imported into package_uid="):
        remove_case(lucid_client, case_id, RECEIVING)


def test_remove_from_an_unknown_package_is_lucidretails_error(lucid_client, expected):
    with pytest.raises(LucidRetailError) as raised:
        remove_case(lucid_client, expected["case_ids"]["flower-1"], "PKG-001")
    assert raised.value.words == "POS Package UID not found for package_uid=PKG-001."


def test_remove_one_batch_of_a_multi_batch_case(fake, lucid_client, expected):
    package = "1A4060300002C35000000300"
    for product in ("flower", "vape"):
        import_case(lucid_client, _request(expected, "multi-batch", package, product))
    remove_case(
        lucid_client,
        expected["case_ids"]["multi-batch"],
        package,
        expected["packaged_products"]["vape"],
    )
    left = [row.packaged_product_uuid for row in fake.imports if row.package_uid == package]
    assert left == [expected["packaged_products"]["flower"]]


def test_auto_import_reports_every_case(fake, lucid_client, expected):
    ids = expected["case_ids"]
    product = expected["packaged_products"]["flower"]
    outcomes = auto_import(lucid_client, RECEIVING, product, "POS-PROD-1", "POS-INV-1")
    assert {o.case_id: o.outcome for o in outcomes} == {
        ids["receiving-new-1"]: Outcome.IMPORTED,
        ids["receiving-new-2"]: Outcome.IMPORTED,
        ids["receiving-sister"]: Outcome.ELSEWHERE,
        ids["receiving-stranger"]: Outcome.ELSEWHERE,
        ids["receiving-here"]: Outcome.ALREADY_HERE,
    }
    sister = next(o for o in outcomes if o.case_id == ids["receiving-sister"])
    assert "package 1A4060300002C35000000900" in sister.detail
    assert len(fake.calls_to("/api/v1.2/caseids/import/")) == 2


def test_auto_import_goes_on_after_a_failure(lucid_client, expected):
    ids = expected["case_ids"]
    product = expected["packaged_products"]["flower"]
    outcomes = auto_import(lucid_client, "1A4060300002C35000000300", product, "P", "I")
    assert [(o.case_id, o.outcome) for o in outcomes] == [
        (ids["multi-batch"], Outcome.IMPORTED),
        (ids["mixed-wrong-product"], Outcome.FAILED),
    ]
    assert "is not in CaseID" in outcomes[1].detail
