"""The `square` adapter: its small reading rules, the adapter kit, and its fixture store served."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.square import (
    SquareAdapter,
    employee_id,
    lucid_ids_in_note,
    order_status,
    order_time,
    parse_quantity,
    split_comma_separated,
)
from pos_transactions.adapter import InvalidOptions, RecordError
from pos_transactions.canonical import SaleStatus
from pos_transactions.db import new_session
from pos_transactions.pseudonym import pseudonym
from pos_transactions.sales import pseudonym_key
from pos_transactions.stores import make_adapter
from pos_transactions.testing import AdapterContract, Expected, malformed_from_file

DATA = Path(__file__).parent / "data"
FIXTURE = Path(__file__).parents[2] / "fixtures" / "square-hudson-valley-cannabis.json"
RETAILER = "hudson-valley-cannabis"
WHOLE_YEAR = "/api/v1/transactions/?start_date=2026-01-01&end_date=2026-12-31"
LUCID_ID = "K5t8hBJzP9Ds3jiUmiLjcf"
OTHER_LUCID_ID = "7Epa7yzeGoKbeXRJEo3R8M"


def order(**fields) -> dict:
    """A small COMPLETED order in Square's shape, with `fields` replacing its own."""
    return {
        "id": "CAISENgvlJ6jLWAzERDzjyHVybY",
        "location_id": "D7AVYMEAPJ3A3",
        "state": "COMPLETED",
        "closed_at": "2026-04-02T18:25:31.512Z",
        "line_items": [{"uid": "ULkg0tQTRK2bkU9fNv3IJD", "name": "Item 1", "quantity": "1"}],
    } | fields


def parse(record: dict, **options):
    return make_adapter("square", "America/New_York", options).parse(record)


# -- small rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "status"),
    [("COMPLETED", "completed"), ("CANCELED", "voided"), ("OPEN", "open"), ("DRAFT", "open")],
)
def test_order_states_become_canonical_statuses(state, status):
    assert order_status(state) == status


@pytest.mark.parametrize("state", ["completed", "CANCELLED", "PAID", None, 1, ["OPEN"]])
def test_an_unknown_state_is_refused(state):
    with pytest.raises(RecordError, match="is not one of"):
        order_status(state)


@pytest.mark.parametrize(
    ("record", "status", "moment"),
    [
        (order(), "completed", datetime(2026, 4, 2, 18, 25, 31, 512000, tzinfo=UTC)),
        (
            order(closed_at="2026-04-02T14:25:31-04:00"),
            "completed",
            datetime(2026, 4, 2, 18, 25, 31, tzinfo=UTC),
        ),
        (order(state="OPEN", closed_at=None), "open", None),
        (order(state="DRAFT", closed_at="2026-04-02T18:25:31Z"), "open", None),
        (
            order(state="CANCELED", closed_at=None, updated_at="2026-04-03T09:00:00Z"),
            "voided",
            datetime(2026, 4, 3, 9, tzinfo=UTC),
        ),
    ],
)
def test_the_sale_time_is_closed_at(record, status, moment):
    assert order_time(record, status) == moment


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (order(closed_at=None), "needs closed_at"),
        (order(state="CANCELED", closed_at=None), "needs closed_at"),
        (order(closed_at="2026-04-02T18:25:31"), "has no UTC offset"),
        (order(closed_at="2026-04-02 at noon"), "is not an RFC 3339 timestamp"),
        (order(closed_at=1775154331), "must be an RFC 3339 timestamp string"),
    ],
)
def test_a_missing_or_unreadable_closed_at_is_refused(record, reason):
    with pytest.raises(RecordError, match=reason):
        order_time(record, order_status(record["state"]))


@pytest.mark.parametrize(
    ("text", "quantity"),
    [("1", Decimal("1")), ("2.5", Decimal("2.5")), ("0.00125", Decimal("0.00125"))],
)
def test_quantities_are_decimal_strings(text, quantity):
    assert parse_quantity(text) == quantity


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (2, "must be a decimal string"),
        (2.5, "must be a decimal string"),
        ("two", "not a decimal"),
        ("NaN", "not a decimal"),
    ],
)
def test_a_quantity_that_is_not_a_decimal_string_is_refused(value, reason):
    with pytest.raises(RecordError, match=reason):
        parse_quantity(value)


