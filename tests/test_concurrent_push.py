"""Pushes racing each other: the same sales sent at once by several clients all succeed and
leave what one push leaves; a write that keeps losing races answers 503, never 500; a bulk
load holds back no other retailer's push or poll (PostgreSQL), and on SQLite a push waits
its documented budget for the load's lock, then answers 503 and says why in the log."""

import json
import logging
import os
import sqlite3
import threading
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from tenacity import wait_none
from test_serving import start  # noqa: F401  (the `start` fixture)

from pos_transactions import create_app, write_retry
from pos_transactions.credentials import Scope, create_credential
from pos_transactions.db import new_session
from pos_transactions.models import Sale
from pos_transactions.stores import load_store, read_store_file
from pos_transactions.write_retry import WriteContention, is_lost_race, write_attempts

from conftest import DATA, read_json
from live_server import free_port, gunicorn_command, wait_until_serving

PUSHERS = 4
ROUNDS = 3
SALES_PER_PUSH = 1000


class FakeDriverError(Exception):
    def __init__(self, sqlstate: str | None, message: str = "") -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def database_error(kind, sqlstate: str | None, message: str = ""):
    return kind("INSERT INTO sale ...", None, FakeDriverError(sqlstate, message))


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (database_error(OperationalError, "40P01"), True),  # deadlock detected
        (database_error(OperationalError, "40001"), True),  # serialization failure
        (database_error(IntegrityError, "23505"), True),  # unique violation (PostgreSQL)
        (database_error(IntegrityError, None, "UNIQUE constraint failed: sale.id"), True),
        (database_error(IntegrityError, "23503"), False),  # a foreign key: not a race
        (database_error(OperationalError, "08006"), False),  # the connection went away
        (database_error(OperationalError, None, "database is locked"), False),  # waited enough
        (ValueError("not a database error"), False),
    ],
)
def test_only_errors_of_a_lost_race_are_retried(error, retried):
    assert is_lost_race(error) is retried


def failing(errors: list[Exception]):
    calls = []

    def write():
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "written"

    return write, calls


def attempt_writing(write):
    for attempt in write_attempts():
        with attempt:
            result = write()
    return result


def test_a_write_that_lost_a_race_is_tried_again(monkeypatch):
    monkeypatch.setattr(write_retry, "PAUSE", wait_none())
    write, calls = failing([database_error(OperationalError, "40P01")] * 2)
    assert attempt_writing(write) == "written" and len(calls) == 3


def test_a_write_that_keeps_losing_gives_up_as_a_database_error(monkeypatch):
    monkeypatch.setattr(write_retry, "PAUSE", wait_none())
    write, calls = failing([database_error(IntegrityError, "23505")] * 5)
    with pytest.raises(WriteContention) as raised:
        attempt_writing(write)
    assert isinstance(raised.value, OperationalError) and len(calls) == write_retry.ATTEMPTS


def test_other_errors_are_not_retried():
    write, calls = failing([database_error(IntegrityError, "23503")])
    with pytest.raises(IntegrityError):
        attempt_writing(write)
    assert len(calls) == 1


def test_a_push_that_keeps_losing_races_is_a_503_not_a_500(app, client, monkeypatch, push):
    monkeypatch.setattr(write_retry, "PAUSE", wait_none())

    def deadlocked(*arguments):
        raise database_error(OperationalError, "40P01")

    monkeypatch.setattr("pos_transactions.stores.write_sales", deadlocked)
    response = push(read_json("push-sales.json"))
    assert response.status_code == 503 and response.is_json


@pytest.fixture
def push(client, load, tmp_path, token_headers):
    path = tmp_path / "push-only.json"
    path.write_text(json.dumps(read_json("rules.json") | {"sales": []}))
    ingest = token_headers(load(path), Scope.INGEST)
    return lambda body: client.post("/api/v1/sales/", json=body, headers=ingest)


# ---------------------------------------------------------------- real workers at once


def new_sales(prefix: str, count: int) -> list[dict]:
    """`count` new sales over three days, cycling through the shapes of push-sales.json."""
    shapes = read_json("push-sales.json")
    return [
        shapes[number % len(shapes)]
        | {
            "id": f"{prefix}-{number:04d}",
            "completed_at": f"2021-03-{11 + number % 3}T{number % 24:02d}:30:00Z",
        }
        for number in range(count)
    ]


def prepare(database_url: str) -> tuple[str, str]:
    """The push-only retailer and its two credentials, committed before any worker starts."""
    app = create_app({"DATABASE_URL": database_url})
    path = DATA / "rules.json"
    store = read_store_file(path) | {"sales": []}
    with app.app_context(), new_session() as session, session.begin():
        retailer = load_store(session, store, str(path), DATA).retailer_id
        ingest = create_credential(session, retailer, Scope.INGEST).secret
        feed = create_credential(session, retailer, Scope.FEED).secret
    app.extensions["pos_transactions.engine"].dispose()
    return ingest, feed


