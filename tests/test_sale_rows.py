"""The fast ingest path stores what the straightforward code stores, byte for byte: the row
builder (orjson, a pre-keyed HMAC) against the plain computation over generated sales, the
common-line and QR-URL shortcuts against the full checks, and orjson's read of a store file
against ``json``'s."""

import hashlib
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from sqlalchemy import insert
from sqlalchemy.orm import Session

from pos_transactions import feed, sqlite_insert
from pos_transactions.canonical import Sale, SaleLine, SaleStatus, checked_line, common_line
from pos_transactions.db import ensure_schema, make_engine
from pos_transactions.lucid_id import (
    _LARGEST,
    ALPHABET,
    InvalidLucidID,
    _from_url,
    normalise_lucid_id,
)
from pos_transactions.models import Retailer
from pos_transactions.models import Sale as SaleRow
from pos_transactions.pseudonym import pseudonym, pseudonymiser
from pos_transactions.sale_rows import row_builder
from pos_transactions.stores import make_adapter, read_json_file, read_sales

from conftest import read_json

KEY = bytes.fromhex(read_json("pseudonym-vectors.json")["key_hex"])
texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
lucid_ids = st.text(st.sampled_from(ALPHABET), min_size=22, max_size=22).filter(
    lambda value: value <= _LARGEST  # one that decodes to a UUID
)
lines = st.builds(
    SaleLine,
    sku=st.none() | texts,
    quantity=st.decimals(min_value=Decimal("0.001"), max_value=10_000, places=3),
    lucid_ids=st.lists(lucid_ids, max_size=3, unique=True).map(tuple),
)
moments = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2098, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.astimezone(UTC) + timedelta(0))
sales = st.builds(
    Sale,
    id=texts.filter(str.strip),
    status=st.sampled_from(SaleStatus),
    completed_at=moments,
    customer_id=st.none() | texts,
    employee_id=st.none() | texts,
    lines=st.lists(lines, max_size=4).map(tuple),
    modified_at=st.none() | moments,
    original_id=st.none() | texts,
)


def plain_row(key: bytes, retailer_id: str, sale: Sale) -> dict:
    """The stored columns computed the straightforward way (the code before the builder)."""

    def alias(kind, native):
        return native and pseudonym(key, retailer_id, kind, native)

    transaction_id = alias("sale", sale.id)
    consumer_id, budtender_id = (
        alias("customer", sale.customer_id),
        alias("employee", sale.employee_id),
    )
    transacted_on = sale.completed_at.astimezone(UTC).replace(tzinfo=None)
    lines = json.dumps(
        [
            {"sku": line.sku, "quantity": str(line.quantity), "lucid_ids": list(line.lucid_ids)}
            for line in sale.lines
        ],
        separators=(",", ":"),
    )
    state = "\x1f".join(
        (sale.status.value, str(transacted_on), consumer_id or "", budtender_id or "", lines)
    )
    if sale.original_id is not None:
        state += "\x1f" + sale.original_id
    reported = sale.is_reported
    transaction = feed.transaction_object(sale, transaction_id, consumer_id, budtender_id)
    return {
        "native_id": sale.id,
        "transaction_id": transaction_id,
        "status": sale.status.value,
        "transacted_on": transacted_on,
        "consumer_id": consumer_id,
        "budtender_id": budtender_id,
        "lines": lines,
        "fingerprint": hashlib.sha256(state.encode()).hexdigest(),
        "modified_at": sale.modified_at and sale.modified_at.replace(tzinfo=None),
        "original_id": sale.original_id,
        "reported": reported,
        "feed_json": feed.encode_transaction(transaction) if reported else None,
    }


@settings(max_examples=300, deadline=None)
@given(retailer_id=texts, sale=sales)
def test_the_row_builder_stores_what_the_plain_computation_does(retailer_id, sale):
    assert row_builder(KEY, retailer_id)(sale) == plain_row(KEY, retailer_id, sale)


@pytest.mark.parametrize(
    "vector", read_json("pseudonym-vectors.json")["vectors"], ids=lambda vector: vector["id"]
)
def test_the_pre_keyed_pseudonyms_match_the_recorded_known_answers(vector):
    assert pseudonymiser(KEY)(vector["retailer"], vector["kind"], vector["native"]) == vector["id"]


def full_check(line):
    try:
        return checked_line(line)
    except ValidationError:
        return None


line_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 20_000), st.floats(), st.text(max_size=8)
)
raw_lines = st.dictionaries(
    st.sampled_from(["sku", "quantity", "lucid_ids", "other"]),
    line_values | st.lists(lucid_ids | line_values | st.just("https://qr.lcdg.io/x"), max_size=3),
)


