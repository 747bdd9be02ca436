"""``pos-transactions lucid ...`` end to end: the fake LucidRetail served for real, the
service's database on SQLite and PostgreSQL."""

import json
import logging

import pytest
import requests

from pos_transactions.db import new_session
from pos_transactions.lucid.fake_server import Fault
from pos_transactions.lucid.models import LucidConnection, RegistryEntry

from .conftest import AUDIT_STORE, CLIENT_SECRET, RECEIVING_SALE, RETAILER, STATIC_TOKEN

RECEIVING = "1A4060300002C35000000200"
AUDIT_WINDOW = ("--start", "2021-03-10", "--end", "2021-03-12")
RECEIVING_WINDOW = ("--start", "2021-03-12", "--end", "2021-03-13")


def _registry(app) -> list[tuple[str, str, str]]:
    with app.app_context(), new_session() as session:
        rows = session.query(RegistryEntry).filter_by(retailer_id=RETAILER).all()
        return sorted((r.package_uid, r.case_id, r.lucid_id) for r in rows)


def test_configure_needs_one_kind_of_credentials(fast_app, runner, cli, load):
    load(AUDIT_STORE)
    neither = runner.invoke(cli, ["lucid", "configure", RETAILER])
    both = runner.invoke(
        cli, ["lucid", "configure", RETAILER, "--client-id", "a", "--access-token", "t"]
    )
    unknown = runner.invoke(cli, ["lucid", "configure", "nobody", "--access-token", "t"])
    bad_url = runner.invoke(
        cli, ["lucid", "configure", RETAILER, "--access-token", "t", "--base-url", "ftp://x"]
    )
    assert (neither.exit_code, both.exit_code, bad_url.exit_code) == (2, 2, 2)
    assert unknown.exit_code == 1 and "no retailer 'nobody'" in unknown.stderr


def test_configure_keeps_the_secret_out_of_its_output(configured, fast_app):
    result = configured("configure", RETAILER, "--access-token", STATIC_TOKEN)
    assert result.exit_code == 0
    assert "a static access token" in result.stdout
    assert STATIC_TOKEN not in result.output
    with fast_app.app_context(), new_session() as session:
        stored = session.get(LucidConnection, RETAILER)
        assert (stored.client_secret, stored.access_token) == (None, STATIC_TOKEN)
        assert STATIC_TOKEN not in repr(stored)


def test_an_unconfigured_retailer_is_told_what_to_do(fast_app, runner, cli, load):
    load(AUDIT_STORE)
    result = runner.invoke(cli, ["lucid", "caseids", RETAILER, RECEIVING])
    assert result.exit_code == 1
    assert "lucid configure lucid-audit-demo" in result.stderr


def test_sync_json_summary(configured, fast_app):
    result = configured("sync-package-uids", RETAILER, "--date", "2021-03-10", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "retailer_id": RETAILER,
        "export_date": "2021-03-10",
        "packages": 3,
        "cases": 4,
        "lucid_ids": 28,
    }
    assert "still processing" in result.stderr
    assert len(_registry(fast_app)) == 28


def test_sync_of_the_most_recent_export(configured):
    result = configured("sync-package-uids", RETAILER, "--json")
    assert json.loads(result.stdout)["export_date"] is None


@pytest.mark.parametrize(
    ("date", "status", "message"),
    [
        ("2021-03-08", 404, "not available for that day"),
        ("2999-01-01", 400, "in the future"),
        ("2021-03-09", 422, "failed to produce"),
    ],
)
def test_sync_refusals_exit_non_zero_with_their_message(configured, date, status, message):
    result = configured("sync-package-uids", RETAILER, "--date", date)
    assert result.exit_code == 1
    assert message in result.stderr and f"HTTP {status}" in result.stderr


def test_sync_without_the_feature_is_a_428(configured, fake):
    fake.dispensary(fake.seed["clients"][0]["dispensary"])["export_enabled"] = False
    result = configured("sync-package-uids", RETAILER)
    assert result.exit_code == 1
    assert "HTTP 428" in result.stderr and "ask your LucidGreen contact" in result.stderr


