"""``POST /api/v1/cases/``: stored and answered 201, refused naming every problem with
the raw document kept, idempotent, replaced by a newer delivery, per retailer."""

import json

import pytest
import sqlalchemy as sa

from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.webhook.cases import recent_cases
from pos_transactions.webhook.models import (
    CaseDelivery,
    CatalogRow,
    ReceivedCaseRow,
    ReceivedItemRow,
)
from pos_transactions.webhook.storage import KEEP_DELIVERIES

from .conftest import EXPECTED_CASES as EXPECTED
from .conftest import OTHER, RETAILER, WEBHOOK, case_document


def rows(app, model, *columns, retailer: str = RETAILER) -> list[tuple]:
    with app.app_context(), new_session() as session:
        query = sa.select(*(getattr(model, c) for c in columns)).where(
            model.retailer_id == retailer
        )
        return sorted(tuple(row) for row in session.execute(query))


def items(app, retailer: str = RETAILER) -> dict[str, tuple]:
    found = rows(app, ReceivedItemRow, "lucid_id", "case_uuid", "metrc_id", retailer=retailer)
    return {lucid_id: (case, metrc) for lucid_id, case, metrc in found}


@pytest.mark.parametrize("name", ["single-batch", "multi-batch", "sub-cases", "removed-items"])
def test_a_case_is_stored_and_answered_201(app, deliver, name):
    answer = deliver(name)
    expected = EXPECTED[name]
    assert answer.status_code == 201, answer.json
    assert answer.json["uuid"] == expected["uuid"]
    assert answer.json["lucid_ids"] == list(expected["items"])
    assert answer.json["lucid_ids_count"] == len(expected["items"])
    assert answer.json["regulator_ids"] == expected["regulator_ids"]
    assert answer.json["sub_cases"] == expected["sub_cases"]
    assert items(app) == {k: (v["case"], v["metrc_id"]) for k, v in expected["items"].items()}
    stored_cases = rows(app, ReceivedCaseRow, "case_uuid")
    assert stored_cases == sorted((uuid,) for uuid in [expected["uuid"], *expected["sub_cases"]])


def test_the_catalog_is_stored_by_uuid_and_the_newest_delivery_wins(app, deliver):
    deliver("multi-batch")
    catalog = rows(app, CatalogRow, "kind", "name")
    assert catalog == sorted([("brand", "Sunny Farms"), ("product", "Sunny Flower 3.5g"),
                              ("product", "Sunny Pre-roll 1g"), ("batch", "Batch A-2021-03"),
                              ("batch", "Batch B-2021-03")])
    renamed = case_document("single-batch")
    renamed["brands"][0] = renamed["brands"][0] | {"name": "Sunny Farms Co.", "logo": "x.png"}
    assert deliver(renamed).status_code == 201
    brand = rows(app, CatalogRow, "name", "details")
    brands = [(name, json.loads(details)) for name, details in brand if name.startswith("Sunny F")]
    assert ("Sunny Farms Co.", renamed["brands"][0]) in brands
    assert len(rows(app, CatalogRow, "uuid")) == 5  # updated, not added


def test_a_malformed_case_is_a_400_naming_every_problem_and_is_kept(app, deliver):
    body = json.dumps(case_document("malformed")).encode()
    answer = deliver(body)
    assert answer.status_code == 400
    problems = {key: value for key, value in answer.json.items() if key not in ("error", "status")}
    assert sorted(problems) == EXPECTED["malformed"]["problems"]
    assert all(isinstance(messages, list) and messages for messages in problems.values())
    assert answer.json["status"] == 400 and "4 problem(s)" in answer.json["error"]
    assert rows(app, ReceivedItemRow, "lucid_id") == []  # nothing stored
    (kept,) = rows(app, CaseDelivery, "status", "body", "problems")
    assert kept[:2] == (400, body) and sorted(json.loads(kept[2])) == sorted(problems)


@pytest.mark.parametrize(
    ("body", "phrase"),
    [(b"{", "not valid JSON"), (b"\xff", "not UTF-8"), (b"[" * 40 + b"]" * 40, "deeper")],
)
def test_an_unreadable_body_is_a_400_and_is_kept(app, deliver, body, phrase):
    answer = deliver(body)
    assert answer.status_code == 400 and phrase in answer.json["non_field_errors"][0]
    assert rows(app, CaseDelivery, "status", "body") == [(400, body)]


