"""Days a worker serves again come from its memory, and no write can leave them stale."""

import json
from datetime import date, datetime

import pytest
from sqlalchemy import event, select

from pos_transactions import create_app, feed, feed_ranges
from pos_transactions.db import ensure_schema, get_engine, new_session
from pos_transactions.feed import (
    MAX_CACHED_DAYS,
    ONE_DAY,
    Rows,
    merge_ranges,
    split_window,
    stream_feed,
)
from pos_transactions.feed_days import SEEN_ONCE, HotDays, KeptDay, invalidate
from pos_transactions.models import FeedDay, Sale
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


D1, D2, D3 = datetime(2021, 4, 1), datetime(2021, 4, 2), datetime(2021, 4, 3)


@pytest.mark.parametrize(
    ("pieces", "merged"),
    [
        # a first poll: the day read as rows joins the closing instant, one query
        ([Rows(D1, D2, False), Rows(D2, D2, True)], [Rows(D1, D2, True)]),
        # a kept day between two ranges keeps them apart
        (
            [Rows(D1, D2, False), D2.date(), Rows(D3, D3, True)],
            [Rows(D1, D2, False), D2.date(), Rows(D3, D3, True)],
        ),
        # runs on either side of a day are each merged
        (
            [Rows(D1, D2, False), Rows(D2, D2 + ONE_DAY / 2, False), D3.date(), Rows(D3, D3, True)],
            [Rows(D1, D2 + ONE_DAY / 2, False), D3.date(), Rows(D3, D3, True)],
        ),
        ([D1.date(), D2.date()], [D1.date(), D2.date()]),
        ([Rows(D1, D1, True)], [Rows(D1, D1, True)]),
    ],
)
def test_adjacent_ranges_are_read_as_one(pieces, merged):
    assert merge_ranges(pieces) == merged


@pytest.fixture
def retailer(load):
    return load("rules.json")


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


def test_a_response_holds_one_slice_of_the_window_at_a_time(app, retailer, monkeypatch):
    """Whatever the window, the body is slices of at most PAGE_ROWS objects."""
    monkeypatch.setattr(feed_ranges, "PAGE_ROWS", 2)
    window = Window(datetime(2021, 3, 9), datetime(2021, 3, 14))
    with app.app_context(), get_engine().connect() as connection:
        chunks = list(stream_feed(connection, retailer, window))
    objects = [chunk.count(b'{"transacted_on"') for chunk in chunks]
    assert max(objects) == 2 and sum(objects) == len(json.loads(b"".join(chunks))) == 6


def test_two_databases_never_share_a_kept_day(tmp_path):
    """Same retailer, same day, same version, different databases: different documents."""
    bodies = []
    for name in ("one", "two"):
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / name}.db"})
        with app.app_context():
            load_rules(app)
            with get_engine().connect() as connection:
                window = Window(datetime(2021, 3, 11), datetime(2021, 3, 12))
                for _ in range(3):  # the third read is served from the worker's memory
                    body = b"".join(stream_feed(connection, "rules-store", window))
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


# ---------------------------------------------------------------- the worker's hot days

WHOLE_DAYS = "/api/v1/transactions/?start_date=2021-03-10&end_date=2021-03-13"
VERSION_READ = "SELECT feed_day.day, feed_day.version"
# A range of the feed index: SQLite reads it whole, PostgreSQL a page at a time.
SALES_READ = ("SELECT sale.feed_json", "SELECT anon_1.feed_json")


