"""Building the benchmark's SQLite databases.

`write_sales` is the slow part of a build, so the big stores are built in two steps: a
template store is written through `write_sales`, then copied inside SQLite with plain SQL
(new retailer ids, or the days shifted with each copy's `feed_json` time rewritten to match).
The copies are inserted in time order, so the rows of one store are spread across the table
among every other store's rows, as they are in a live multi-tenant database.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from benchmarks.generate import load_sales, synthetic_sales
from benchmarks.sizes import BUSY, COLD_TEMPLATE, DAYS_STORE, TEMPLATE, WINDOW_STORE, Sizes
from pos_transactions.credentials import Scope, create_credential
from pos_transactions.db import ensure_schema, make_engine
from pos_transactions.models import Retailer, Sale

SALE_COLUMNS = [column.name for column in Sale.__table__.columns if column.name != "id"]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def add_retailers(engine: sa.Engine, retailer_ids: list[str]) -> None:
    with Session(engine) as session, session.begin():
        for retailer_id in retailer_ids:
            session.merge(
                Retailer(
                    id=retailer_id,
                    name=f"Bench {retailer_id}",
                    timezone="America/Los_Angeles",
                    adapter="generic",
                    adapter_options={},
                )
            )


@contextmanager
def bulk_writer(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for one big copy: no journal, a big cache, and every index of `sale`
    dropped during the copy and rebuilt after (one sort beats millions of scattered
    inserts).  The indexes are read from the schema, whatever their names or WHERE
    clauses, and rebuilt from their own stored definitions, so they are the service's."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2000000"):
        connection.execute(f"PRAGMA {pragma}")
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master "
        "WHERE type = 'index' AND tbl_name = 'sale' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    try:
        yield connection
        for _, definition in indexes:
            connection.execute(definition)
        connection.execute("ANALYZE")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def shifted_copy_sql(days: int) -> str:
    """INSERT a copy of the temp `template` rows moved `days` earlier, its feed objects'
    times rewritten to match (stored times are 'YYYY-MM-DD HH:MM:SS.ffffff')."""
    moved = f"(datetime(substr(transacted_on, 1, 19), '-{days} days') || substr(transacted_on, 20))"
    shown = (
        f"(CASE WHEN substr({moved}, 21) = '000000' THEN replace(substr({moved}, 1, 19), ' ', 'T')"
        f" ELSE replace({moved}, ' ', 'T') END || 'Z')"
    )
    values = {
        "native_id": "native_id || ?",
        "transacted_on": moved,
        "feed_json": f"json_set(feed_json, '$.transacted_on', {shown})",
    }
    columns = ", ".join(SALE_COLUMNS)
    selected = ", ".join(values.get(name, name) for name in SALE_COLUMNS)
    return f"INSERT INTO sale ({columns}) SELECT {selected} FROM template ORDER BY transacted_on"


def build_shifted_db(
    path: Path, retailer_id: str, template_sales: int, template_days: int, copies: int, end: date
) -> None:
    """One store: a template of `template_sales` over the `template_days` before `end`,
    and `copies - 1` copies of it, each `template_days` earlier than the one before."""
    engine = make_engine(sqlite_url(path))
    load_sales(
        engine, retailer_id, synthetic_sales(retailer_id, template_sales, end, template_days)
    )
    engine.dispose()
    with bulk_writer(path) as connection:
        connection.execute("CREATE TEMP TABLE template AS SELECT * FROM sale")
        for copy in range(1, copies):
            connection.execute(shifted_copy_sql(copy * template_days), (f"~{copy}",))


def build_window_db(path: Path, sizes: Sizes, end: date) -> None:
    """The window store: 20 copies x 52,000 sales over 60 days (about 600k reported)."""
    build_shifted_db(
        path,
        WINDOW_STORE,
        sizes.window_template_sales,
        sizes.window_template_days,
        sizes.window_copies,
        end,
    )


def build_days_db(path: Path, sizes: Sizes, end: date) -> None:
    """The days store: one day of `day_sales` sales written, copied for the days before."""
    build_shifted_db(path, DAYS_STORE, sizes.day_sales, 1, sizes.day_copies, end)


def build_scale_sources(path: Path, sizes: Sizes, end: date) -> None:
    """The busy store (3,000 sales yesterday, the rest over the 29 days before) and one
    ordinary store, both written through write_sales; the scale databases copy them."""
    engine = make_engine(sqlite_url(path))
    yesterday = end - timedelta(days=1)
    history = sizes.store_sales - sizes.busy_sales_yesterday
    load_sales(engine, BUSY, synthetic_sales(f"{BUSY}-y", sizes.busy_sales_yesterday, end, 1))
    load_sales(engine, BUSY, synthetic_sales(f"{BUSY}-h", history, yesterday, 29))
    load_sales(engine, TEMPLATE, synthetic_sales(TEMPLATE, sizes.store_sales, end, 30))
    engine.dispose()


def build_scale_db(path: Path, sources: Path, stores: int) -> int:
    """`stores` stores: the busy one plus copies of the template.  Returns the sale count."""
    copies = [f"store-{number:04d}" for number in range(1, stores)]
    return build_copies_db(
        path, sources, [(BUSY, BUSY)] + [(TEMPLATE, retailer_id) for retailer_id in copies]
    )


def cold_retailer_ids(sizes: Sizes) -> list[str]:
    return [f"retailer-{number:04d}" for number in range(sizes.cold_retailers)]


def build_cold_sources(path: Path, sizes: Sizes, end: date) -> None:
    """The cold pattern's template: `cold_sales_per_day` sales a day over `cold_days` days."""
    engine = make_engine(sqlite_url(path))
    sales = sizes.cold_sales_per_day * sizes.cold_days
    load_sales(engine, COLD_TEMPLATE, synthetic_sales(COLD_TEMPLATE, sales, end, sizes.cold_days))
    engine.dispose()


