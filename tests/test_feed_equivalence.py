"""The fast feed (pre-built rows, concatenated) against a plain one written here.

`plain_feed` is the feed rules read straight off the store: parse with the store's adapter,
keep completed sales with LucidIDs inside the inclusive window, sort by (time, transaction
id), and write each object with `json.dumps`.  It shares nothing with the service beyond
the adapters and the pseudonym function, so the two agreeing byte for byte on the fixture
stores, on generated stores and on every edge case says the fast path is right.  The rest
checks that pre-built rows never go stale: after a re-load, a void, and a release that
changes how objects are built.
"""

import importlib.util
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import shortuuid
from sqlalchemy import func, select

from pos_transactions import feed, feed_ranges, sales
from pos_transactions.db import ensure_schema, get_engine, new_session
from pos_transactions.feed_days import hot_days
from pos_transactions.models import MAX_INDEXED_FEED_OBJECT, Sale, ServiceSetting
from pos_transactions.pseudonym import KEY_SETTING, pseudonym
from pos_transactions.stores import load_store, make_adapter, read_store_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_STORES = sorted((ROOT / "fixtures").glob("*.json"))
EVERYTHING = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
QR = "https://qr.lcdg.io/"
# Three LucidIDs; `_with_lucid_ids` spells them as bare ids, QR URLs and UUIDs in turn.
LUCID_A = "5vHqLc9etTWW3AVrEJvBez"
LUCID_B = "3rCkJLQh5F9kuM3mX9nw3a"
LUCID_C = "YPs9Qk7LezfoRu2LQ3HWGa"
START = datetime(2021, 3, 11, 12, 0, 0, 250_000, tzinfo=UTC)
END = datetime(2021, 11, 7, 9, 30, tzinfo=UTC)
# Over `generated_store`'s three days: part of the 11th, the whole 12th and 13th (cached),
# and the closing midnight instant.
DAYS = (datetime(2021, 3, 11, 6, 0, tzinfo=UTC), datetime(2021, 3, 14, tzinfo=UTC))


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "benchmark_generate", ROOT / "benchmarks" / "generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


# ---------------------------------------------------------------- the plain implementation


def plain_feed(store: dict, base_dir: Path, key: bytes, start: datetime, end: datetime) -> bytes:
    retailer = store["retailer"]
    adapter = make_adapter(store["adapter"], retailer["timezone"], store["adapter_options"])
    parsed, invalid = adapter.parse_all(adapter.records(store["sales"], base_dir))
    assert not invalid
    chosen = []
    for sale in parsed:
        lucid_ids = []
        for line in sale.lines:
            lucid_ids += [lucid_id for lucid_id in line.lucid_ids if lucid_id not in lucid_ids]
        if sale.status != "completed" or not lucid_ids:
            continue
        moment = sale.completed_at.astimezone(UTC)
        if not start <= moment <= end:
            continue

        def alias(kind, native, retailer_id=retailer["id"]):
            return None if native is None else pseudonym(key, retailer_id, kind, native)

        transaction = {
            "transacted_on": plain_utc(moment),
            "items": lucid_ids,
            "total_items_count": sum(plain_count(line) for line in sale.lines),
            "transaction_id": alias("sale", sale.id),
            "consumer_id": alias("customer", sale.customer_id),
            "budtender_id": alias("employee", sale.employee_id),
        }
        chosen.append((moment, transaction["transaction_id"], transaction))
    chosen.sort(key=lambda entry: entry[:2])
    objects = [json.dumps(entry[2], separators=(",", ":")) for entry in chosen]
    return ("[" + ",".join(objects) + "]").encode()


def plain_utc(moment: datetime) -> str:
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def plain_count(line) -> int:
    whole = line.quantity % 1 == 0
    return max(int(line.quantity) if whole else 1, len(line.lucid_ids))


# ---------------------------------------------------------------- the data


def sale(native_id, at, status="completed", lines=None, customer="C-1", employee="E-1"):
    return {
        "id": native_id,
        "completed_at": at,
        "status": status,
        "customer_id": customer,
        "employee_id": employee,
        "lines": lines if lines is not None else [{"sku": "A", "quantity": 1, "lucid_ids": [1]}],
    }


def _ids(numbers):
    return [(LUCID_A, LUCID_B, LUCID_C)[number - 1] for number in numbers]


