"""The `csv` adapter: its small reading rules, the adapter kit, and its fixture store served."""

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.csv_report import (
    DEFAULT_COLUMNS,
    CsvReportAdapter,
    Receipt,
    Row,
    group_receipts,
    header_key,
    parse_flag,
    parse_local_time,
    parse_quantity,
    resolve_columns,
    split_lucid_ids,
)
from pos_transactions.adapter import InvalidOptions, RecordError
from pos_transactions.canonical import SaleStatus, format_utc
from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.pseudonym import pseudonym
from pos_transactions.sales import pseudonym_key
from pos_transactions.stores import InvalidStore, make_adapter, read_sales, read_store_file
from pos_transactions.testing import AdapterContract, Expected, malformed_from_file

DATA = Path(__file__).parent / "data"
FIXTURE = Path(__file__).parents[2] / "fixtures" / "csv-mile-high-remedies.json"
RETAILER = "mile-high-remedies"
WHOLE_YEAR = "/api/v1/transactions/?start_date=2026-01-01&end_date=2026-12-31"


def denver_adapter(**options) -> CsvReportAdapter:
    return make_adapter("csv", "America/Denver", options)


def pushed(**cells: str) -> dict[str, str]:
    """One pushed row in the default columns; keyword names are DEFAULT_COLUMNS' fields."""
    row = {"receipt": "R-1", "completed_at": "2026-03-05 10:14:00", "quantity": "1"} | cells
    return {DEFAULT_COLUMNS[field]: value for field, value in row.items()}


# -- small rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "voided"),
    [
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        ("Y", True),
        ("1", True),
        (" Yes ", True),
        ("false", False),
        ("no", False),
        ("N", False),
        ("0", False),
        ("", False),
        ("  ", False),
    ],
)
def test_voided_flag_spellings(text, voided):
    assert parse_flag(text) is voided


@pytest.mark.parametrize("text", ["maybe", "2", "voided", "t"])
def test_an_unknown_voided_flag_is_refused(text):
    with pytest.raises(ValueError, match="is not a flag"):
        parse_flag(text)


@pytest.mark.parametrize(
    ("text", "quantity"),
    [("3", Decimal("3")), ("3.5", Decimal("3.5")), (" 0.125 ", Decimal("0.125")), ("10", 10)],
)
def test_quantities_are_exact_decimals(text, quantity):
    parsed = parse_quantity(text)
    assert isinstance(parsed, Decimal)
    assert parsed == quantity


@pytest.mark.parametrize("text", ["", "abc", "3,5", "NaN", "Infinity", "1/2"])
def test_a_quantity_that_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("cell", "lucid_ids"),
    [
        ("", []),
        ("K5t8hBJzP9Ds3jiUmiLjcf", ["K5t8hBJzP9Ds3jiUmiLjcf"]),
        ("a;b", ["a", "b"]),
        ("a|b", ["a", "b"]),
        (" a ; b | c ", ["a", "b", "c"]),
        ("a;;b|", ["a", "b"]),
        ("https://qr.lcdg.io/x?s=1;y", ["https://qr.lcdg.io/x?s=1", "y"]),
    ],
)
def test_a_cell_holds_lucid_ids_separated_by_semicolons_or_bars(cell, lucid_ids):
    assert split_lucid_ids(cell) == lucid_ids


@pytest.mark.parametrize(
    ("header", "key"),
    [("\ufeffReceipt #", "receipt #"), ("  SKU ", "sku"), ("QTY", "qty"), ("Lucid ID", "lucid id")],
)
def test_column_names_compare_without_bom_spaces_or_case(header, key):
    assert header_key(header) == key


def test_default_columns_apply_where_the_store_names_none():
    columns = resolve_columns({"columns": {"receipt": "Ticket", "quantity": "Qty"}})
    assert columns["receipt"] == "Ticket"
    assert columns["quantity"] == "Qty"
    assert columns["lucid_ids"] == DEFAULT_COLUMNS["lucid_ids"]


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"columns": {"ticket": "Ticket"}}, "unknown column field"),
        ({"columns": ["Receipt"]}, "must map field names"),
        ({"columns": {"receipt": ""}}, "non-empty text"),
    ],
)
def test_a_wrong_column_mapping_is_refused(options, reason):
    with pytest.raises(InvalidOptions, match=reason):
        resolve_columns(options)


