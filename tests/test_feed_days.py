"""Whole UTC days of the feed are served from a cache that no write can leave stale."""

import json
import time
from datetime import date, datetime

import pytest
from sqlalchemy import event, select

from pos_transactions import create_app, feed
from pos_transactions.db import SQLITE_BUSY_TIMEOUT_MS, ensure_schema, get_engine, new_session
from pos_transactions.feed import MAX_CACHED_DAYS, ONE_DAY, Rows, split_window, stream_feed
from pos_transactions.feed_days import HotDays, cached_day, invalidate, keep_day
from pos_transactions.models import FeedDay
from pos_transactions.stores import load_store, read_store_file
from pos_transactions.window import Window

from conftest import DATA


@pytest.mark.parametrize(
    ("start", "end", "pieces"),
    [
        # LucidRetail's default poll: yesterday, and the closing midnight instant
        (
            datetime(2021, 4, 2),
            datetime(2021, 4, 3),
            [date(2021, 4, 2), Rows(datetime(2021, 4, 3), datetime(2021, 4, 3), True)],
        ),
        # partial edges around two whole days
        (
            datetime(2021, 4, 1, 6),
            datetime(2021, 4, 4, 7),
            [
                Rows(datetime(2021, 4, 1, 6), datetime(2021, 4, 2), False),
                date(2021, 4, 2),
                date(2021, 4, 3),
                Rows(datetime(2021, 4, 4), datetime(2021, 4, 4, 7), True),
            ],
        ),
        # no whole day inside: rows only
        (
            datetime(2021, 4, 1, 6),
            datetime(2021, 4, 2, 5),
            [Rows(datetime(2021, 4, 1, 6), datetime(2021, 4, 2, 5), True)],
        ),
        (
            datetime(2021, 4, 1, 0, 0, 0, 1),
            datetime(2021, 4, 2),
            [Rows(datetime(2021, 4, 1, 0, 0, 0, 1), datetime(2021, 4, 2), True)],
        ),
        # a single instant
        (
            datetime(2021, 4, 1),
            datetime(2021, 4, 1),
            [Rows(datetime(2021, 4, 1), datetime(2021, 4, 1), True)],
        ),
        # a decade-long back-fill is read as rows, not as thousands of cached days
        (
            datetime(2011, 1, 1),
            datetime(2021, 1, 1),
            [Rows(datetime(2011, 1, 1), datetime(2021, 1, 1), True)],
        ),
    ],
)
def test_split_window(start, end, pieces):
    assert split_window(Window(start, end)) == pieces


def test_at_most_max_cached_days_are_cached():
    start = datetime(2021, 1, 1)
    at_limit = split_window(Window(start, start + MAX_CACHED_DAYS * ONE_DAY))
    over_end = start + (MAX_CACHED_DAYS + 1) * ONE_DAY
    assert sum(not isinstance(piece, Rows) for piece in at_limit) == MAX_CACHED_DAYS
    assert split_window(Window(start, over_end)) == [Rows(start, over_end, True)]


@pytest.fixture
def retailer(load):
    return load("rules.json")


def test_a_day_built_before_a_write_is_not_kept(app, retailer):
    day = date(2021, 3, 11)
    with app.app_context():
        with get_engine().connect() as connection:
            version, document = cached_day(connection, retailer, day)
        assert document is None and version is not None  # loading the store touched the day
        with new_session() as session, session.begin():
            invalidate(session, retailer, {day})  # a write lands while the day is being built
        with get_engine().connect() as connection:
            keep_day(connection, retailer, day, version, "stale")
            assert cached_day(connection, retailer, day) == (version + 1, None)
            keep_day(connection, retailer, day, version + 1, "current")
            assert cached_day(connection, retailer, day) == (version + 1, "current")


def test_a_day_no_write_ever_touched_is_kept_unless_one_lands(app, retailer):
    quiet, busy = date(2020, 1, 1), date(2020, 1, 2)
    with app.app_context():
        with get_engine().connect() as connection:
            assert cached_day(connection, retailer, quiet) == (None, None)
            keep_day(connection, retailer, quiet, None, "")
        with new_session() as session, session.begin():
            invalidate(session, retailer, {busy})
        with get_engine().connect() as connection:
            keep_day(connection, retailer, busy, None, "stale")  # built before the write
            assert cached_day(connection, retailer, quiet) == (0, "")
            assert cached_day(connection, retailer, busy) == (1, None)


def test_invalidating_bumps_every_named_day(app, retailer):
    days = {date(2022, 5, 1), date(2022, 5, 2)}
    with app.app_context():
        for _ in range(2):
            with new_session() as session, session.begin():
                invalidate(session, retailer, days)
        with new_session() as session:
            stored = session.execute(
                select(FeedDay.day, FeedDay.version).where(FeedDay.day.in_(days))
            ).all()
    assert sorted(stored) == [(date(2022, 5, 1), 2), (date(2022, 5, 2), 2)]


