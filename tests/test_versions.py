"""Record versions: a re-sent old record never undoes a newer one, and a void is final.

The rule is `versions.outcome` (a table here); the rest checks it where records arrive —
pushes and store loads — on SQLite and PostgreSQL, with the counts they answer.
"""

import json
from datetime import datetime

import pytest

from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.models import Sale
from pos_transactions.versions import Outcome, outcome

from conftest import read_json

RULES = read_json("version-rules.json")


def _moment(text):
    return None if text is None else datetime.fromisoformat(text)


@pytest.mark.parametrize("rule", RULES, ids=[rule["why"] for rule in RULES])
def test_which_version_wins(rule):
    (stored_status, stored_at), (status, at) = rule["stored"], rule["incoming"]
    decided = outcome(stored_status, _moment(stored_at), rule["same"], status, _moment(at))
    assert decided is Outcome(rule["outcome"])


def sale(modified_at=None, status="completed", **changes) -> dict:
    """S-1 of push-sales.json, at a version."""
    record = read_json("push-sales.json")[0] | {"status": status, **changes}
    if modified_at is not None:
        record["modified_at"] = modified_at
    return record


def counts(created=0, updated=0, unchanged=0, stale=0) -> dict:
    return {"created": created, "updated": updated, "unchanged": unchanged, "stale": stale}


def stored(app, native_id="S-1") -> Sale:
    with app.app_context(), new_session() as session:
        return session.query(Sale).filter_by(native_id=native_id).one()


def test_an_older_version_is_skipped_and_counted_stale(app, push):
    assert push([sale("2021-03-11T13:00:00Z", "voided")]).json == counts(created=1)
    older = push([sale("2021-03-11T12:30:00Z", "completed")])
    assert older.status_code == 201 and older.json == counts(stale=1)
    assert push.feed() == [] and stored(app).status == "voided"


def test_a_newer_version_replaces_the_stored_one(push):
    push([sale("2021-03-11T12:00:00Z", lines=[{"sku": "X", "quantity": 1}])])
    newer = push([sale("2021-03-11T12:05:00-00:00")])
    assert newer.json == counts(updated=1)
    assert [t["items"] for t in push.feed()] == [["Kz4tXgS7aCZQbYYH86PGVi"]]


def test_a_void_is_final_whatever_the_later_records_modified_at(app, push):
    push([sale("2021-03-11T12:00:00Z", "voided")])
    resurrecting = push(
        [sale("2021-03-12T09:00:00Z", "completed"), sale(None, "open") | {"id": "S-9"}]
    )
    assert resurrecting.json == counts(created=1, stale=1)
    assert push.feed() == [] and stored(app).status == "voided"


def test_an_equal_version_with_other_content_is_invalid_and_nothing_is_written(app, push):
    push([sale("2021-03-11T12:00:00Z")])
    clash = push(
        [
            sale("2021-03-11T12:00:00Z", lines=[{"sku": "X", "quantity": 2}]),
            sale(None) | {"id": "S-2"},
        ]
    )
    assert clash.status_code == 400
    assert clash.json["invalid_records"] == [
        {"record": "S-1", "reason": clash.json["invalid_records"][0]["reason"]}
    ]
    assert "two versions of one moment" in clash.json["invalid_records"][0]["reason"]
    assert "nothing was written" in clash.json["error"]
    with app.app_context(), new_session() as session:
        assert [row.native_id for row in session.query(Sale)] == ["S-1"]  # S-2 not written


def test_an_equal_version_with_the_same_content_is_unchanged(push):
    push([sale("2021-03-11T12:00:00Z")])
    assert push([sale("2021-03-11T12:00:00Z")]).json == counts(unchanged=1)


def test_an_unchanged_record_still_moves_the_stored_version_forward(app, push):
    push([sale("2021-03-11T12:00:00Z")])
    assert push([sale("2021-03-11T14:00:00Z")]).json == counts(unchanged=1)
    assert stored(app).modified_at == datetime(2021, 3, 11, 14)
    between = push([sale("2021-03-11T13:00:00Z", "voided")])  # older than what was vouched
    assert between.json == counts(stale=1)


def test_records_without_modified_at_keep_arrival_order(push):
    push([sale()])
    assert push([sale(status="voided")]).json == counts(updated=1)
    assert push.feed() == []


def test_reloading_a_store_after_a_pushed_void_does_not_bring_the_sale_back(
    app, runner, cli, tmp_path, token_headers
):
    """The issue's report: load a store, push a later void of one of its sales, load the
    same store again: the sale stayed out of the feed, and the load said so."""
    path = tmp_path / "store.json"
    path.write_text(json.dumps(read_json("rules.json") | {"sales": read_json("push-sales.json")}))
    assert runner.invoke(cli, ["load-fixture", str(path)]).exit_code == 0
    retailer = read_json("rules.json")["retailer"]["id"]
    void = sale(status="voided")
    pushed = app.test_client().post(
        "/api/v1/sales/", json=[void], headers=token_headers(retailer, Scope.INGEST)
    )
    assert pushed.json == counts(updated=1)
    again = runner.invoke(cli, ["load-fixture", str(path)])
    assert again.exit_code == 0
    assert f"{retailer}: 0 created, 0 updated, 3 unchanged, 1 stale" in again.stdout
    assert stored(app).status == "voided"


def test_a_conflicting_record_in_a_store_aborts_the_load(app, runner, cli, tmp_path):
    path = tmp_path / "store.json"
    store = read_json("rules.json") | {"sales": [sale("2021-03-11T12:00:00Z")]}
    path.write_text(json.dumps(store))
    runner.invoke(cli, ["load-fixture", str(path)])
    store["sales"] = [sale("2021-03-11T12:00:00Z", "voided"), sale(None) | {"id": "S-2"}]
    path.write_text(json.dumps(store))
    result = runner.invoke(cli, ["load-fixture", str(path)])
    assert result.exit_code == 1
    assert "S-1: modified_at 2021-03-11T12:00:00Z is the stored version's" in result.stderr
    assert stored(app).status == "completed"
    with app.app_context(), new_session() as session:
        assert session.query(Sale).count() == 1


@pytest.mark.parametrize(
    ("modified_at", "reason"),
    [
        ("1999-12-31T23:59:59Z", "modified_at:"),
        ("yesterday", "modified_at 'yesterday' is not an ISO-8601 date-time"),
        (12, "modified_at: Not a date-time"),
    ],
)
def test_modified_at_is_an_aware_plausible_time(push, modified_at, reason):
    refused = push([sale(modified_at)])
    assert refused.status_code == 400
    assert refused.json["invalid_records"][0]["reason"].startswith(reason)