@pytest.mark.parametrize(
    ("text", "time_format", "moment"),
    [
        ("2026-03-05 10:14:00", None, datetime(2026, 3, 5, 10, 14)),
        ("2026-03-05T10:14", None, datetime(2026, 3, 5, 10, 14)),
        ("03/05/2026 02:14 PM", "%m/%d/%Y %I:%M %p", datetime(2026, 3, 5, 14, 14)),
    ],
)
def test_report_times_are_read_as_local_wall_clock(text, time_format, moment):
    assert parse_local_time(text, time_format) == moment


@pytest.mark.parametrize(
    ("text", "time_format"),
    [("yesterday", None), ("2026-02-30 10:00", None), ("2026-03-05 10:14", "%m/%d/%Y %I:%M %p")],
)
def test_a_garbage_time_is_refused(text, time_format):
    with pytest.raises(ValueError, match="is not"):
        parse_local_time(text, time_format)


def test_rows_group_into_receipts_in_order_of_first_appearance():
    rows = [
        Row("row 1", {"receipt #": "B"}),
        Row("row 2", {"receipt #": "A"}),
        Row("row 3", {"receipt #": " B "}),
        Row("row 4", {"receipt #": ""}),
        Row("row 5", {}),
    ]
    receipts = group_receipts(rows, "Receipt #")
    assert [receipt.id for receipt in receipts] == ["B", "A", None, None]
    assert [row.where for row in receipts[0].rows] == ["row 1", "row 3"]
    assert [receipt.rows[0].where for receipt in receipts[2:]] == ["row 4", "row 5"]


@pytest.mark.parametrize(
    ("second_row", "column"),
    [
        (pushed(completed_at="2026-03-05 10:15:00"), "Completed At"),
        (pushed(customer="C-18"), "Customer ID"),
        (pushed(employee="E-4"), "Employee ID"),
        (pushed(voided="Y"), "Voided"),
    ],
)
def test_rows_of_one_receipt_that_disagree_make_it_invalid(second_row, column):
    first_row = pushed(customer="", employee="", voided="N")
    with pytest.raises(InvalidStore) as refused:
        read_sales(denver_adapter(), [first_row, second_row], "push")
    (problem,) = refused.value.problems
    assert problem.record == "R-1"
    assert f"row 2 disagrees with row 1 on {column!r}" in problem.reason


def test_rows_that_agree_after_reading_are_one_sale():
    rows = [pushed(voided="no", sku="A"), pushed(voided="0", sku="B", quantity="2.5")]
    (sale,) = read_sales(denver_adapter(), rows, "push")
    assert sale.status is SaleStatus.COMPLETED
    assert [line.sku for line in sale.lines] == ["A", "B"]
    assert [line.quantity for line in sale.lines] == [Decimal("1"), Decimal("2.5")]


@pytest.mark.parametrize(
    ("receipt", "reason"),
    [("  ", "row 2: 'Receipt #' is empty"), (100231, "row 2: 'Receipt #' must be text, not int")],
)
def test_a_row_without_a_receipt_is_named_by_its_position(receipt, reason):
    rows = [pushed(receipt="R-1"), pushed(receipt=receipt)]
    with pytest.raises(InvalidStore) as refused:
        read_sales(denver_adapter(), rows, "push")
    (problem,) = refused.value.problems
    assert problem.record == "record #2"
    assert reason in problem.reason


def test_a_row_without_a_receipt_column_says_so():
    row = pushed()
    del row["Receipt #"]
    with pytest.raises(InvalidStore, match="row 1 has no 'Receipt #' column"):
        read_sales(denver_adapter(), [row], "push")