def build_cold_db(path: Path, sources: Path, sizes: Sizes) -> int:
    """Every cold-pattern retailer a copy of the template.  Returns the sale count."""
    return build_copies_db(
        path, sources, [(COLD_TEMPLATE, retailer_id) for retailer_id in cold_retailer_ids(sizes)]
    )


def build_copies_db(path: Path, sources: Path, copies: list[tuple[str, str]]) -> int:
    """A database whose retailers are copies of stores in `sources`: each (source store,
    new retailer id) pair.  The rows are inserted day by day in time order, so that each
    store's rows are spread across the table.  Returns the sale count."""
    engine = make_engine(sqlite_url(path))
    ensure_schema(engine)
    add_retailers(engine, [retailer_id for _, retailer_id in copies])
    engine.dispose()
    columns = ", ".join(SALE_COLUMNS)
    selected = ", ".join(
        "copy.retailer_id" if name == "retailer_id" else f"source.{name}" for name in SALE_COLUMNS
    )
    with bulk_writer(path) as connection:
        connection.execute("ATTACH DATABASE ? AS src", (str(sources),))
        connection.execute("DELETE FROM service_setting")
        connection.execute("INSERT INTO service_setting SELECT * FROM src.service_setting")
        connection.execute("CREATE TEMP TABLE copy (source_id TEXT, retailer_id TEXT)")
        connection.executemany("INSERT INTO copy VALUES (?, ?)", copies)
        days = connection.execute(
            "SELECT DISTINCT substr(transacted_on, 1, 10) FROM src.sale ORDER BY 1"
        ).fetchall()
        for (day,) in days:
            connection.execute(
                f"INSERT INTO sale ({columns}) SELECT {selected} "
                "FROM src.sale AS source JOIN copy ON copy.source_id = source.retailer_id "
                "WHERE substr(source.transacted_on, 1, 10) = ? "
                "ORDER BY source.transacted_on, copy.retailer_id",
                (day,),
            )
        connection.execute("DETACH DATABASE src")
        return connection.execute("SELECT count(*) FROM sale").fetchone()[0]


def window_bounds(url: str, retailer_id: str, transactions: int) -> tuple[datetime, datetime]:
    """The inclusive window holding exactly the first `transactions` reported sales."""
    engine = make_engine(url)
    times = (
        sa.select(Sale.transacted_on)
        .where(Sale.retailer_id == retailer_id, Sale.reported.is_(True))
        .order_by(Sale.transacted_on)
    )
    with engine.connect() as connection:
        first = connection.scalar(times.limit(1))
        last = connection.scalar(times.offset(transactions - 1).limit(1))
        if connection.scalar(times.offset(transactions).limit(1)) == last:
            raise RuntimeError("a tie at the window's end; use another size")
    engine.dispose()
    return first, last


def new_tokens(url: str, retailer_ids: list[str], scope: Scope = Scope.FEED) -> dict[str, str]:
    """A new credential for each retailer, made in one session: retailer id -> secret."""
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        secrets = {
            retailer_id: create_credential(session, retailer_id, scope).secret
            for retailer_id in retailer_ids
        }
    engine.dispose()
    return secrets


def new_token(url: str, retailer_id: str, scope: Scope = Scope.FEED) -> str:
    return new_tokens(url, [retailer_id], scope)[retailer_id]