def test_identical_pushes_at_once_to_real_workers_all_succeed(database_url, start):  # noqa: F811
    ingest, feed = prepare(database_url)
    port = free_port()
    server = start(
        gunicorn_command(port, PUSHERS, "--timeout", "300"),
        {"PATH": os.environ["PATH"], "DATABASE_URL": database_url},
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    wait_until_serving(base + "/transactions/", server)
    for round_number in range(ROUNDS):
        body = json.dumps(new_sales(f"R{round_number}", SALES_PER_PUSH))
        answers = pushed_at_once(base + "/sales/", ingest, body)
        assert [answer.status_code for answer in answers] == [201] * PUSHERS, [
            answer.text for answer in answers
        ]
        summaries = [answer.json() for answer in answers]
        assert sum(summary["created"] for summary in summaries) == SALES_PER_PUSH
        assert all(sum(summary.values()) == SALES_PER_PUSH for summary in summaries)
        assert {summary["updated"] for summary in summaries} == {0}  # the same sales, all
        again = requests.post(
            base + "/sales/", data=body, headers=json_headers(ingest), timeout=300
        )
        assert again.json() == {
            "created": 0, "updated": 0, "unchanged": SALES_PER_PUSH, "stale": 0
        }
    window = "/transactions/?start_date=2021-03-11&end_date=2021-03-14"
    served = requests.get(base + window, headers={"Authorization": f"Token {feed}"}, timeout=300)
    reported = [sale for sale in new_sales("R", SALES_PER_PUSH) if is_served(sale)]
    transactions = served.json()
    assert len(transactions) == ROUNDS * len(reported)
    assert len({transaction["transaction_id"] for transaction in transactions}) == len(transactions)
    assert stored_sales(database_url) == ROUNDS * SALES_PER_PUSH


def json_headers(secret: str) -> dict[str, str]:
    return {"Authorization": f"Token {secret}", "Content-Type": "application/json"}


def pushed_at_once(url: str, secret: str, body: str) -> list[requests.Response]:
    barrier = threading.Barrier(PUSHERS)
    answers: list = [None] * PUSHERS

    def send(slot: int) -> None:
        barrier.wait()
        answers[slot] = requests.post(url, data=body, headers=json_headers(secret), timeout=300)

    threads = [threading.Thread(target=send, args=(slot,)) for slot in range(PUSHERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def is_served(record: dict) -> bool:
    return record["status"] == "completed" and any(
        line.get("lucid_ids") for line in record["lines"]
    )


def stored_sales(database_url: str) -> int:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.select(sa.func.count()).select_from(Sale))
    finally:
        engine.dispose()


# ---------------------------------------------------------------- a bulk load in progress


def test_sqlite_push_waits_its_budget_for_a_bulk_load_then_answers_503(
    database_url, tmp_path, caplog
):
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL locks rows, not the database")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SQLITE_BUSY_TIMEOUT_MS": 200})
    ingest = ingest_headers(app, tmp_path)
    loader = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    loader.execute("BEGIN IMMEDIATE")  # a bulk load holds the write lock
    try:
        with caplog.at_level(logging.WARNING):
            busy = app.test_client().post(
                "/api/v1/sales/", json=read_json("push-sales.json"), headers=ingest
            )
    finally:
        loader.execute("ROLLBACK")
        loader.close()
    assert busy.status_code == 503 and busy.is_json
    assert "database busy (locked by another writer)" in caplog.text
    done = app.test_client().post(
        "/api/v1/sales/", json=read_json("push-sales.json"), headers=ingest
    )
    assert done.status_code == 201 and done.json["created"] == 4
    app.extensions["pos_transactions.engine"].dispose()


def ingest_headers(app, tmp_path: Path, retailer_id: str = "rules-store") -> dict[str, str]:
    path = tmp_path / f"{retailer_id}.json"
    store = read_json("rules.json") | {"sales": []}
    store["retailer"] = store["retailer"] | {"id": retailer_id}
    path.write_text(json.dumps(store))
    with app.app_context(), new_session() as session, session.begin():
        load_store(session, read_store_file(path), str(path), DATA)
        secret = create_credential(session, retailer_id, Scope.INGEST).secret
    return {"Authorization": f"Token {secret}"}


def test_a_postgresql_bulk_load_holds_back_no_other_retailers_push_nor_any_poll(
    database_url, tmp_path
):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: see the test above")
    url = sa.engine.make_url(database_url)
    options = url.query["options"] + " -clock_timeout=5000 -cstatement_timeout=60000"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url.update_query_dict({"options": options}).render_as_string(
                hide_password=False
            ),
        }
    )
    client = app.test_client()
    rules = DATA / "rules.json"
    with app.app_context(), new_session() as session, session.begin():
        load_store(session, read_store_file(rules), str(rules), DATA)
        feed_headers = {
            "Authorization": f"Token {create_credential(session, 'rules-store').secret}"
        }
    other = ingest_headers(app, tmp_path, "other-store")
    other_feed = feed_headers_for(app, "other-store")
    window = "/api/v1/transactions/?start_date=2021-03-09&end_date=2021-03-14"
    before = client.get(window, headers=feed_headers).get_data(as_text=True)
    reloaded = read_store_file(rules)
    reloaded["sales"] = [sale | {"customer_id": "moved-on"} for sale in reloaded["sales"]]
    with app.app_context(), new_session() as loading, loading.begin():
        load_store(loading, reloaded, str(rules), DATA)  # every sale and day of the store
        loading.flush()  # written, locked, not committed: a load in progress
        pushed = client.post("/api/v1/sales/", json=read_json("push-sales.json"), headers=other)
        polled = client.get(window, headers=feed_headers)
        polled_other = client.get(window, headers=other_feed)
        loading.rollback()
    assert pushed.status_code == 201 and pushed.json["created"] == 4
    assert polled.status_code == 201 and polled.get_data(as_text=True) == before
    assert polled_other.status_code == 201 and len(polled_other.json) == 2
    app.extensions["pos_transactions.engine"].dispose()


def feed_headers_for(app, retailer_id: str) -> dict[str, str]:
    with app.app_context(), new_session() as session, session.begin():
        return {"Authorization": f"Token {create_credential(session, retailer_id).secret}"}