def test_a_redelivery_is_harmless(app, deliver):
    first = deliver("sub-cases")
    before = (items(app), rows(app, ReceivedCaseRow, "case_uuid", "lucid_ids", "metrc_ids"))
    again = deliver("sub-cases")
    assert again.status_code == 201 and first.json["first_delivery"] is True
    assert again.json | {"first_delivery": True} == first.json
    assert again.json["first_delivery"] is False
    assert (items(app), rows(app, ReceivedCaseRow, "case_uuid", "lucid_ids", "metrc_ids")) \
        == before
    assert [status for (status,) in rows(app, CaseDelivery, "status")] == [201, 201]


def test_a_newer_delivery_replaces_the_cases_items_and_sub_cases(app, deliver):
    document = case_document("sub-cases")
    deliver(document)
    dropped = document["cases"].pop()  # inner-b left the case
    document["items"] = document["items"][:1]
    document["regulator_ids"][0] = document["regulator_ids"][0] | {"identifier": "M-RETAG"}
    answer = deliver(document)
    assert answer.status_code == 201 and answer.json["regulator_ids"] == ["M-RETAG"]
    assert set(items(app)) == set(answer.json["lucid_ids"])
    assert {metrc for _case, metrc in items(app).values()} == {"M-RETAG"}
    assert (dropped["uuid"],) not in rows(app, ReceivedCaseRow, "case_uuid")
    assert len(answer.json["lucid_ids"]) == 3  # the loose item and inner-a's two


def test_a_lucid_id_moved_to_another_case_follows_it(app, deliver):
    first = case_document("single-batch")
    deliver(first)
    moved = {"uuid": case_document("removed-items")["uuid"], "items": [first["items"][1]]}
    deliver(moved)
    assert items(app)[first["items"][1]] == (moved["uuid"], None)
    assert len(items(app)) == 4  # one row per LucidID


def test_tenancy_one_retailers_cases_are_its_own(app, deliver):
    deliver("single-batch")
    mine = items(app)
    theirs = case_document("single-batch")
    theirs["regulator_ids"][0]["identifier"] = "THEIRS"
    theirs["items"] = theirs["items"][:1]
    assert deliver(theirs, retailer=OTHER).status_code == 201
    assert items(app) == mine  # untouched by the other retailer's delivery of the same case
    assert {metrc for _c, metrc in items(app, OTHER).values()} == {"THEIRS"}
    with app.app_context(), new_session() as session:
        assert [case.lucid_ids for case in recent_cases(session, RETAILER)] == [4]
        assert [case.regulator_ids for case in recent_cases(session, OTHER)] == [("THEIRS",)]


@pytest.mark.parametrize("scope", [Scope.FEED, Scope.INGEST])
@pytest.mark.parametrize("path", [WEBHOOK, WEBHOOK.rstrip("/")])
def test_feed_and_ingest_credentials_may_deliver_with_or_without_the_slash(deliver, scope, path):
    assert deliver("single-batch", scope=scope, path=path).status_code == 201


def test_without_credentials_nothing_is_stored_or_kept(app, client, deliver):
    answer = client.post(WEBHOOK, json=case_document("single-batch"))
    assert answer.status_code == 401 and "Token" in answer.headers["WWW-Authenticate"]
    wrong = client.post(WEBHOOK, json={}, headers={"Authorization": "Token nope"})
    assert wrong.status_code == 401
    assert rows(app, CaseDelivery, "id") == [] and rows(app, ReceivedItemRow, "id") == []


def test_recent_cases_lists_delivered_cases_newest_first(app, deliver):
    for name in ("single-batch", "sub-cases", "single-batch"):
        deliver(name)
    with app.app_context(), new_session() as session:
        listed = recent_cases(session, RETAILER, limit=5)
        assert [case.case_uuid for case in listed] == [
            EXPECTED["single-batch"]["uuid"], EXPECTED["sub-cases"]["uuid"]
        ]  # sub-cases are part of their case, not listed
        assert listed[1].lucid_ids == 5 and listed[1].regulator_ids == ("1A4060300002C35000000530",)
        assert len(recent_cases(session, RETAILER, limit=1)) == 1


def test_only_the_newest_deliveries_are_kept(app, deliver, monkeypatch):
    monkeypatch.setattr("pos_transactions.webhook.storage.KEEP_DELIVERIES", 2)
    for body in (b"1", b"2", b"3"):
        deliver(body)
    assert [body for (_id, body) in rows(app, CaseDelivery, "id", "body")] == [b"2", b"3"]
    assert KEEP_DELIVERIES == 1000
