"""PostgreSQL's bulk path (COPY into a staging table, one upsert) decides every record as the
ordinary statements do: the same counts and rows, all or nothing, and correct beside a
concurrent push of the same sales.  On SQLite both runs take the ordinary path."""

import json
import threading
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pos_transactions import bulk_write
from pos_transactions.ingest_stages import STAGES, time_load_stages
from pos_transactions.models import Sale
from pos_transactions.sales import WriteSummary, write_sales
from pos_transactions.stores import (
    InvalidStore,
    load_store,
    make_adapter,
    read_sales,
)

from conftest import read_json

SALES = 60
BULK = 10  # `bulk_write.MIN_ROWS` in these tests: every load here takes the bulk path
ORDINARY = 10**9
PUSHED = BULK - 2  # a push of the same sales, small enough for the ordinary path


def bulk_store(retailer_id: str, count: int = SALES, hour: int = 10) -> dict:
    """`count` sales cycling through the templates of bulk-sales.json, over a few days."""
    document = read_json("bulk-sales.json")
    templates = document.pop("templates")
    sales = []
    for number in range(count):
        sale = {
            "id": f"B-{number:05d}",
            "completed_at": f"2021-06-{1 + number % 4:02d}T{hour:02d}:00:00Z",
        } | templates[number % len(templates)]
        sales.append(sale)
    document["retailer"] = document["retailer"] | {"id": retailer_id}
    return document | {"sales": sales}


def changed(store: dict) -> dict:
    """The store re-sent a day later: some sales changed (newer, older or same version),
    some new; the rest as they were."""
    sales = [dict(sale) for sale in store["sales"]]
    for number, sale in enumerate(sales):
        if number % 5 == 0 and sale["completed_at"]:  # moved an hour, newer version: updated
            sale["completed_at"] = sale["completed_at"].replace("T10", "T11")
            sale["modified_at"] = "2021-06-02T10:00:00Z" if sale.get("modified_at") else None
        elif number % 7 == 0 and sale.get("modified_at"):  # older version: stale
            sale["lines"] = [{"sku": "OLD", "quantity": 1}]
            sale["modified_at"] = "2021-05-01T10:00:00Z"
    extra = bulk_store(store["retailer"]["id"], SALES + 15)["sales"][SALES:]
    return store | {"sales": sales + extra}


def load(engine, store: dict) -> WriteSummary:
    with Session(engine) as session, session.begin():
        return load_store(session, store, "test").summary


def stored_rows(engine, retailer_id: str) -> list[tuple]:
    """What a retailer's rows hold apart from its pseudonyms (which differ per retailer)."""
    with Session(engine) as session:
        return session.execute(
            select(
                Sale.native_id,
                Sale.status,
                Sale.transacted_on,
                Sale.lines,
                Sale.reported,
                Sale.modified_at,
                Sale.original_id,
            )
            .where(Sale.retailer_id == retailer_id)
            .order_by(Sale.native_id)
        ).all()


@pytest.fixture
def engine(app):
    return app.extensions["pos_transactions.engine"]


@pytest.fixture
def staged(monkeypatch):
    """Counts the writes that went through the staging table."""
    calls = []
    real = bulk_write.stage

    def stage(*arguments):
        calls.append(len(arguments[2]))
        return real(*arguments)

    monkeypatch.setattr(bulk_write, "stage", stage)
    return calls


def on_postgresql(engine) -> bool:
    return engine.dialect.name == "postgresql"


def test_the_bulk_path_counts_and_stores_what_the_ordinary_path_does(engine, monkeypatch, staged):
    summaries = {}
    for retailer_id, threshold in (("bulk-store", BULK), ("plain-store", ORDINARY)):
        monkeypatch.setattr(bulk_write, "MIN_ROWS", threshold)
        store = bulk_store(retailer_id)
        summaries[retailer_id] = [load(engine, store), load(engine, store)]
        summaries[retailer_id].append(load(engine, changed(store)))
    assert summaries["bulk-store"] == summaries["plain-store"]
    first, again, later = summaries["bulk-store"]
    assert first == WriteSummary(created=SALES)
    assert again == WriteSummary(unchanged=SALES)
    assert later.created == 15 and later.updated > 0 and later.stale > 0 and later.unchanged > 0
    assert stored_rows(engine, "bulk-store") == stored_rows(engine, "plain-store")
    assert staged == ([SALES, SALES, SALES + 15] if on_postgresql(engine) else [])