@settings(max_examples=500, deadline=None)
@given(line=raw_lines | st.builds(dict, quantity=st.integers(1, 10), lucid_ids=st.lists(lucid_ids)))
def test_the_common_line_shortcut_accepts_only_what_the_full_check_accepts_alike(line):
    quick = common_line(line)
    assert quick is None or quick == full_check(line)


@pytest.mark.parametrize(
    "line",
    [
        {"sku": "BD-35", "quantity": 1, "lucid_ids": ["Kz4tXgS7aCZQbYYH86PGVi"]},
        {"sku": None, "quantity": "3.5"},
        {"quantity": 2, "lucid_ids": ["https://qr.lcdg.io/Kz4tXgS7aCZQbYYH86PGVi"] * 2},
    ],
)
def test_common_lines_take_the_shortcut(line):
    assert common_line(line) is not None and common_line(line) == checked_line(line)


hosts = st.from_regex(r"[a-z0-9-]{1,8}(\.[a-z0-9-]{1,8}){0,2}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(scheme=st.sampled_from(["http", "https"]), host=hosts, lucid_id=lucid_ids)
def test_a_plain_qr_url_reads_as_the_url_parser_reads_it(scheme, host, lucid_id):
    url = f"{scheme}://{host}/{lucid_id}"
    try:
        expected = _from_url(url)
    except InvalidLucidID:
        expected = None
    try:
        found = normalise_lucid_id(url)
    except InvalidLucidID:
        found = None
    assert found == expected


@pytest.mark.parametrize(
    "document",
    [
        b'{"sales": [{"id": "S-1", "quantity": 1.5e-3}]}',
        b'\xef\xbb\xbf{"a": "\xc3\xa9"}',  # a BOM, then UTF-8
        b'{"a": "\\ud800"}',  # a lone surrogate escape: orjson refuses, json reads
        b'{"a": NaN, "b": 1e400}',
        b'{"q": 123456789012345678901234567890}',  # beyond 64 bits: json keeps the int
        b'{"q": -9223372036854775809}',
        b'{"a": 1, "a": 2}',
    ],
)
def test_a_store_file_reads_as_json_reads_it(tmp_path, document):
    path = tmp_path / "store.json"
    path.write_bytes(document)
    assert repr(read_json_file(path)) == repr(json.loads(document.decode("utf-8-sig")))


@pytest.mark.parametrize("document", [b'{"a": ', b"\xff", b"[1,]"])
def test_an_unreadable_store_file_fails_as_json_fails(tmp_path, document):
    path = tmp_path / "store.json"
    path.write_bytes(document)
    with pytest.raises(ValueError) as raised:
        read_json_file(path)
    with pytest.raises(ValueError) as expected:
        json.loads(document.decode("utf-8-sig"))
    assert type(raised.value) is type(expected.value)


def test_the_direct_sqlite_insert_stores_the_bytes_sqlalchemy_stores(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'rows.sqlite3'}")
    ensure_schema(engine)
    sale_row = row_builder(KEY, "rows-store")
    rows = [
        {"retailer_id": "rows-store", "updated_at": datetime(2021, 6, 1, 10, 0, 0, 5), **row}
        for row in map(sale_row, read_json_sales())
    ]
    with Session(engine) as session, session.begin():
        session.add(Retailer(id="rows-store", name="Rows", timezone="UTC"))
        session.flush()
        direct = sqlite_insert.insert_new(session.connection(), rows)
        copies = [row | {"native_id": "copy-" + row["native_id"]} for row in rows]
        session.execute(insert(SaleRow), copies)
        assert direct == {row["native_id"] for row in rows}
        assert sqlite_insert.insert_new(session.connection(), rows[:1]) == set()  # taken
    columns = ", ".join(f"quote({name})" for name in sqlite_insert.COLUMNS if name != "native_id")
    with engine.connect() as connection:
        stored = connection.exec_driver_sql(
            f"SELECT native_id, {columns} FROM sale ORDER BY id"
        ).all()
    engine.dispose()
    by_id = {native_id: values for native_id, *values in stored}
    assert len(by_id) == 2 * len(rows)
    for row in rows:
        assert by_id[row["native_id"]] == by_id["copy-" + row["native_id"]]


def read_json_sales() -> list[Sale]:
    """The bulk test store's sales, canonical: every status, times with and without
    microseconds, a missing modified_at."""
    from test_bulk_write import bulk_store

    store = bulk_store("rows-store", 8)
    return read_sales(make_adapter("generic", "UTC"), store["sales"], "rows")