@pytest.mark.parametrize(
    ("text", "lucid_ids"),
    [("", []), ("a", ["a"]), ("a,b", ["a", "b"]), (" a , b ,", ["a", "b"])],
)
def test_metadata_values_hold_comma_separated_lucid_ids(text, lucid_ids):
    assert split_comma_separated(text) == lucid_ids


@pytest.mark.parametrize(
    ("note", "found"),
    [
        ("", []),
        ("Customer asked for a bag", []),
        (f"scanned https://qr.lcdg.io/{LUCID_ID}", [f"https://qr.lcdg.io/{LUCID_ID}"]),
        (f"qr.lcdg.io/{LUCID_ID}.", [f"qr.lcdg.io/{LUCID_ID}"]),
        (f"ids ({LUCID_ID}), {OTHER_LUCID_ID}!", [LUCID_ID, OTHER_LUCID_ID]),
        (f"https://qr.lcdg.io/case/{LUCID_ID}", [f"https://qr.lcdg.io/case/{LUCID_ID}"]),
        (f"promo https://example.com/{LUCID_ID}", []),
        ("InternationalisationsX", []),
        ("zzzzzzzzzzzzzzzzzzzzzz", []),
        ("https://qr.lcdg.io]/broken", []),
    ],
)
def test_notes_yield_only_unmistakable_lucid_ids(note, found):
    assert lucid_ids_in_note(note) == found


def test_a_case_id_scanned_into_a_note_makes_the_order_invalid():
    item = {"uid": "u1", "quantity": "1", "note": f"https://qr.lcdg.io/case/{LUCID_ID}"}
    with pytest.raises(RecordError, match="CaseID"):
        parse(order(line_items=[item]))


def test_lucid_ids_come_from_metadata_and_note_of_each_line():
    items = [
        {"uid": "u1", "quantity": "2", "metadata": {"lucid_id": f"{LUCID_ID}, {OTHER_LUCID_ID}"}},
        {"uid": "u2", "quantity": "3.5", "note": f"weighed; https://qr.lcdg.io/{LUCID_ID}/"},
    ]
    sale = parse(order(line_items=items))
    assert [list(line.lucid_ids) for line in sale.lines] == [[LUCID_ID, OTHER_LUCID_ID], [LUCID_ID]]
    assert sale.total_items_count == 3


@pytest.mark.parametrize(
    ("options", "found"),
    [
        ({}, [LUCID_ID]),
        ({"lucid_id_metadata_key": "LucidGreen"}, [OTHER_LUCID_ID]),
        ({"lucid_id_metadata_key": None, "lucid_ids_in_note": False}, []),
    ],
)
def test_the_metadata_key_is_an_option(options, found):
    metadata = {"lucid_id": LUCID_ID, "LucidGreen": OTHER_LUCID_ID}
    item = {"uid": "u1", "quantity": "1", "metadata": metadata}
    assert parse(order(line_items=[item]), **options).lucid_ids == found


@pytest.mark.parametrize(
    ("record", "key", "employee"),
    [
        (order(metadata={"team_member_id": "TMoK_ogh6rH1o4dV"}), None, None),
        (
            order(metadata={"team_member_id": "TMoK_ogh6rH1o4dV"}),
            "team_member_id",
            "TMoK_ogh6rH1o4dV",
        ),
        (order(), "team_member_id", None),
        (order(metadata={"other": "x"}), "team_member_id", None),
    ],
)
def test_the_staff_member_comes_only_from_a_configured_metadata_key(record, key, employee):
    assert employee_id(record, key) == employee


def test_an_order_without_customer_or_staff_is_a_valid_sale():
    sale = parse(order())
    assert sale.status is SaleStatus.COMPLETED
    assert (sale.customer_id, sale.employee_id) == (None, None)