def test_sync_gives_up_at_the_deadline(configured, fake):
    fake.seed["export_processing_polls"] = 10**6
    result = configured("sync-package-uids", RETAILER, "--deadline", "0.2")
    assert result.exit_code == 1
    assert "still processing after 0 s (the deadline)" in result.stderr


@pytest.mark.parametrize(
    "fault",
    [
        Fault(truncate=True),
        Fault(status=200, body={"1A4060300002C35000000101": ["not", "cases"]}),
    ],
    ids=["partial download", "malformed file"],
)
def test_a_failed_sync_changes_nothing(configured, fake, fast_app, fault):
    assert configured("sync-package-uids", RETAILER).exit_code == 0
    before = _registry(fast_app)
    fake.imports.clear()  # the next export would be empty, if it were used
    fake.fail_next("/cdn/", fault)
    result = configured("sync-package-uids", RETAILER)
    assert result.exit_code == 1
    assert _registry(fast_app) == before != []


def test_a_sync_replaces_the_registry(configured, fake, fast_app):
    configured("sync-package-uids", RETAILER)
    fake.imports = [row for row in fake.imports if row.package_uid != "1A4060300002C35000000102"]
    result = configured("sync-package-uids", RETAILER, "--json")
    assert json.loads(result.stdout)["lucid_ids"] == 20
    assert {row[0] for row in _registry(fast_app)} == {
        "1A4060300002C35000000101",
        "1A4060300002C35000000200",
    }


def test_caseids_json_is_lucidretails_object_as_received(configured, fake_url):
    result = configured("caseids", RETAILER, RECEIVING, "--json")
    assert result.exit_code == 0
    token = requests.post(
        f"{fake_url}/o/token/",
        data={
            "grant_type": "client_credentials",
            "client_id": "audit-demo-client",
            "client_secret": CLIENT_SECRET,
        },
        timeout=5,
    ).json()["access_token"]
    direct = requests.get(
        f"{fake_url}/api/v1.2/package-uids/{RECEIVING}/caseids/",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    ).json()
    assert json.loads(result.stdout) == direct["case_ids"]


def test_import_and_remove_case(configured, expected):
    case_url = f"https://qr.lcdg.io/case/{expected['case_ids']['receiving-new-1']}"
    args = [
        "--case-uuid",
        case_url,
        "--packaged-product-uuid",
        expected["packaged_products"]["flower"],
        "--pos-product-id",
        "POS-PROD-7",
        "--pos-inventory-id",
        "POS-INV-7",
        "--package-uid",
        RECEIVING,
    ]
    first = configured("import-case", RETAILER, *args, "--sku", "FL-35")
    again = configured("import-case", RETAILER, *args)
    assert (first.exit_code, again.exit_code) == (0, 0)
    assert first.stdout.startswith("Imported CaseID")
    assert "already imported into package" in again.stdout
    removed = configured(
        "remove-case", RETAILER, "--case-uuid", case_url, "--package-uid", RECEIVING
    )
    assert removed.exit_code == 0 and removed.stdout.startswith("Removed CaseID")
    gone = configured("remove-case", RETAILER, "--case-uuid", case_url, "--package-uid", "PKG-001")
    assert gone.exit_code == 1
    assert "POS Package UID not found for package_uid=PKG-001." in gone.stderr


def test_import_case_errors_are_lucidretails_words(configured, expected):
    result = configured(
        "import-case",
        RETAILER,
        "--case-uuid",
        expected["case_ids"]["receiving-stranger"],
        "--packaged-product-uuid",
        expected["packaged_products"]["flower"],
        "--pos-product-id",
        "P",
        "--pos-inventory-id",
        "I",
        "--package-uid",
        RECEIVING,
    )
    assert result.exit_code == 1
    assert "HTTP 400: This case has already been scanned for another dispensary." in result.stderr


