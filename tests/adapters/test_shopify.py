"""The `shopify` adapter: its small reading rules, the adapter kit, and its fixture store served."""

from decimal import Decimal
from pathlib import Path

import pytest

from adapters.shopify import (
    ShopifyAdapter,
    customer_id,
    lucid_ids,
    parse_quantity,
    shopify_id,
)
from pos_transactions.adapter import InvalidOptions, RecordError, aware_timestamp
from pos_transactions.canonical import SaleStatus, format_utc
from pos_transactions.db import new_session
from pos_transactions.pseudonym import pseudonym
from pos_transactions.sales import pseudonym_key
from pos_transactions.stores import make_adapter
from pos_transactions.testing import AdapterContract, Expected, malformed_from_file

DATA = Path(__file__).parent / "data"
FIXTURE = Path(__file__).parents[2] / "fixtures" / "shopify-prairie-leaf-chicago.json"
RETAILER = "prairie-leaf-chicago"
WHOLE_YEAR = "/api/v1/transactions/?start_date=2026-01-01&end_date=2026-12-31"
LUCID_ID = "K5t8hBJzP9Ds3jiUmiLjcf"
OTHER_LUCID_ID = "7Epa7yzeGoKbeXRJEo3R8M"


def order(**fields) -> dict:
    """A small paid order in Shopify's REST shape, with `fields` replacing its own."""
    return {
        "id": 450789469,
        "name": "#1001",
        "processed_at": "2026-03-06T14:05:00-06:00",
        "cancelled_at": None,
        "financial_status": "paid",
        "line_items": [
            {
                "id": 466157049,
                "sku": "NL-35",
                "quantity": 1,
                "properties": [{"name": "LucidID", "value": LUCID_ID}],
            }
        ],
    } | fields


def parse(record: dict, **options):
    return make_adapter("shopify", "America/Chicago", options).parse(record)


# -- small rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"), [(5630412046512, "5630412046512"), (7, "7"), ("1001", "1001")]
)
def test_shopify_ids_become_text(value, text):
    assert shopify_id(value, "id") == text


@pytest.mark.parametrize("value", [True, 1.5, None, "", ["7"]])
def test_a_value_that_is_not_an_id_is_refused(value):
    with pytest.raises(RecordError, match="must be an integer id"):
        shopify_id(value, "id")


@pytest.mark.parametrize(
    ("customer", "found"),
    [(None, None), ({"id": 207119551, "email": "bob@example.com"}, "207119551"), ({}, None)],
)
def test_the_customer_is_optional(customer, found):
    assert customer_id(customer) == found


def test_a_customer_that_is_not_an_object_is_refused():
    with pytest.raises(RecordError, match="customer must be an object"):
        customer_id(207119551)


@pytest.mark.parametrize(
    ("value", "quantity"),
    [(1, Decimal(1)), (12, Decimal(12)), ("2", Decimal(2)), ("1.5", Decimal("1.5"))],
)
def test_quantities_are_integers_or_exact_decimal_text(value, quantity):
    assert parse_quantity(value) == quantity


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1.0, "must be an integer"),
        (True, "must be an integer"),
        (None, "must be an integer"),
        ("one", "not a number"),
    ],
)
def test_a_quantity_that_is_not_an_integer_is_refused(value, reason):
    with pytest.raises(RecordError, match=reason):
        parse_quantity(value)


@pytest.mark.parametrize(
    ("properties", "found"),
    [
        (None, []),
        ([], []),
        ([{"name": "LucidID", "value": LUCID_ID}], [LUCID_ID]),
        ([{"name": " lucidid ", "value": LUCID_ID}], [LUCID_ID]),
        (
            [{"name": "LucidID", "value": f"{LUCID_ID}, {OTHER_LUCID_ID}"}],
            [LUCID_ID, OTHER_LUCID_ID],
        ),
        (
            [{"name": "LucidID", "value": LUCID_ID}, {"name": "LucidID", "value": OTHER_LUCID_ID}],
            [LUCID_ID, OTHER_LUCID_ID],
        ),
        ([{"name": "Gift note", "value": "Happy birthday"}, {"name": "LucidID", "value": ""}], []),
    ],
)
def test_lucid_ids_are_the_values_of_the_named_property(properties, found):
    assert lucid_ids(properties, "LucidID") == found


@pytest.mark.parametrize(
    ("properties", "reason"),
    [
        ({"LucidID": LUCID_ID}, "properties must be an array"),
        (["LucidID"], "must be an object with a name"),
        ([{"value": LUCID_ID}], "must be an object with a name"),
        ([{"name": "LucidID", "value": 5}], "value must be a string"),
    ],
)
def test_unreadable_properties_are_refused(properties, reason):
    with pytest.raises(RecordError, match=reason):
        lucid_ids(properties, "LucidID")


