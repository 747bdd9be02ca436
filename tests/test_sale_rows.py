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

from pos_transactions import feed
from pos_transactions.canonical import Sale, SaleLine, SaleStatus
from pos_transactions.lucid_id import (
    _LARGEST,
    ALPHABET,
    InvalidLucidID,
    _from_url,
    normalise_lucid_id,
)
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


def read_json_sales() -> list[Sale]:
    """The bulk test store's sales, canonical: every status, times with and without
    microseconds, a missing modified_at."""
    from test_bulk_write import bulk_store

    store = bulk_store("rows-store", 8)
    return read_sales(make_adapter("generic", "UTC"), store["sales"], "rows")
