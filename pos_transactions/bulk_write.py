"""PostgreSQL's bulk path for a big write: ``COPY`` into a staging table, then one upsert.

A back-fill of 100,000 sales sent as batches of ``INSERT`` statements spends most of its
time in round trips and statement handling; psycopg 3's ``COPY`` streams the rows in one
go.  The rows land in a temporary table of the writer's own transaction (nothing of it is
seen by another session, and a rollback leaves nothing), the stored versions of those
sales are read (locked, in native-id order) by one join, and the new ones go into `sale`
with one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` in native-id order.  What
happens to existing rows (update, unchanged, stale, conflict) is decided exactly as on the
ordinary path (`sales.write_rows`), and a row another writer inserted in between is read
back as there.  Nothing here names an index: the conflict target is the unique columns.
"""

from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from .models import Sale

MIN_ROWS = 5_000  # smaller writes (a push, a day's sync) keep the ordinary statements
STAGING = "sale_incoming"
COLUMNS = tuple(column.name for column in Sale.__table__.columns if column.name != "id")
_LISTED = ", ".join(COLUMNS)
_STORED = text(
    f"SELECT sale.native_id, sale.id, sale.fingerprint, sale.transacted_on, sale.status, "
    f"sale.modified_at FROM sale JOIN {STAGING} AS incoming "
    "ON sale.retailer_id = incoming.retailer_id AND sale.native_id = incoming.native_id "
    "ORDER BY sale.native_id FOR UPDATE OF sale"
)
_INSERT = text(
    f"INSERT INTO sale ({_LISTED}) SELECT {_LISTED} FROM {STAGING} ORDER BY native_id "
    "ON CONFLICT (retailer_id, native_id) DO NOTHING RETURNING native_id"
)
_IN_ORDER = itemgetter(*COLUMNS)


def takes(session: Session, rows: list[dict[str, Any]]) -> bool:
    """Whether this write goes the bulk way: PostgreSQL, and at least `MIN_ROWS` rows."""
    return len(rows) >= MIN_ROWS and session.get_bind().dialect.name == "postgresql"


def stage(session: Session, retailer_id: str, rows: list[dict[str, Any]], now: datetime) -> None:
    """Copy the built `rows` of one write into a fresh staging table of this transaction."""
    connection = session.connection()
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS pg_temp.{STAGING}")
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {STAGING} ON COMMIT DROP AS "
        f"SELECT {_LISTED} FROM sale WITH NO DATA"
    )
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {STAGING} ({_LISTED}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(_IN_ORDER({**row, "retailer_id": retailer_id, "updated_at": now}))


def stored(session: Session, retailer_id: str, native_ids: list[str]) -> dict[str, Any]:
    """The stored versions of every staged sale, locked in native-id order (`sales._stored`
    for the staged rows: `native_ids` are theirs)."""
    return {row.native_id: row for row in session.execute(_STORED)}


def insert_staged(session: Session, new_rows: list[dict[str, Any]]) -> set[str]:
    """Insert the staged sales no writer holds yet; the native ids inserted.  `new_rows` are
    the staged ones not stored when looked at: the statement skips the others itself."""
    if not new_rows:
        return set()
    return set(session.execute(_INSERT).scalars())
