"""The benchmark's own helpers (benchmarks/): what its figures rest on.

The references must serve the service's very bytes (a reference that differs measures
something else), the bulk copy must rebuild whatever indexes `sale` has, and the parsers
of wrk's report and of the cold pattern's polls must read what they claim to.
"""

import sqlite3
import uuid
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
import shortuuid

from benchmarks import generate, reference, reference_postgresql
from benchmarks.build import bulk_writer, sqlite_url
from benchmarks.copy_postgresql import psycopg_url
from benchmarks.polling import Poll, Polls
from benchmarks.scenarios_windows import whole_days
from benchmarks.serving import parse_wrk, transaction_count
from pos_transactions.canonical import Sale, SaleLine, SaleStatus
from pos_transactions.db import ensure_schema, make_engine
from pos_transactions.feed import feed_document
from pos_transactions.window import Window

END = date(2021, 3, 31)
STORE = "bench-reference"


def _whole_second_sale() -> Sale:
    """A sale at a whole second (no microseconds in the feed) with a weighed line."""
    return Sale(
        id="whole-second",
        status=SaleStatus.COMPLETED,
        completed_at=datetime(2021, 3, 30, 12, 0, 0, tzinfo=UTC),
        customer_id=None,
        employee_id="E-1",
        lines=(SaleLine("SKU-1", Decimal("2.5"), (shortuuid.encode(uuid.UUID(int=1)),)),),
    )


@pytest.fixture
def stored_store(database_url):
    engine = make_engine(database_url)
    generate.load_sales(engine, STORE, generate.synthetic_sales(STORE, 600, END, 2))
    generate.load_sales(engine, STORE, [_whole_second_sale()])
    yield engine
    engine.dispose()


def _reference_body(database_url: str, start: datetime, end: datetime) -> bytes:
    start_text, end_text = (moment.strftime("%Y-%m-%d %H:%M:%S.%f") for moment in (start, end))
    if database_url.startswith("sqlite"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as connection:
            return b"".join(reference.feed_chunks(connection, STORE, start_text, end_text))
    with psycopg.connect(psycopg_url(database_url)) as connection:
        cursor = connection.execute(reference_postgresql.FEED_SQL, (STORE, start_text, end_text))
        return b"".join(reference.json_array_chunks(cursor))


def test_the_references_serve_the_services_bytes(stored_store, database_url):
    window = Window(*whole_days(END, 2))
    with stored_store.connect() as connection:
        served = feed_document(connection, STORE, window).encode()
    assert transaction_count(served) > 300
    assert b'"transacted_on":"2021-03-30T12:00:00Z"' in served
    assert _reference_body(database_url, window.start, window.end) == served


def _indexes(connection: sqlite3.Connection) -> set[tuple[str, str]]:
    return set(
        connection.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = 'sale' AND sql IS NOT NULL"
        )
    )


def test_the_bulk_writer_drops_and_rebuilds_every_index_of_sale(tmp_path):
    path = tmp_path / "bulk.sqlite3"
    engine = make_engine(sqlite_url(path))
    ensure_schema(engine)
    engine.dispose()
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute(
            "CREATE INDEX ix_bench_partial ON sale (retailer_id, transacted_on) WHERE reported"
        )
        before = _indexes(connection)
    assert "ix_bench_partial" in {name for name, _ in before}
    with bulk_writer(path) as connection:
        during = _indexes(connection)
    with closing(sqlite3.connect(path)) as connection:
        after = _indexes(connection)
    assert during == set()
    assert after == before


WRK_REPORT = """Running 3s test @ http://127.0.0.1:1/api/v1/transactions/
  Latency Distribution
     50%    2.70ms
     75%  900.00us
     99%    1.20s
  1200 requests in 3.00s, 1.00GB read
  Non-2xx or 3xx responses: 7
Requests/sec:    400.50
"""


@pytest.mark.parametrize(
    ("name", "value"), [("rps", 400.5), ("p50", 2.7), ("p99", 1200.0), ("non_2xx", 7.0)]
)
def test_parse_wrk_reads_each_figure_in_milliseconds(name, value):
    assert parse_wrk(WRK_REPORT)[name] == pytest.approx(value)


def test_polls_count_failures_and_rank_latencies():
    answered = [Poll(seconds=n / 1000, status=201, digest="", transactions=1) for n in range(99)]
    polls = Polls(wall_seconds=2.0, polls=[*answered, Poll(5.0, 0, "", 0)])
    assert polls.rate == 50
    assert polls.failed == 1
    assert polls.percentile_ms(50) == pytest.approx(49.5)
    assert polls.percentile_ms(99) > 98


@pytest.mark.parametrize(
    ("days", "start"), [(1, datetime(2021, 3, 30)), (30, datetime(2021, 3, 1))]
)
def test_whole_days_run_from_a_midnight_to_the_end_midnight(days, start):
    assert whole_days(END, days) == (start, datetime(2021, 3, 31))
    assert whole_days(END, days)[1] - whole_days(END, days)[0] == timedelta(days=days)