def test_days_are_built_only_as_the_body_reaches_them(app, retailer):
    """One piece in memory at a time: a month's back-fill never holds every day at once."""
    window = Window(datetime(2021, 3, 9), datetime(2021, 3, 14))
    with app.app_context(), get_engine().connect() as connection:
        body = stream_feed(connection, retailer, window)
        first = [next(body), next(body)]  # "[" and the 10th's one sale (the 9th is empty)
        with new_session() as session:
            built = set(session.scalars(select(FeedDay.day).where(FeedDay.document.is_not(None))))
        assert built == {date(2021, 3, 9), date(2021, 3, 10)}
        transactions = json.loads("".join(first + list(body)))
    assert len(transactions) == 6
    assert transactions[0]["items"] == [
        "T7ee3xE2n5LPXonkcwXkoF"
    ]  # S-7, 23:59:59.999999 on the 10th


def test_a_poll_does_not_wait_for_a_writer_to_cache_a_day(app, retailer):
    """A long store load holds the day; the poll serves without caching instead of waiting."""
    day = date(2021, 3, 11)
    with app.app_context():
        with get_engine().connect() as connection:
            version, _ = cached_day(connection, retailer, day)
        with new_session() as writer, writer.begin():
            invalidate(writer, retailer, {day})  # uncommitted: the day is locked
            writer.flush()
            started = time.monotonic()
            with get_engine().connect() as connection:
                keep_day(connection, retailer, day, version, "would be stale")
            waited = time.monotonic() - started
        with get_engine().connect() as connection:
            assert cached_day(connection, retailer, day) == (version + 1, None)
    assert waited < 5  # not the 10 s a connection otherwise waits for a lock


def test_hot_days_stay_within_their_budget():
    hot = HotDays(budget=100)
    for number in range(5):
        hot.put(("r", date(2021, 1, number + 1), 1), "x" * 24)
    assert hot.size <= 100 and hot.get(("r", date(2021, 1, 1), 1)) is None  # the oldest went
    assert hot.get(("r", date(2021, 1, 5), 1)) == "x" * 24
    hot.put(("r", date(2021, 2, 1), 1), "y" * 26)  # over a quarter of the budget: not kept
    assert hot.get(("r", date(2021, 2, 1), 1)) is None


def test_two_databases_never_share_a_cached_day(tmp_path):
    """Same retailer, same day, same version, different databases: different documents."""
    bodies = []
    for name in ("one", "two"):
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / name}.db"})
        with app.app_context():
            load_rules(app)
            with get_engine().connect() as connection:
                window = Window(datetime(2021, 3, 11), datetime(2021, 3, 12))
                for _ in range(2):  # the second read is served from the worker's memory
                    body = "".join(stream_feed(connection, "rules-store", window))
        app.extensions["pos_transactions.engine"].dispose()
        bodies.append(body)
    first, second = (json.loads(body) for body in bodies)
    assert sorted(sale["items"] for sale in first) == sorted(sale["items"] for sale in second)
    ids = [{sale["transaction_id"] for sale in body} for body in (first, second)]
    assert not ids[0] & ids[1]  # each database's own key: no document served twice


def load_rules(app) -> None:
    path = DATA / "rules.json"
    with new_session() as session, session.begin():
        load_store(session, read_store_file(path), str(path), path.parent)


def test_caching_a_day_gives_sqlite_connections_back_with_their_usual_lock_wait(app, retailer):
    with app.app_context():
        engine = get_engine()
        if engine.dialect.name != "sqlite":
            pytest.skip("SQLite's lock wait is per connection; PostgreSQL's is per transaction")
        with engine.connect() as connection:
            version, _ = cached_day(connection, retailer, date(2021, 3, 11))
            keep_day(connection, retailer, date(2021, 3, 11), version, "[]")
        waits = set()
        connections = [engine.connect() for _ in range(3)]  # the pooled writer among them
        for pooled in connections:
            waits.add(pooled.exec_driver_sql("PRAGMA busy_timeout").scalar())
            pooled.close()
    assert waits == {SQLITE_BUSY_TIMEOUT_MS}


# ---------------------------------------------------------------- the worker's hot days

WHOLE_DAYS = "/api/v1/transactions/?start_date=2021-03-10&end_date=2021-03-13"
DOCUMENT_READ = "SELECT feed_day.document"