def edge_sales() -> list[dict]:
    """Every rule of the feed at least once; times in every accepted spelling."""
    records = [
        sale("tie-1", "2021-03-11T12:00:00.250000Z"),  # exactly the start: in
        sale("tie-2", "2021-03-11T04:00:00.250-08:00"),  # the same instant: a tie
        sale("tie-3", "2021-03-11T04:00:00.25"),  # the same, as store-local time
        sale("before-start", "2021-03-11T12:00:00.249999Z"),
        sale("at-end", "2021-11-07T09:30:00Z"),
        sale("after-end", "2021-11-07T09:30:00.000001Z"),
        sale("micro", "2021-06-01T00:00:00.000001Z"),
        sale("dst-ambiguous", "2021-11-07T01:30:00"),  # fold=0: 08:30Z
        sale("voided", "2021-06-01T10:00:00Z", status="voided"),
        sale("open", "2021-06-01T10:00:00Z", status="open"),
        sale("no-lucid", "2021-06-01T10:00:00Z", lines=[{"sku": "A", "quantity": 2}]),
        sale("anonymous", "2021-06-01T11:00:00Z", customer=None, employee=""),
        sale(
            "mixed-lines",
            "2021-06-02T10:00:00-07:00",
            lines=[
                {"sku": "flower", "quantity": 3.5, "lucid_ids": [1]},
                {"sku": "vape", "quantity": 2, "lucid_ids": [2, 3, 1]},
                {"sku": "pre-roll", "quantity": 3, "lucid_ids": [3]},
                {"sku": "bag", "quantity": 1},
            ],
        ),
    ]
    return [_with_lucid_ids(record) for record in records]


def _with_lucid_ids(record: dict) -> dict:
    """Spell the numbered LucidIDs as bare ids, QR URLs and UUIDs in turn."""
    forms = (lambda value: value, lambda value: QR + value, _as_uuid)
    position = 0
    for line in record["lines"]:
        spelled = []
        for lucid_id in _ids(line.get("lucid_ids", [])):
            spelled.append(forms[position % 3](lucid_id))
            position += 1
        line["lucid_ids"] = spelled
    return record


def _as_uuid(lucid_id: str) -> str:
    return str(shortuuid.decode(lucid_id)).upper()


def reloaded_sales() -> list[dict]:
    """The edge store sent again: one sale changed, one voided, one newly reported."""
    records = edge_sales()
    for record in records:
        if record["id"] == "tie-2":
            record["completed_at"] = "2021-07-01T08:00:00Z"
            record["lines"].append({"sku": "B", "quantity": 2, "lucid_ids": [LUCID_B]})
        elif record["id"] == "micro":
            record["status"] = "voided"
        elif record["id"] == "no-lucid":
            record["lines"][0]["lucid_ids"] = [QR + LUCID_C]
    return records


def edge_store(records: list[dict]) -> dict:
    return {
        "retailer": {"id": "edge-store", "name": "Edges", "timezone": "America/Los_Angeles"},
        "adapter": "generic",
        "adapter_options": {},
        "sales": records,
    }


def generated_store(count: int) -> dict:
    made = generate.synthetic_sales("gen", count, datetime(2021, 3, 14).date(), 3, seed=4)
    return generate.store_document("gen-store", made)


# ---------------------------------------------------------------- helpers


def load_document(app, store: dict, base_dir: Path = ROOT) -> None:
    with app.app_context(), new_session() as session, session.begin():
        load_store(session, store, "test", base_dir)


def stored_key(app) -> bytes:
    with app.app_context(), new_session() as session:
        value = session.scalar(
            select(ServiceSetting.value).where(ServiceSetting.name == KEY_SETTING)
        )
    return bytes.fromhex(value)


def served(client, headers, start: datetime, end: datetime) -> bytes:
    query = {"start_date": plain_utc(start), "end_date": plain_utc(end)}
    response = client.get("/api/v1/transactions/", query_string=query, headers=headers)
    assert response.status_code == 201
    return response.data


def assert_same_feed(app, client, token_headers, store, base_dir, start, end) -> bytes:
    expected = plain_feed(store, base_dir, stored_key(app), start, end)
    actual = served(client, token_headers(store["retailer"]["id"]), start, end)
    assert actual == expected
    return actual


