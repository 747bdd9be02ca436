"""Push ingest: POST /api/v1/sales/ is idempotent, atomic, bounded and scoped."""

import json

import pytest

from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.models import Retailer, Sale
from pos_transactions.stores import push_adapter

from conftest import read_json

FEED = "/api/v1/transactions/?start_date=2021-03-01&end_date=2021-04-01"


@pytest.fixture
def push(client, load, tmp_path, token_headers):
    """A push-only retailer (set up by a store with no sales) and a function that pushes."""
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(read_json("rules.json") | {"sales": []}))
    retailer = load(path)
    ingest = token_headers(retailer, Scope.INGEST)

    def send(body, query: str = "", content_type: str | None = "application/json", **kwargs):
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        return client.post(
            "/api/v1/sales/" + query,
            data=body,
            content_type=content_type,
            headers=ingest,
            **kwargs,
        )

    send.feed = lambda: client.get(FEED, headers=token_headers(retailer)).json
    return send


def stored_sales(app) -> int:
    with app.app_context(), new_session() as session:
        return session.query(Sale).count()


def test_a_push_creates_sales_and_answers_a_summary(push):
    response = push(read_json("push-sales.json"))
    assert response.status_code == 201
    assert response.json == {"created": 4, "updated": 0, "unchanged": 0, "stale": 0}
    assert len(push.feed()) == 2  # S-1, S-2; S-3 is voided, S-4 has no LucidID


def test_pushing_again_is_harmless(push):
    push(read_json("push-sales.json"))
    again = push(read_json("push-sales.json"))
    assert again.json == {"created": 0, "updated": 0, "unchanged": 4, "stale": 0}
    assert len(push.feed()) == 2


def test_a_changed_sale_replaces_its_earlier_version(push):
    sales = read_json("push-sales.json")
    push(sales)
    before = push.feed()
    sales[0]["status"] = "voided"  # a later void
    response = push(sales)
    assert response.json == {"created": 0, "updated": 1, "unchanged": 3, "stale": 0}
    voided_items = ["Kz4tXgS7aCZQbYYH86PGVi"]
    assert push.feed() == [sale for sale in before if sale["items"] != voided_items]
    assert len(before) == 2


def test_one_invalid_record_writes_nothing_and_all_are_named(app, push):
    response = push(read_json("push-invalid.json"))
    assert response.status_code == 400
    named = {problem["record"]: problem["reason"] for problem in response.json["invalid_records"]}
    assert sorted(named) == ["S-2", "S-3", "record #2"]
    assert "status" in named["S-2"] and "CaseID" in named["S-3"] and "id" in named["record #2"]
    assert stored_sales(app) == 0


@pytest.mark.parametrize("body", ["{}", '{"sales": []}', "not json", '"S-1"'])
def test_the_body_must_be_a_json_array(push, body):
    response = push(body)
    assert response.status_code == 400 and "JSON array" in response.json["error"]


def test_too_many_records_is_a_413(app, push):
    app.config["MAX_PUSH_RECORDS"] = 3
    response = push(read_json("push-sales.json"))
    assert response.status_code == 413 and "at most 3 records" in response.json["error"]
    assert stored_sales(app) == 0


def test_too_large_a_body_is_a_413(app, push):
    app.config["MAX_CONTENT_LENGTH"] = 200
    response = push(read_json("push-sales.json"))
    assert response.status_code == 413 and response.is_json
    assert stored_sales(app) == 0


def test_an_unknown_adapter_is_a_400_listing_the_known(push):
    response = push(read_json("push-sales.json"), query="?adapter=nope")
    assert response.status_code == 400
    assert (
        "unknown adapter 'nope'" in response.json["error"] and "generic" in response.json["error"]
    )


def test_adapter_can_be_chosen_per_request(push):
    response = push(read_json("push-sales.json"), query="?adapter=generic")
    assert response.status_code == 201 and response.json["created"] == 4


def test_the_feed_credential_cannot_push(client, push, token_headers):
    response = client.post(
        "/api/v1/sales/", json=read_json("push-sales.json"), headers=token_headers("rules-store")
    )
    assert response.status_code == 403


@pytest.fixture
def square_store(load, tmp_path, token_headers):
    """A push retailer whose store reads Square orders with a Square-only option."""
    path = tmp_path / "square.json"
    store = read_json("rules.json") | {
        "adapter": "square",
        "adapter_options": {"employee_metadata_key": "team_member_id"},
        "sales": [],
    }
    path.write_text(json.dumps(store))
    return token_headers(load(path), Scope.INGEST)


def test_another_adapter_named_by_the_push_gets_its_own_defaults(client, square_store):
    response = client.post(
        "/api/v1/sales/?adapter=generic", json=read_json("push-sales.json"), headers=square_store
    )
    assert response.status_code == 201, response.json
    assert response.json["created"] == 4


@pytest.mark.parametrize(
    ("requested", "options"),
    [
        (None, {"employee_metadata_key": "team_member_id"}),  # the store's adapter
        ("square", {"employee_metadata_key": "team_member_id"}),  # named: the same one
        ("generic", {}),  # another adapter: its own defaults
    ],
)
def test_the_store_options_go_only_to_the_store_adapter(requested, options):
    retailer = Retailer(
        id="r",
        timezone="UTC",
        adapter="square",
        adapter_options={"employee_metadata_key": "team_member_id"},
    )
    adapter = push_adapter(retailer, requested)
    assert adapter.name == (requested or "square")
    assert adapter.options == {**adapter.option_defaults, **options}


@pytest.mark.parametrize(
    "content_type", [None, "application/x-www-form-urlencoded", "text/plain; charset=utf-8"]
)
def test_a_json_array_is_read_whatever_the_content_type(push, content_type):
    response = push(read_json("push-sales.json"), content_type=content_type)
    assert response.status_code == 201 and response.json["created"] == 4


@pytest.mark.parametrize(
    ("content_type", "named"),
    [
        (None, "it was sent without a Content-Type; send JSON as application/json"),
        (
            "application/x-www-form-urlencoded",
            "it was sent as 'application/x-www-form-urlencoded'; send JSON as application/json",
        ),
        ("application/json", None),
    ],
)
def test_an_unreadable_body_names_a_content_type_that_is_not_json(push, content_type, named):
    response = push("sales=S-1", content_type=content_type)
    assert response.status_code == 400
    assert response.json["error"].startswith("the body must be a JSON array")
    if named:
        assert response.json["error"].endswith(f" ({named})")
    else:
        assert "Content-Type" not in response.json["error"] and "sent" not in response.json["error"]