def test_a_receipt_without_rows_is_a_record_error():
    with pytest.raises(RecordError, match="at least one row"):
        denver_adapter().parse(Receipt("R-1", ()))


def test_an_empty_customer_and_employee_are_none():
    (sale,) = read_sales(denver_adapter(), [pushed(customer=" ", employee="")], "push")
    assert (sale.customer_id, sale.employee_id) == (None, None)


def test_a_push_row_that_is_not_an_object_refuses_the_push():
    with pytest.raises(InvalidStore, match="row 2 must be an object"):
        read_sales(denver_adapter(), [pushed(), "R-2,2026-03-05,1"], "push")


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"colums": {}}, "unknown adapter option"),
        ({"delimiter": ";;"}, "one character"),
        ({"time_format": 5}, "strptime format"),
    ],
)
def test_wrong_adapter_options_are_refused(options, reason):
    with pytest.raises(InvalidOptions, match=reason):
        denver_adapter(**options)


def test_a_report_with_a_bom_reads_with_default_columns():
    store = read_store_file(DATA / "default-columns-with-bom.json")
    adapter = make_adapter("csv", store["retailer"]["timezone"], store["adapter_options"])
    sales = {sale.id: sale for sale in read_sales(adapter, store["sales"], "bom", DATA)}
    assert list(sales) == ["A-1", "A-2", "A-3"]
    assert sales["A-1"].lucid_ids == [
        "K5t8hBJzP9Ds3jiUmiLjcf",
        "7Epa7yzeGoKbeXRJEo3R8M",
        "WuUCMB5yVVQSmcU6EGe5Cq",
    ]
    assert sales["A-1"].total_items_count == 3
    assert sales["A-2"].status is SaleStatus.VOIDED
    assert sales["A-2"].customer_id is None
    assert sales["A-3"].lucid_ids == ["5m48zznfntJkUyYoS9Gvjc", "VRqykiByJ889jhe4274Cyp"]


def test_a_local_time_in_the_spring_gap_reads_with_the_earlier_offset():
    store = read_store_file(DATA / "default-columns-with-bom.json")
    adapter = make_adapter("csv", store["retailer"]["timezone"], store["adapter_options"])
    sales = {sale.id: sale for sale in read_sales(adapter, store["sales"], "bom", DATA)}
    # 02:30 on 2026-03-08 does not exist in Denver; read at MST (-07:00) it is 09:30 UTC.
    assert format_utc(sales["A-3"].completed_at) == "2026-03-08T09:30:00Z"
    assert format_utc(sales["A-1"].completed_at) == "2026-03-05T17:14:00Z"


def test_the_delimiter_is_an_option():
    adapter = denver_adapter(delimiter=";")
    (sale,) = read_sales(adapter, {"file": "semicolon-delimited.csv"}, "semicolon", DATA)
    assert sale.id == "B-1"
    assert sale.lines[0].quantity == Decimal("1.5")


@pytest.mark.parametrize(
    ("sales", "base_dir", "reason"),
    [
        ({"file": "no-such-report.csv"}, DATA, "cannot read the CSV report"),
        ({"file": "semicolon-delimited.csv"}, None, "only be named by a store file"),
        ({"path": "semicolon-delimited.csv"}, DATA, 'must be {"file"'),
        ("report.csv", DATA, "must name a CSV file"),
    ],
)
def test_sales_that_name_no_readable_report_are_refused(sales, base_dir, reason):
    with pytest.raises(RecordError, match=reason):
        denver_adapter().records(sales, base_dir)


def test_a_report_without_a_required_column_names_the_column():
    adapter = denver_adapter(delimiter=";", columns={"quantity": "Qty"})
    with pytest.raises(InvalidStore, match="has no 'Qty' column"):
        read_sales(adapter, {"file": "semicolon-delimited.csv"}, "report", DATA)


def test_a_receipt_is_named_by_its_receipt_number():
    adapter = denver_adapter()
    assert adapter.record_id(Receipt("R-7", ())) == "R-7"
    assert adapter.record_id({"id": "R-7"}) is None


