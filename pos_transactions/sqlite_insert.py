"""New sale rows into SQLite in multi-row statements, without SQLAlchemy's per-row work.

SQLAlchemy's ``executemany`` with ``RETURNING`` spends as long preparing each row's
parameters in Python as SQLite spends storing it.  This sends the same statement (``INSERT
... VALUES (...), (...) ... ON CONFLICT DO NOTHING RETURNING native_id``) straight to the
driver, each value converted by the column type's own SQLAlchemy bind processor, so the
stored bytes (times as SQLAlchemy writes them, booleans as 0/1) are the ordinary path's.
"""

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import Connection

from .models import Sale

ROWS_PER_STATEMENT = 500  # 15 columns each: far below SQLite's 32,766 parameters
COLUMNS = tuple(column.name for column in Sale.__table__.columns if column.name != "id")


def insert_new(connection: Connection, rows: list[dict[str, Any]]) -> set[str]:
    """Insert `rows` (every column but `id`) unless their native id is taken; the ids
    inserted."""
    converters = _converters(connection.dialect)
    cursor = connection.connection.driver_connection.cursor()
    created: set[str] = set()
    try:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            values = [
                convert(row[name]) if convert else row[name]
                for row in chunk
                for name, convert in converters
            ]
            created.update(native_id for (native_id,) in cursor.execute(_sql(len(chunk)), values))
    finally:
        cursor.close()
    return created


def _converters(dialect) -> list[tuple[str, Callable[[Any], Any] | None]]:
    return [
        (name, Sale.__table__.c[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in COLUMNS
    ]


@cache
def _sql(rows: int) -> str:
    placeholders = "(" + ", ".join("?" * len(COLUMNS)) + ")"
    return (
        f"INSERT INTO sale ({', '.join(COLUMNS)}) VALUES "
        + ", ".join([placeholders] * rows)
        + " ON CONFLICT (retailer_id, native_id) DO NOTHING RETURNING native_id"
    )