@pytest.mark.parametrize(
    ("package", "exit_code"), [(RECEIVING, 0), ("1A4060300002C35000000300", 1)]
)
def test_auto_import_exit_status_says_whether_any_failed(configured, expected, package, exit_code):
    result = configured(
        "auto-import",
        RETAILER,
        package,
        "--packaged-product-uuid",
        expected["packaged_products"]["flower"],
        "--pos-product-id",
        "P",
        "--pos-inventory-id",
        "I",
        "--json",
    )
    assert result.exit_code == exit_code
    report = json.loads(result.stdout)
    assert report["failed"] == exit_code
    assert {case["outcome"] for case in report["cases"]} <= {
        "imported",
        "already imported here",
        "imported elsewhere",
        "failed",
    }


def test_audit_flags_exactly_the_planted_lucid_ids(configured, expected):
    before_sync = configured("audit", RETAILER, *AUDIT_WINDOW, "--json")
    assert (
        before_sync.exit_code == 1 and "registry of lucid-audit-demo is empty" in before_sync.stderr
    )
    assert configured("sync-package-uids", RETAILER).exit_code == 0
    result = configured("audit", RETAILER, *AUDIT_WINDOW, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [f["lucid_id"] for f in report["unknown"]] == expected["unknown"]
    assert [f["lucid_id"] for f in report["sold_more_than_once"]] == expected["sold_more_than_once"]
    double = report["sold_more_than_once"][0]["transactions"]
    assert [t["sale_id"] for t in double] == ["S-2005", "S-2014"]
    assert report["transactions"] == 19  # the voided sale is not reported, so not audited


def test_the_receiving_flow_end_to_end(configured, expected, load):
    configured("sync-package-uids", RETAILER)
    load(RECEIVING_SALE)
    sold_too_early = configured("audit", RETAILER, *RECEIVING_WINDOW)
    assert (
        sold_too_early.exit_code == 1 and "2 LucidIDs not in the registry" in sold_too_early.stdout
    )
    imported = configured(
        "auto-import",
        RETAILER,
        RECEIVING,
        "--packaged-product-uuid",
        expected["packaged_products"]["flower"],
        "--pos-product-id",
        "P",
        "--pos-inventory-id",
        "I",
    )
    assert imported.exit_code == 0
    assert configured("sync-package-uids", RETAILER).exit_code == 0
    clean = configured("audit", RETAILER, *RECEIVING_WINDOW)
    assert clean.exit_code == 0
    assert "Nothing LucidRetail would reject." in clean.stdout


def test_lookup_accepts_every_form_of_a_lucid_id(configured, expected):
    configured("sync-package-uids", RETAILER)
    lucid_id = expected["sold_more_than_once"][0]
    for code in (lucid_id, f"https://qr.lcdg.io/{lucid_id}/?src=label"):
        result = configured("lookup", code)
        assert result.exit_code == 0
        assert "package 1A4060300002C35000000101" in result.stdout
    found = json.loads(configured("lookup", lucid_id, "--json").stdout)
    assert found["known"] is True and found["entries"][0]["retailer_id"] == RETAILER
    unknown = configured("lookup", expected["unknown"][0])
    assert unknown.exit_code == 1 and "is unknown" in unknown.stdout
    a_case = configured("lookup", f"https://qr.lcdg.io/case/{lucid_id}")
    assert a_case.exit_code == 2


def test_secrets_never_reach_output_or_logs(configured, fake, caplog):
    caplog.set_level(logging.DEBUG)
    outputs = [
        configured("sync-package-uids", RETAILER).output,
        configured("caseids", RETAILER, RECEIVING).output,
    ]
    fake.expire_tokens()
    fake.fail_next("/api/v1.2/package-uids/", Fault(status=401), Fault(status=401))
    outputs.append(configured("caseids", RETAILER, RECEIVING).output)
    issued = [token for token, (_, expires) in fake.tokens.items() if expires is not None]
    assert issued
    for secret in [CLIENT_SECRET, *issued]:
        assert secret not in caplog.text
        assert all(secret not in output for output in outputs)
