"""LucidIDs received by webhook are in the registry `lucid audit` and `lucid lookup` read."""

import json
from pathlib import Path

from .conftest import EXPECTED_CASES, OTHER, RETAILER, case_document

AUDIT_WINDOW = ["--start", "2021-03-10", "--end", "2021-03-12"]
PLANTED = json.loads((Path(__file__).parents[1] / "lucid/data/expected-audit.json").read_text())


def audit(runner, cli) -> tuple[int, dict]:
    result = runner.invoke(cli, ["lucid", "audit", RETAILER, *AUDIT_WINDOW, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_the_audit_knows_lucid_ids_received_by_webhook(runner, cli, deliver):
    deliver({"uuid": case_document("single-batch")["uuid"], "items": []})  # loads the store
    _, before = audit(runner, cli)
    reported = [finding["lucid_id"] for finding in before["unknown"]]
    assert set(PLANTED["unknown"]) < set(reported)  # no export synced: all unknown
    received = [lucid_id for lucid_id in reported if lucid_id not in PLANTED["unknown"]]
    assert deliver({"uuid": case_document("multi-batch")["uuid"], "items": received}).status_code \
        == 201
    status, after = audit(runner, cli)
    assert status == 1  # the planted mistakes are still there, and nothing else
    assert sorted(f["lucid_id"] for f in after["unknown"]) == sorted(PLANTED["unknown"])
    assert [f["lucid_id"] for f in after["sold_more_than_once"]] == PLANTED["sold_more_than_once"]


def test_another_retailers_cases_do_not_count_for_the_audit(runner, cli, deliver):
    deliver({"uuid": case_document("single-batch")["uuid"], "items": []})
    _, before = audit(runner, cli)
    everything = [finding["lucid_id"] for finding in before["unknown"]]
    deliver({"uuid": case_document("multi-batch")["uuid"], "items": everything}, retailer=OTHER)
    _, after = audit(runner, cli)
    assert after["unknown"] == before["unknown"]


def test_lookup_shows_the_case_metrc_id_product_and_batch(runner, cli, deliver):
    deliver("multi-batch")
    lucid_id, where = next(iter(EXPECTED_CASES["multi-batch"]["items"].items()))
    result = runner.invoke(cli, ["lucid", "lookup", f"https://qr.lcdg.io/{lucid_id}"])
    assert result.exit_code == 0, result.output
    line = result.stdout
    assert f"case {where['case']} (CASE-MULTI)" in line
    assert f"METRC id {where['metrc_id']}" in line
    assert "product Sunny Flower 3.5g (" in line and "batch Batch A-2021-03 (" in line
    found = json.loads(runner.invoke(cli, ["lucid", "lookup", lucid_id, "--json"]).stdout)
    (entry,) = found["entries"]
    assert found["known"] is True and entry["source"] == "webhook"
    assert (entry["retailer_id"], entry["metrc_id"]) == (RETAILER, where["metrc_id"])
    elsewhere = runner.invoke(cli, ["lucid", "lookup", lucid_id, "--retailer", OTHER])
    assert elsewhere.exit_code == 1 and "is unknown" in elsewhere.stdout


def test_lookup_names_the_sub_case_and_the_delivered_case(runner, cli, deliver):
    deliver("sub-cases")
    expected = EXPECTED_CASES["sub-cases"]
    inner = next(lid for lid, w in expected["items"].items() if w["case"] != expected["uuid"])
    result = runner.invoke(cli, ["lucid", "lookup", inner])
    assert f"in case {expected['uuid']}" in result.stdout