def test_the_property_name_is_an_option():
    item = {
        "quantity": 1,
        "properties": [
            {"name": "LucidID", "value": LUCID_ID},
            {"name": "_lucid", "value": OTHER_LUCID_ID},
        ],
    }
    assert parse(order(line_items=[item]), lucid_id_property="_lucid").lucid_ids == [OTHER_LUCID_ID]


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2026-03-06T14:05:00-06:00", "2026-03-06T20:05:00Z"),
        ("2026-03-09T11:15:45-05:00", "2026-03-09T16:15:45Z"),
        ("2026-03-09T16:15:45Z", "2026-03-09T16:15:45Z"),
    ],
)
def test_timestamps_keep_their_offset(value, utc):
    assert format_utc(aware_timestamp(value, "processed_at")) == utc


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-03-06T14:05:00", "has no UTC offset"),
        ("March 6th", "is not an ISO 8601 timestamp"),
        (1772827500, "must be an ISO 8601 timestamp string"),
    ],
)
def test_an_unreadable_timestamp_is_refused(value, reason):
    with pytest.raises(RecordError, match=reason):
        aware_timestamp(value, "processed_at")


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({}, SaleStatus.COMPLETED),
        ({"financial_status": "refunded", "closed_at": None}, SaleStatus.COMPLETED),
        ({"fulfillment_status": None, "financial_status": "pending"}, SaleStatus.COMPLETED),
        (
            {"cancelled_at": "2026-03-06T15:00:00-06:00", "cancel_reason": "customer"},
            SaleStatus.VOIDED,
        ),
    ],
)
def test_an_order_is_voided_only_by_cancelled_at(fields, status):
    assert parse(order(**fields)).status is status


def test_a_garbage_cancelled_at_is_refused_rather_than_read_as_a_void():
    with pytest.raises(RecordError, match="cancelled_at 'soon' is not an ISO 8601"):
        parse(order(cancelled_at="soon"))


def test_staff_and_customer_are_optional_and_become_text():
    walk_in = parse(order())
    assert (walk_in.customer_id, walk_in.employee_id) == (None, None)
    known = parse(order(customer={"id": 207119551}, user_id=81234567))
    assert (known.customer_id, known.employee_id) == ("207119551", "81234567")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"line_items": None}, "line_items must be an array"),
        ({"line_items": [7]}, r"line_items\[0\] must be an object"),
        ({"line_items": [{"sku": "NL-35"}]}, r"line_items\[0\].quantity is missing"),
        ({"line_items": [{"sku": 35, "quantity": 1}]}, r"line_items\[0\].sku must be a string"),
        ({"user_id": "  "}, "user_id must be an integer id"),
    ],
)
def test_a_line_or_field_of_the_wrong_shape_is_refused(fields, reason):
    with pytest.raises(RecordError, match=reason):
        parse(order(**fields))


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"property": "LucidID"}, "unknown adapter option"),
        ({"lucid_id_property": " "}, "a property name"),
    ],
)
def test_wrong_adapter_options_are_refused(options, reason):
    with pytest.raises(InvalidOptions, match=reason):
        make_adapter("shopify", "America/Chicago", options)


# -- the adapter kit -----------------------------------------------------------------------


class TestShopifyAdapter(AdapterContract):
    adapter = ShopifyAdapter
    sample_store = FIXTURE
    expected = {
        "5630412046512": Expected(
            status="completed",
            completed_at="2026-03-06T20:05:00Z",
            lucid_ids=[
                "oE2qwLQu6juTtBsstuChWb",
                "bnFEh8C96xQ2Jne6qHjbmt",
                "ck7hFwQE6rkVUQeBvFcqRc",
                "ZxZGjGVW3pab9828vtQfiE",
            ],
            quantities=["2", "1", "1"],
            total_items_count=5,
            has_customer=True,
            has_employee=True,
        ),
        "5630412079280": Expected(
            status="voided",
            completed_at="2026-03-06T21:30:12Z",
            has_customer=False,
            has_employee=False,
        ),
        "5630412112048": Expected(
            status="completed",
            completed_at="2026-03-09T16:15:45Z",
            lucid_ids=["3pkjTSCMEVd3SqoRDzco4e"],
            total_items_count=1,
            has_customer=False,
            has_employee=False,
        ),
    }
    malformed = malformed_from_file(DATA / "shopify-malformed.json")


# -- the fixture store, served -------------------------------------------------------------


def test_the_fixture_store_is_served_by_the_feed(app, client, load, token_headers):
    retailer_id = load(FIXTURE)
    response = client.get(WHOLE_YEAR, headers=token_headers(retailer_id))
    assert response.status_code == 201
    feed = response.get_json()
    assert len(feed) == 18
    assert [item["transacted_on"] for item in feed] == sorted(
        item["transacted_on"] for item in feed
    )
    with app.app_context(), new_session() as session:
        key = pseudonym_key(session)
    by_id = {item["transaction_id"]: item for item in feed}
    first = by_id[pseudonym(key, RETAILER, "sale", "5630412046512")]
    assert first["transacted_on"] == "2026-03-06T20:05:00Z"
    assert first["items"] == TestShopifyAdapter.expected["5630412046512"].lucid_ids
    assert first["total_items_count"] == 5
    assert first["consumer_id"] == pseudonym(key, RETAILER, "customer", "7012345678901")
    assert first["budtender_id"] == pseudonym(key, RETAILER, "employee", "81234567")
    walk_in = by_id[pseudonym(key, RETAILER, "sale", "5630412112048")]
    assert (walk_in["transacted_on"], walk_in["items"]) == (
        "2026-03-09T16:15:45Z",
        ["3pkjTSCMEVd3SqoRDzco4e"],
    )
    assert (walk_in["consumer_id"], walk_in["budtender_id"]) == (None, None)
    assert pseudonym(key, RETAILER, "sale", "5630412079280") not in by_id