# ---------------------------------------------------------------- byte-for-byte


@pytest.mark.parametrize("path", FIXTURE_STORES, ids=lambda path: path.stem)
def test_fixture_store_feeds_match_the_plain_feed(app, client, token_headers, path):
    store = read_store_file(path)
    load_document(app, store, path.parent)
    body = assert_same_feed(app, client, token_headers, store, path.parent, *EVERYTHING)
    assert json.loads(body), "a fixture store should report at least one sale"


def test_edge_cases_match_the_plain_feed(app, client, token_headers):
    store = edge_store(edge_sales())
    load_document(app, store)
    body = assert_same_feed(app, client, token_headers, store, ROOT, START, END)
    reported = {transaction["transaction_id"] for transaction in json.loads(body)}
    key = stored_key(app)
    kept = ["tie-1", "tie-2", "tie-3", "at-end", "micro", "dst-ambiguous", "anonymous"]
    assert reported == {
        pseudonym(key, "edge-store", "sale", native) for native in kept + ["mixed-lines"]
    }


@pytest.mark.parametrize("page", [1, 2, 3])
def test_pages_meet_exactly_even_inside_a_tie(app, client, token_headers, monkeypatch, page):
    """A range is read in pages that each start after the last (time, id) served: with
    pages of one, two and three objects, a tie of sales at one instant split across pages
    is served whole, in order, once."""
    monkeypatch.setattr(feed_ranges, "PAGE_ROWS", page)
    tied = [_with_lucid_ids(sale(f"tied-{n}", "2021-03-12T15:00:00Z")) for n in range(7)]
    store = generated_store(120)
    store["sales"] += tied
    load_document(app, store)
    for window in (DAYS, EVERYTHING):
        for _ in range(3):  # from the index, gathered to keep, from memory
            assert_same_feed(app, client, token_headers, store, ROOT, *window)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (START, END),
        (START + timedelta(microseconds=1), END),
        (START, END - timedelta(microseconds=1)),
        (START - timedelta(microseconds=1), END + timedelta(microseconds=1)),
        (datetime(2021, 11, 7, 8, 30, tzinfo=UTC), datetime(2021, 11, 7, 8, 30, tzinfo=UTC)),
    ],
)
def test_window_bounds_to_the_microsecond(app, client, token_headers, start, end):
    store = edge_store(edge_sales())
    load_document(app, store)
    assert_same_feed(app, client, token_headers, store, ROOT, start, end)


def test_generated_store_matches_the_plain_feed(app, client, token_headers):
    store = generated_store(600)
    load_document(app, store)
    times = sorted(record["completed_at"] for record in store["sales"])
    start = datetime.fromisoformat(times[100]).astimezone(UTC)
    end = datetime.fromisoformat(times[500]).astimezone(UTC)
    body = assert_same_feed(app, client, token_headers, store, ROOT, start, end)
    assert len(json.loads(body)) > 200


# ---------------------------------------------------------------- rows never go stale


def test_reloaded_changed_and_voided_sales_are_served_as_they_are_now(app, client, token_headers):
    load_document(app, edge_store(edge_sales()))
    before = json.loads(served(client, token_headers("edge-store"), START, END))
    store = edge_store(reloaded_sales())
    load_document(app, store)
    body = assert_same_feed(app, client, token_headers, store, ROOT, START, END)
    after = {transaction["transaction_id"]: transaction for transaction in json.loads(body)}
    key = stored_key(app)

    def transaction_id(native_id):
        return pseudonym(key, "edge-store", "sale", native_id)

    assert transaction_id("micro") in {transaction["transaction_id"] for transaction in before}
    assert transaction_id("micro") not in after
    assert after[transaction_id("tie-2")]["transacted_on"] == "2021-07-01T08:00:00Z"
    assert after[transaction_id("no-lucid")]["items"] == [LUCID_C]