@pytest.fixture
def statements(app):
    """Every SQL statement the application runs from now on, in order."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_):
        seen.append(statement.lstrip())

    with app.app_context():
        engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_day_is_kept_when_asked_for_again_and_then_served_from_memory(
    client, retailer, token_headers, statements
):
    """First poll: one range query, no version read, nothing kept (most days are asked for
    once).  Second: versions read, each day read and kept.  Third: only the edges read."""
    headers = token_headers(retailer)
    bodies, versions_read, ranges_read = [], [], []
    for _ in range(3):
        statements.clear()
        bodies.append(client.get(WHOLE_DAYS, headers=headers).get_data(as_text=True))
        versions_read.append(sum(s.startswith(VERSION_READ) for s in statements))
        ranges_read.append(sum(s.startswith(SALES_READ) for s in statements))
    assert len(set(bodies)) == 1 and len(json.loads(bodies[0])) == 6
    assert versions_read == [0, 1, 1]
    assert ranges_read == [1, 4, 1]  # 3 days and the closing instant; then the instant alone


@pytest.mark.parametrize(
    ("puts", "gets", "kept"),
    [
        # exactly the budget (100) fits; one byte more evicts the least recently used
        ([("a", 25), ("b", 25), ("c", 25), ("d", 25)], [], "abcd"),
        ([("a", 25), ("b", 25), ("c", 25), ("d", 25), ("e", 1)], [], "bcde"),
        # reading a day makes it the most recently used: the next eviction spares it
        ([("a", 25), ("b", 25), ("c", 25), ("d", 25)], ["a"], "abcd"),
        ([("a", 25), ("b", 25), ("c", 25), ("d", 25), ("e", 10)], ["a"], "acde"),
        # the largest day kept (30 here) is kept, a bigger one refused
        ([("a", 30)], [], "a"),
        ([("a", 31)], [], ""),
        # a day kept again under the same version neither replaces nor counts twice
        ([("a", 25), ("a", 20), ("b", 25), ("c", 25), ("d", 25)], [], "abcd"),
    ],
)
def test_hot_days_keep_the_most_recently_used_within_their_budget(puts, gets, kept):
    """`gets` are read just before the last put."""
    hot = HotDays(budget=100, largest=30)
    *first, (last, last_size) = puts
    for name, size in first:
        hot.put("r", name, day(name, size))
    for name in gets:
        assert hot.get("r", name, 1) == day(name, dict(first)[name])
    hot.put("r", last, day(last, last_size))
    held = {name: hot.days[("r", name)] for name in "abcde" if ("r", name) in hot.days}
    assert "".join(held) == kept
    first_sizes = {}
    for name, size in puts:
        first_sizes.setdefault(name, size)  # the first put of a version is the one kept
    assert held == {name: day(name, first_sizes[name]) for name in held}
    assert hot.size == sum(kept.size for kept in held.values()) <= hot.budget


def day(name: str, size: int, version: int = 1) -> KeptDay:
    return KeptDay(version, (name.encode() * size,), 1)


def test_a_kept_day_is_served_only_under_its_version_and_never_goes_back():
    hot = HotDays(budget=100, largest=30)
    hot.put("r", "d", day("a", 5, version=2))
    assert hot.get("r", "d", 2) == day("a", 5, version=2)
    assert hot.get("r", "d", 1) is None and hot.get("r", "d", 3) is None
    hot.put("r", "d", day("b", 5, version=1))  # a slower request's older read
    assert hot.get("r", "d", 2) == day("a", 5, version=2)
    hot.put("r", "d", day("c", 7, version=3))
    assert hot.get("r", "d", 3) == day("c", 7, version=3) and hot.size == 7


def test_days_asked_for_once_are_remembered_within_a_bound():
    hot = HotDays()
    assert hot.asked_before("r", date(2021, 1, 1)) is False
    assert hot.asked_before("r", date(2021, 1, 1)) is True
    for number in range(SEEN_ONCE):
        hot.asked_before(f"other-{number}", date(2021, 1, 1))
    assert len(hot.seen) == SEEN_ONCE
    assert hot.asked_before("r", date(2021, 1, 1)) is False  # the oldest was forgotten


def test_versions_are_read_before_rows_and_a_write_sends_the_next_poll_to_the_rows(
    app, client, retailer, token_headers, statements
):
    """A kept day is never older than its version because the version is read first; a
    write bumps the version, so the next poll reads the day's rows again."""
    headers = token_headers(retailer)
    client.get(WHOLE_DAYS, headers=headers)  # asked once: remembered
    statements.clear()
    kept = client.get(WHOLE_DAYS, headers=headers).json
    reads = [s for s in statements if s.startswith((VERSION_READ, *SALES_READ))]
    assert reads[0].startswith(VERSION_READ) and len(reads) == 5
    with app.app_context(), new_session() as session, session.begin():
        invalidate(session, retailer, {date(2021, 3, 11)})
    statements.clear()
    assert client.get(WHOLE_DAYS, headers=headers).json == kept
    assert sum(s.startswith(SALES_READ) for s in statements) == 2  # the 11th and the instant


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


@pytest.mark.parametrize("asks_before", [0, 1, 2])
def test_a_window_is_sent_from_one_snapshot(app, retailer, monkeypatch, asks_before):
    """A sale moved to a later time after its page was sent is not sent again by a later
    page or piece: asked for the first time (one range, several pages), the second (each
    day read apart, to be kept) or the third (kept days and rows), the window is read from
    one snapshot."""
    monkeypatch.setattr(feed_ranges, "PAGE_ROWS", 2)
    window = Window(datetime(2021, 3, 9), datetime(2021, 3, 14))
    with app.app_context():
        for _ in range(asks_before):
            with get_engine().connect() as connection:
                feed.feed_document(connection, retailer, window)
        with new_session() as session:  # the window as stored, before the move
            expected = [
                json.loads(text)
                for text in session.scalars(
                    select(Sale.feed_json)
                    .where(Sale.reported, Sale.transacted_on.between(window.start, window.end))
                    .order_by(Sale.transacted_on, Sale.transaction_id)
                )
            ]
        first = expected[0]["transaction_id"]
        with get_engine().connect() as connection:
            chunks = iter(stream_feed(connection, retailer, window))
            sent = [next(chunks), next(chunks)]  # "[" and the first page
            with new_session() as session, session.begin():
                moved = session.scalars(select(Sale).where(Sale.transaction_id == first)).one()
                moved.transacted_on = datetime(2021, 3, 13, 23)
                moved.feed_json = moved.feed_json.replace(
                    expected[0]["transacted_on"], "2021-03-13T23:00:00Z"
                )
            served = json.loads(b"".join(sent + list(chunks)))
    assert served == expected
    assert [sale["transaction_id"] for sale in served].count(first) == 1
