"""Writing sales: counts that mean what they say, days that never go stale, ids that survive
a release, and a write that loses a race to another writer neither fails nor miscounts."""

import json
import threading
from datetime import date

import pytest
from sqlalchemy import event, select

from pos_transactions import feed, sales
from pos_transactions.db import ensure_schema, get_engine, new_session
from pos_transactions.models import FeedDay
from pos_transactions.stores import load_store, make_adapter, read_sales, read_store_file

from conftest import DATA, read_json

MOVE_WINDOW = "/api/v1/transactions/?start_date=2021-05-10&end_date=2021-05-12"


def load_document(app, tmp_path, document: dict) -> sales.WriteSummary:
    path = tmp_path / "store.json"
    path.write_text(json.dumps(document))
    with app.app_context(), new_session() as session, session.begin():
        return load_store(session, read_store_file(path), str(path), DATA).summary


def many_sales(count: int) -> list[dict]:
    """`count` distinct sales shaped like the first of push-sales.json, over a few days."""
    template = read_json("push-sales.json")[0]
    return [
        template
        | {"id": f"G-{number:05d}", "completed_at": f"2021-03-{1 + number % 5:02d}T10:00:00Z"}
        for number in range(count)
    ]


def test_a_load_of_several_batches_counts_every_sale_once(app, tmp_path):
    store = read_json("move-day.json") | {"sales": many_sales(sales.BATCH + 500)}
    first = load_document(app, tmp_path, store)
    assert first == sales.WriteSummary(created=sales.BATCH + 500, updated=0, unchanged=0)
    again = load_document(app, tmp_path, store)
    assert again == sales.WriteSummary(created=0, updated=0, unchanged=sales.BATCH + 500)


def test_a_sale_moved_to_another_day_leaves_its_old_cached_day(
    app, client, token_headers, load, tmp_path
):
    """The old day holds no other changed sale: only the move itself can clear it."""
    retailer = load("move-day.json")
    headers = token_headers(retailer)
    for _ in range(2):  # built, cached, then served from the cache
        before = client.get(MOVE_WINDOW, headers=headers).json
    assert [sale["transacted_on"] for sale in before][0] == "2021-05-10T12:00:00Z"
    store = read_json("move-day.json")
    store["sales"][0]["completed_at"] = "2021-05-11T14:00:00Z"
    load_document(app, tmp_path, store)
    for _ in range(2):
        after = client.get(MOVE_WINDOW, headers=headers).json
        moved = [sale for sale in after if sale["transaction_id"] == before[0]["transaction_id"]]
        assert [sale["transacted_on"] for sale in moved] == ["2021-05-11T14:00:00Z"]
        assert len(after) == len(before)


def test_a_release_rebuild_keeps_every_transaction_byte_for_byte(
    app, client, token_headers, load, monkeypatch
):
    """Only the format name changes: every rebuilt object, both pseudonyms included, is the
    object it was."""
    retailer = load("move-day.json")
    headers = token_headers(retailer)
    before = client.get(MOVE_WINDOW, headers=headers).get_data(as_text=True)
    assert {"consumer_id", "budtender_id"} <= {
        key for sale in json.loads(before) for key, value in sale.items() if value
    }
    monkeypatch.setattr(feed, "FEED_FORMAT", "next-release")
    with app.app_context():
        ensure_schema(get_engine())
    after = client.get(MOVE_WINDOW, headers=headers).get_data(as_text=True)
    pieces = [
        [feed.encode_transaction(sale) for sale in json.loads(body)] for body in (before, after)
    ]
    assert pieces[0] == pieces[1] and after == before


@pytest.fixture
def lost_race(monkeypatch):
    """The first look at what is stored misses every row, as if another writer inserted them
    just after it: the write then meets its own sales as conflicts."""
    looked = []
    real = sales._stored

    def stored(session, retailer_id, native_ids):
        looked.append(native_ids)
        return {} if len(looked) == 1 else real(session, retailer_id, native_ids)

    monkeypatch.setattr(sales, "_stored", stored)
    return looked


def test_sales_another_writer_inserted_first_count_as_unchanged(app, tmp_path, load, lost_race):
    load("move-day.json")
    summary = load_document(app, tmp_path, read_json("move-day.json"))
    assert summary == sales.WriteSummary(created=0, updated=0, unchanged=3)
    assert len(lost_race) == 2  # the write read the raced rows back


def test_a_changed_sale_another_writer_inserted_first_is_updated_and_its_days_bumped(
    app, tmp_path, load, lost_race
):
    load("move-day.json")
    versions = day_versions(app)
    store = read_json("move-day.json")
    store["sales"][0]["completed_at"] = "2021-05-12T08:00:00Z"
    summary = load_document(app, tmp_path, store)
    assert summary == sales.WriteSummary(created=0, updated=1, unchanged=2)
    after = day_versions(app)
    assert after[date(2021, 5, 10)] == versions[date(2021, 5, 10)] + 1  # the old day
    assert date(2021, 5, 12) in after and after[date(2021, 5, 11)] == versions[date(2021, 5, 11)]


def day_versions(app) -> dict[date, int]:
    with app.app_context(), new_session() as session:
        return {
            day: version for day, version in session.execute(select(FeedDay.day, FeedDay.version))
        }


def test_a_write_meeting_another_in_flight_with_the_same_sales_waits_and_counts_them(app, load):
    """Writer B looks for the sales while writer A has written them but not committed; A
    commits as B starts writing.  B must neither fail nor create them again."""
    retailer = load("move-day.json")
    path = DATA / "move-day.json"
    canonical = read_store_file(path)
    adapter = make_adapter(canonical["adapter"], "UTC")
    records = read_sales(adapter, many_sales(50), "test")
    engine = app.extensions["pos_transactions.engine"]
    b_writes, outcome = threading.Event(), {}

    def first_write(_connection, _cursor, statement, *_):
        if statement.startswith(("INSERT INTO sale", "BEGIN IMMEDIATE")):
            b_writes.set()

    def writer_b():
        try:
            with app.app_context(), new_session() as session, session.begin():
                outcome["summary"] = sales.write_sales(session, retailer, records)
        except Exception as error:  # reported below, on the test's thread
            outcome["error"] = error

    with app.app_context(), new_session() as session_a:
        with session_a.begin():
            assert sales.write_sales(session_a, retailer, records).created == 50
            event.listen(engine, "before_cursor_execute", first_write)
            b = threading.Thread(target=writer_b)
            b.start()
            assert b_writes.wait(timeout=120), "writer B never got to writing"
        event.remove(engine, "before_cursor_execute", first_write)
    b.join(timeout=120)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["summary"] == sales.WriteSummary(created=0, updated=0, unchanged=50)


def test_a_write_inside_a_savepoint_counts_and_invalidates_what_it_created(app, load):
    retailer = load("move-day.json")
    records = read_sales(make_adapter("generic", "UTC"), many_sales(5), "test")
    versions = day_versions(app)
    with app.app_context(), new_session() as session, session.begin():
        with session.begin_nested():
            summary = sales.write_sales(session, retailer, records)
    assert summary == sales.WriteSummary(created=5, updated=0, unchanged=0)
    after = day_versions(app)
    assert all(after[day] == versions.get(day, 0) + 1 for day in after if day.month == 3)
    assert {day for day in after if day.month == 3} == {date(2021, 3, day) for day in range(1, 6)}