@pytest.fixture
def statements(app):
    """Every SQL statement the application runs from now on, in order."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_):
        seen.append(statement)

    with app.app_context():
        engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_repeated_poll_is_served_from_the_workers_memory(
    client, retailer, token_headers, statements
):
    headers = token_headers(retailer)
    bodies, document_reads = [], []
    for _ in range(3):  # builds and keeps the days; reads them back; serves them from memory
        statements.clear()
        bodies.append(client.get(WHOLE_DAYS, headers=headers).get_data(as_text=True))
        document_reads.append(sum(s.lstrip().startswith(DOCUMENT_READ) for s in statements))
    assert len(set(bodies)) == 1 and len(json.loads(bodies[0])) == 6
    assert document_reads == [0, 3, 0]


@pytest.mark.parametrize(
    ("puts", "gets", "kept"),
    [
        # exactly the budget (100) fits; one character more evicts the least recently used
        ([("a", 25), ("b", 25), ("c", 25), ("d", 25)], [], "abcd"),
        ([("a", 25), ("b", 25), ("c", 25), ("d", 25), ("e", 1)], [], "bcde"),
        # reading a day makes it the most recently used: the next eviction spares it
        ([("a", 25), ("b", 25), ("c", 25), ("d", 25)], ["a"], "abcd"),
        ([("a", 25), ("b", 25), ("c", 25), ("d", 25), ("e", 10)], ["a"], "acde"),
        # a quarter of the budget is kept, more is refused (it would push out every other)
        ([("a", 25)], [], "a"),
        ([("a", 26)], [], ""),
        # a key is put once: a second put neither replaces nor counts twice
        ([("a", 25), ("a", 20), ("b", 25), ("c", 25), ("d", 25)], [], "abcd"),
    ],
)
def test_hot_days_keep_the_most_recently_used_within_their_budget(puts, gets, kept):
    """`gets` are read just before the last put."""
    hot = HotDays(budget=100)
    *first, (last, last_size) = puts
    for name, size in first:
        hot.put(key(name), name * size)
    for name in gets:
        assert hot.get(key(name)) == name * dict(first)[name]
    hot.put(key(last), last * last_size)
    held = {name: hot.documents[key(name)] for name in "abcde" if key(name) in hot.documents}
    assert "".join(held) == kept
    first_sizes = {}
    for name, size in puts:
        first_sizes.setdefault(name, size)  # the first put of a key is the one kept
    assert held == {name: name * first_sizes[name] for name in held}
    assert hot.size == sum(map(len, held.values())) <= hot.budget


def key(name: str) -> tuple:
    return ("r", name, 1)


def test_a_day_cleared_between_its_version_and_its_document_is_rebuilt(app, retailer):
    """A write lands between the two reads of `cached_day`: the day is served as not cached
    (and rebuilt from rows), never as a missing document."""
    day = date(2021, 3, 11)
    with app.app_context():
        with get_engine().connect() as connection:
            version, _ = cached_day(connection, retailer, day)
            keep_day(connection, retailer, day, version, "the old document")
        engine = get_engine()

        written = []

        def write_first(_connection, _cursor, statement, *_):
            if statement.lstrip().startswith(DOCUMENT_READ) and not written:
                written.append(day)
                with new_session() as session, session.begin():
                    invalidate(session, retailer, {day})

        event.listen(engine, "before_cursor_execute", write_first)
        try:
            with engine.connect() as connection:
                assert cached_day(connection, retailer, day) == (version, None)
                window = Window(datetime(2021, 3, 11), datetime(2021, 3, 12))
                served = json.loads("".join(stream_feed(connection, retailer, window)))
        finally:
            event.remove(engine, "before_cursor_execute", write_first)
    assert written == [day] and len(served) == 4  # rebuilt from the sales, not the old document


def test_after_a_release_every_later_poll_serves_the_new_objects(
    app, client, retailer, token_headers, monkeypatch
):
    """The worker holds the days in memory under two versions (before and after a write);
    a release must move every day past both, so no later poll finds the old document."""
    headers = token_headers(retailer)
    days = {date(2021, 3, 10), date(2021, 3, 11), date(2021, 3, 12)}
    for _ in range(3):
        client.get(WHOLE_DAYS, headers=headers)
    with app.app_context(), new_session() as session, session.begin():
        invalidate(session, retailer, days)
    for _ in range(3):
        before = client.get(WHOLE_DAYS, headers=headers).json
    original = feed.transaction_object
    monkeypatch.setattr(feed, "FEED_FORMAT", "next-release")
    monkeypatch.setattr(feed, "transaction_object", lambda *args: original(*args) | {"r": 2})
    with app.app_context():
        ensure_schema(get_engine())
    for _ in range(3):
        after = client.get(WHOLE_DAYS, headers=headers).json
        assert [sale | {"r": 2} for sale in before] == after
