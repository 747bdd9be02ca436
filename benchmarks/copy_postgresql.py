"""PostgreSQL databases for the benchmark: the very rows of a built SQLite database.

Each PostgreSQL database receives its SQLite twin's `retailer` and `sale` rows with `COPY`
(and the same pseudonym key, so both serve the same bytes), then `VACUUM ANALYZE`.
"""

import sqlite3
from pathlib import Path

import psycopg
import sqlalchemy as sa

from benchmarks.build import SALE_COLUMNS
from pos_transactions.db import engine_url, ensure_schema, make_engine

COPIED_TABLES = {
    "retailer": ["id", "name", "timezone", "adapter", "adapter_options"],
    "sale": ["id", *SALE_COLUMNS],
}


def psycopg_url(url: str) -> str:
    """The SQLAlchemy URL `url` as psycopg spells it."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(False)


def create_database(admin_url: str, name: str) -> str:
    """A new empty database `name` (dropped first if it exists); its SQLAlchemy URL."""
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return sa.engine.make_url(engine_url(admin_url)).set(database=name).render_as_string(False)


def copy_to_postgresql(source: Path, url: str) -> None:
    """Copy a built SQLite database into a PostgreSQL database, rows and key unchanged."""
    engine = make_engine(url)
    ensure_schema(engine)
    engine.dispose()
    with sqlite3.connect(source) as lite, psycopg.connect(psycopg_url(url)) as pg:
        key = lite.execute("SELECT value FROM service_setting WHERE name = 'pseudonym_key'")
        pg.execute(
            "UPDATE service_setting SET value = %s WHERE name = 'pseudonym_key'", key.fetchone()
        )
        for table, names in COPIED_TABLES.items():
            listed = ", ".join(names)
            with pg.cursor().copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {listed} FROM {table}"):
                    copy.write_row(row)
        pg.execute("SELECT setval('sale_id_seq', (SELECT max(id) FROM sale))")
        pg.commit()
    with psycopg.connect(psycopg_url(url), autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE sale")