def test_an_order_without_line_items_is_a_sale_without_lines():
    record = order()
    del record["line_items"]
    assert parse(record).lines == ()


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"metadata_key": "lucid_id"}, "unknown adapter option"),
        ({"lucid_id_metadata_key": ""}, "must be a metadata key"),
        ({"lucid_ids_in_note": "yes"}, "true or false"),
        ({"employee_metadata_key": 3}, "must be a metadata key"),
    ],
)
def test_wrong_adapter_options_are_refused(options, reason):
    with pytest.raises(InvalidOptions, match=reason):
        make_adapter("square", "America/New_York", options)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (order(id=17), "id must be a string"),
        (order(customer_id=42), "customer_id must be a string"),
        (order(line_items={"uid": "u1"}), "line_items must be an array"),
        (order(line_items=["u1"]), r"line_items\[0\] must be an object"),
        (order(line_items=[{"uid": "u1"}]), r"line_items\[0\].quantity is missing"),
        (
            order(line_items=[{"uid": "u1", "quantity": "1", "metadata": "lucid"}]),
            "metadata must be an object",
        ),
        (
            order(line_items=[{"uid": "u1", "quantity": "1", "metadata": {"lucid_id": 5}}]),
            "must be a string",
        ),
    ],
)
def test_a_field_of_the_wrong_type_is_refused(record, reason):
    with pytest.raises(RecordError, match=reason):
        parse(record)


# -- the adapter kit -----------------------------------------------------------------------


class TestSquareAdapter(AdapterContract):
    adapter = SquareAdapter
    sample_store = FIXTURE
    expected = {
        "K3vXfUqTw9bJ4mHc2LpYsRzAeN7": Expected(
            status="completed",
            completed_at="2026-04-02T18:25:31.512000Z",
            lucid_ids=[
                "M4K8DXgdo3JKr8DLVJbaDb",
                "D4tegpkpcJdyD2JqVYRmB8",
                "FDhH64mYTdCduMMXQFaoKy",
                "UZ3RSbdFvDFE6fejbdz4Ts",
            ],
            quantities=["1", "2.5", "3"],
            total_items_count=5,
            has_customer=True,
            has_employee=True,
        ),
        "Pq8sW2nD5cYhR1tLmZ0aGfVbXe3": Expected(
            status="voided",
            completed_at="2026-04-02T19:02:07.041000Z",
            has_customer=False,
            has_employee=False,
        ),
        "Zr4Ty7Ua1Ib9Oc2Pd5Qe8Rf3Sg6": Expected(status="open", has_customer=True),
        "Dm6Fn9Gp2Hq5Jr8Ks1Lt4Mu7Nv0": Expected(status="open", lucid_ids=[]),
    }
    malformed = malformed_from_file(DATA / "square-malformed.json")


# -- the fixture store, served -------------------------------------------------------------


def test_the_fixture_store_is_served_by_the_feed(app, client, load, token_headers):
    retailer_id = load(FIXTURE)
    response = client.get(WHOLE_YEAR, headers=token_headers(retailer_id))
    assert response.status_code == 201
    feed = response.get_json()
    assert len(feed) == 21
    assert [item["transacted_on"] for item in feed] == sorted(
        item["transacted_on"] for item in feed
    )
    with app.app_context(), new_session() as session:
        key = pseudonym_key(session)
    by_id = {item["transaction_id"]: item for item in feed}
    first = by_id[pseudonym(key, RETAILER, "sale", "K3vXfUqTw9bJ4mHc2LpYsRzAeN7")]
    assert first["transacted_on"] == "2026-04-02T18:25:31.512000Z"
    assert first["items"] == TestSquareAdapter.expected["K3vXfUqTw9bJ4mHc2LpYsRzAeN7"].lucid_ids
    assert first["total_items_count"] == 5
    assert first["consumer_id"] == pseudonym(
        key, RETAILER, "customer", "JDKYHBWT1D4F8MFH63DBMEN8Y4"
    )
    assert first["budtender_id"] == pseudonym(key, RETAILER, "employee", "TMoK_ogh6rH1o4dV")
    for unreported in ("Pq8sW2nD5cYhR1tLmZ0aGfVbXe3", "Zr4Ty7Ua1Ib9Oc2Pd5Qe8Rf3Sg6"):
        assert pseudonym(key, RETAILER, "sale", unreported) not in by_id