def test_a_conflicting_record_rolls_the_whole_bulk_write_back(engine, monkeypatch, staged):
    monkeypatch.setattr(bulk_write, "MIN_ROWS", BULK)
    store = bulk_store("bulk-store")
    load(engine, store)
    resent = bulk_store("bulk-store", SALES + 20)
    resent["sales"][0]["lines"] = [{"sku": "OTHER", "quantity": 1}]  # same modified_at
    resent["sales"][4]["lines"] = [{"sku": "OTHER", "quantity": 2}]
    with pytest.raises(InvalidStore) as raised:
        load(engine, resent)
    assert [problem.record for problem in raised.value.problems] == ["B-00000", "B-00004"]
    assert len(stored_rows(engine, "bulk-store")) == SALES  # none of the 20 new ones
    assert stored_rows(engine, "bulk-store") == stored_rows_after(engine, store)
    assert staged[:2] == ([SALES, SALES + 20] if on_postgresql(engine) else [])


def stored_rows_after(engine, store: dict) -> list[tuple]:
    """The rows of `store` loaded alone, under another retailer id."""
    load(engine, store | {"retailer": store["retailer"] | {"id": "alone-store"}})
    return stored_rows(engine, "alone-store")


def canonical_sales(store: dict, count: int):
    adapter = make_adapter(store["adapter"], store["retailer"]["timezone"])
    return read_sales(adapter, store["sales"][:count], "push")


def test_a_push_waiting_on_a_bulk_load_of_the_same_sales_counts_them_unchanged(engine, monkeypatch):
    monkeypatch.setattr(bulk_write, "MIN_ROWS", BULK)
    store = bulk_store("bulk-store")
    load(engine, store | {"sales": store["sales"][:1]})  # the retailer exists
    pushed, outcome = canonical_sales(store, PUSHED), {}

    def push() -> None:
        with Session(engine) as session, session.begin():
            outcome["push"] = write_sales(session, "bulk-store", pushed)

    with Session(engine) as session, session.begin():
        outcome["load"] = load_store(session, store, "test").summary
        pusher = threading.Thread(target=push)
        pusher.start()  # it waits for the load's rows (or its lock), committed next
    pusher.join(timeout=120)
    assert not pusher.is_alive()
    assert outcome == {
        "load": WriteSummary(created=SALES - 1, unchanged=1),
        "push": WriteSummary(unchanged=PUSHED),
    }
    assert len(stored_rows(engine, "bulk-store")) == SALES


def test_a_bulk_load_meeting_an_uncommitted_push_of_the_same_sales_counts_them_unchanged(
    engine, monkeypatch, staged
):
    if not on_postgresql(engine):
        pytest.skip("SQLite lets one writer at a time: the load would wait for the push")
    monkeypatch.setattr(bulk_write, "MIN_ROWS", BULK)
    store = bulk_store("bulk-store")
    load(engine, store | {"sales": store["sales"][:1]})
    outcome = {}

    def bulk_load() -> None:
        outcome["load"] = load(engine, store)

    with Session(engine) as session, session.begin():
        outcome["push"] = write_sales(session, "bulk-store", canonical_sales(store, PUSHED))
        loader = threading.Thread(target=bulk_load)
        loader.start()  # its insert waits on the push's uncommitted rows
        wait_until_waiting(engine)
    loader.join(timeout=120)
    assert not loader.is_alive()
    assert outcome == {
        "push": WriteSummary(created=PUSHED - 1, unchanged=1),
        "load": WriteSummary(created=SALES - PUSHED, unchanged=PUSHED),
    }
    assert staged == [SALES]  # the first load, of one sale, took the ordinary path


def wait_until_waiting(engine, seconds: float = 60) -> None:
    """Until another session waits on a lock, or `seconds` passed (the test holds either
    way: a load that starts late sees the pushed rows as stored)."""
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    with engine.connect() as connection:
        for _ in range(int(seconds * 10)):
            if connection.scalar(waiting):
                return
            connection.rollback()
            time.sleep(0.1)


def test_the_stage_timer_loads_a_store_file_as_load_fixture_does(engine, tmp_path):
    path = tmp_path / "store.json"
    path.write_text(json.dumps(bulk_store("timed-store")))
    with Session(engine) as session:
        summary, seconds = time_load_stages(session, path)
    assert summary == WriteSummary(created=SALES)
    assert list(seconds) == list(STAGES) and min(seconds.values()) >= 0
    assert stored_rows(engine, "timed-store") == stored_rows_after(engine, bulk_store("x"))