# -- the adapter kit -----------------------------------------------------------------------


class TestCsvReportAdapter(AdapterContract):
    adapter = CsvReportAdapter
    sample_store = FIXTURE
    expected = {
        "100231": Expected(
            status="completed",
            completed_at="2026-03-05T17:14:00Z",
            lucid_ids=[
                "eYs5BLLs79fH6WRr9kpMGC",
                "ggMJyX3au8wtzN5Kk4AHu3",
                "7wcbuMp6J36dJmbAUFpwaC",
            ],
            quantities=["3.5", "2", "1"],
            total_items_count=4,
            has_customer=True,
            has_employee=True,
        ),
        "100232": Expected(status="voided", completed_at="2026-03-05T18:02:00Z"),
        "100240": Expected(
            status="completed",
            completed_at="2026-03-09T22:45:00Z",
            lucid_ids=["JLqpVm6s24b9bDKqEtFg5T", "5gC6PTHjGB6usEgCN5UmMH"],
            quantities=["1"],
            total_items_count=2,
            has_customer=False,
            has_employee=False,
        ),
        "100241": Expected(status="completed", lucid_ids=[], total_items_count=3),
    }
    malformed = malformed_from_file(DATA / "csv-malformed.json")


# -- the fixture store, served -------------------------------------------------------------


def test_the_fixture_store_is_served_by_the_feed(app, client, load, token_headers):
    retailer_id = load(FIXTURE)
    response = client.get(WHOLE_YEAR, headers=token_headers(retailer_id))
    assert response.status_code == 201
    feed = response.get_json()
    assert len(feed) == 27
    assert [item["transacted_on"] for item in feed] == sorted(
        item["transacted_on"] for item in feed
    )
    with app.app_context(), new_session() as session:
        key = pseudonym_key(session)
    by_id = {item["transaction_id"]: item for item in feed}
    first = by_id[pseudonym(key, RETAILER, "sale", "100231")]
    assert first["transacted_on"] == "2026-03-05T17:14:00Z"
    assert first["items"] == TestCsvReportAdapter.expected["100231"].lucid_ids
    assert first["total_items_count"] == 4
    assert first["consumer_id"] == pseudonym(key, RETAILER, "customer", "C-4471")
    assert first["budtender_id"] == pseudonym(key, RETAILER, "employee", "E-12")
    walk_in = by_id[pseudonym(key, RETAILER, "sale", "100240")]
    assert (walk_in["transacted_on"], walk_in["total_items_count"]) == ("2026-03-09T22:45:00Z", 2)
    assert (walk_in["consumer_id"], walk_in["budtender_id"]) == (None, None)
    for unreported in ("100232", "100241"):
        assert pseudonym(key, RETAILER, "sale", unreported) not in by_id


def test_pushed_rows_are_grouped_into_sales_and_served(app, client, load, token_headers):
    retailer_id = load(FIXTURE)
    rows = json.loads((DATA / "csv-push-rows.json").read_text())
    pushed_response = client.post(
        "/api/v1/sales/", json=rows, headers=token_headers(retailer_id, Scope.INGEST)
    )
    assert pushed_response.status_code == 201
    assert pushed_response.get_json()["created"] == 2
    window = "/api/v1/transactions/?start_date=2026-03-20&end_date=2026-03-21"
    feed = client.get(window, headers=token_headers(retailer_id)).get_json()
    with app.app_context(), new_session() as session:
        key = pseudonym_key(session)
    assert feed == [
        {
            "transacted_on": "2026-03-20T19:05:00Z",
            "items": ["K5t8hBJzP9Ds3jiUmiLjcf", "7Epa7yzeGoKbeXRJEo3R8M", "5m48zznfntJkUyYoS9Gvjc"],
            "total_items_count": 3,
            "transaction_id": pseudonym(key, RETAILER, "sale", "P-1"),
            "consumer_id": None,
            "budtender_id": pseudonym(key, RETAILER, "employee", "E-9"),
        }
    ]