def test_a_release_that_changes_the_objects_rebuilds_every_row(
    app, client, token_headers, monkeypatch
):
    store = generated_store(sales.BATCH + 500)
    load_document(app, store)
    original = feed.transaction_object

    def next_release(*arguments):
        return original(*arguments) | {"release": 2}

    before = json.loads(served(client, token_headers("gen-store"), *DAYS))  # caches two days
    assert before and all("release" not in transaction for transaction in before)
    monkeypatch.setattr(feed, "FEED_FORMAT", "next-release")
    monkeypatch.setattr(feed, "transaction_object", next_release)
    with app.app_context():
        ensure_schema(get_engine())
        with new_session() as session:
            rows = session.execute(select(Sale.reported, Sale.feed_json)).all()
            stored_format = session.get(ServiceSetting, sales.FEED_FORMAT_SETTING).value
    assert stored_format == "next-release"
    assert len(rows) == len(store["sales"])
    for reported, feed_json in rows:
        assert (feed_json is None) == (not reported)
        if reported:
            assert json.loads(feed_json)["release"] == 2
    body = json.loads(served(client, token_headers("gen-store"), *EVERYTHING))
    assert len(body) == sum(reported for reported, _ in rows)
    assert all(transaction["release"] == 2 for transaction in body)
    from_days = json.loads(served(client, token_headers("gen-store"), *DAYS))
    assert len(from_days) == len(before)
    assert all(transaction["release"] == 2 for transaction in from_days)


# ---------------------------------------------------------------- kept whole days


def kept_days(app) -> set[date]:
    with app.app_context():
        return {day for (_, day) in hot_days(get_engine()).days}


def test_whole_days_come_from_memory_and_match_the_plain_feed(app, client, token_headers):
    store = generated_store(600)
    load_document(app, store)
    first = assert_same_feed(app, client, token_headers, store, ROOT, *DAYS)
    assert kept_days(app) == set()  # asked for once: read from the index, not kept
    assert assert_same_feed(app, client, token_headers, store, ROOT, *DAYS) == first
    assert kept_days(app) == {date(2021, 3, 12), date(2021, 3, 13)}
    again = assert_same_feed(app, client, token_headers, store, ROOT, *DAYS)
    assert again == first and len(json.loads(first)) > 300


def test_a_kept_day_never_outlives_a_change(app, client, token_headers):
    """Re-loaded with a void, a sale moved to another day, a changed sale, a new one and a
    return: every kept day touched is read again."""
    store = generated_store(600)
    load_document(app, store)
    headers = token_headers("gen-store")
    before = served(client, headers, *DAYS)
    assert served(client, headers, *DAYS) == before  # now kept in the worker's memory
    assert kept_days(app) == {date(2021, 3, 12), date(2021, 3, 13)}
    changed = json.loads(json.dumps(store))
    on_the_12th = [
        sale for sale in changed["sales"] if sale["completed_at"].startswith("2021-03-12")
    ]
    on_the_12th[0]["status"] = "voided"
    on_the_12th[1]["completed_at"] = "2021-03-13T09:00:00+00:00"  # moves to another day
    on_the_12th[2]["lines"].append({"sku": "NEW", "quantity": 2, "lucid_ids": [LUCID_A]})
    changed["sales"].append(dict(on_the_12th[3], id="late-arrival"))
    changed["sales"].append(
        dict(on_the_12th[4], id="return-1", status="returned", original_id=on_the_12th[4]["id"])
    )
    load_document(app, changed)
    after = assert_same_feed(app, client, token_headers, changed, ROOT, *DAYS)
    assert after != before
    assert assert_same_feed(app, client, token_headers, changed, ROOT, *DAYS) == after


def test_objects_too_big_for_the_index_are_served_in_feed_order(app, client, token_headers):
    """A sale with scores of LucidIDs has an object longer than an index entry may hold: it
    is found through the other index and served in its place among the rest."""
    store = generated_store(300)
    many = [shortuuid.encode(uuid.UUID(int=number)) for number in range(1, 120)]
    for sale in store["sales"][::25]:
        sale["lines"].append({"sku": "CASE", "quantity": 119, "lucid_ids": many})
    load_document(app, store)
    with app.app_context(), new_session() as session:
        lengths = session.scalars(select(func.length(Sale.feed_json)))
        outsized = sum(length > MAX_INDEXED_FEED_OBJECT for length in lengths if length)
    assert outsized >= 5
    for _ in range(3):  # read from the indexes, then kept, then from memory
        assert_same_feed(app, client, token_headers, store, ROOT, *DAYS)
    assert_same_feed(app, client, token_headers, store, ROOT, *EVERYTHING)
