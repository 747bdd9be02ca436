"""The database: one engine per application, plain SQLAlchemy sessions, a migrated schema.

SQLite is the embedded default; PostgreSQL is production.  Alembic migrations make and
upgrade the schema (`schema.py`).  An empty database is made at head when the application
is created (`ensure_schema`), so ``gunicorn wsgi:app`` and every CLI command work against it
with only ``DATABASE_URL`` set; a database behind or ahead of this release is left as it is
(and refused by `health.py`) unless the operator asks for the upgrade.
"""

import logging
import time
from functools import partial

from flask import Flask, current_app
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .models import ServiceSetting
from .pseudonym import KEY_SETTING, new_key
from .sales import refresh_feed_rows
from .schema import SchemaState, SchemaStatus, schema_status, unknown_status, upgrade_on_start
from .schema import upgrade as upgrade_schema

log = logging.getLogger(__name__)
SQLITE_BUSY_TIMEOUT_MS = 10_000
_SCHEMA_LOCK = 727_001  # PostgreSQL advisory-lock id: one process makes the schema at a time


def engine_url(url: str) -> str:
    """Let ``postgresql://`` URLs use psycopg 3, the driver we install."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(
    url: str, sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **options
) -> Engine:
    """The service's engine for `url`; `options` go to SQLAlchemy (a pool class, say)."""
    # pre-ping: a connection the database dropped (restart, failover) is replaced on checkout
    # instead of failing a request; it costs one round trip per checkout.
    engine = create_engine(engine_url(url), pool_pre_ping=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", partial(_sqlite_pragmas, sqlite_busy_timeout_ms))
    return engine


def _sqlite_pragmas(busy_timeout_ms: int, connection, _record) -> None:
    """WAL lets gunicorn workers read while the CLI writes; wait, don't fail, on a lock
    (up to `busy_timeout_ms`: a push meeting a bulk load waits that long, then gets 503)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.close()


def ensure_schema(engine: Engine, upgrade: bool = True) -> SchemaStatus:
    """Make an empty database at head, upgrade one that is behind when `upgrade`, and, once
    the schema is current, the pseudonym key and up-to-date feed rows.  Safe to repeat and
    safe when several processes start at once: one at a time, under a lock."""
    for attempt in range(5):
        try:
            with engine.connect() as connection:
                _lock_schema(connection)
                status = schema_status(connection)
                if status.state is SchemaState.EMPTY or (
                    upgrade and status.state is SchemaState.BEHIND
                ):
                    status = upgrade_schema(connection)
                if status.state is SchemaState.CURRENT:
                    _ensure_service_rows(connection)
                connection.commit()
            return status
        except DBAPIError:
            if attempt == 4 or engine.dialect.name == "postgresql":
                raise
            time.sleep(0.2 * (attempt + 1))  # another SQLite process held the database


def _lock_schema(connection: Connection) -> None:
    """Hold the schema for this transaction: PostgreSQL's advisory lock, SQLite's write lock
    (taken at BEGIN, so a second process waits instead of reading a half-made schema)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _ensure_service_rows(connection: Connection) -> None:
    with Session(bind=connection) as session:  # joins the connection's transaction
        if session.get(ServiceSetting, KEY_SETTING) is None:
            session.add(ServiceSetting(name=KEY_SETTING, value=new_key()))
        refresh_feed_rows(session)
        session.flush()


def ensure_schema_at_start(app: Flask) -> SchemaStatus:
    """`ensure_schema` as the application starts, upgrading only if the operator opted in.
    A database that does not answer does not stop the process (a gunicorn worker booting
    during an outage would take the server down): it is not ready until a later look
    (`health.py`) finds the database and does this work."""
    try:
        return ensure_schema(get_engine(), upgrade=upgrade_on_start(app.config))
    except OperationalError as error:
        log.warning("database unavailable at start: %s", type(error.orig).__name__)
        return unknown_status()


def init_app(app: Flask) -> None:
    busy_timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)
    engine = make_engine(app.config["DATABASE_URL"], busy_timeout)
    app.extensions["pos_transactions.engine"] = engine
    app.extensions["pos_transactions.sessions"] = sessionmaker(engine)
    # Reads that need no transaction (a caller's credential, a day of the feed): no BEGIN
    # and no ROLLBACK round trips on PostgreSQL, each statement reading what is committed.
    reader = engine.execution_options(isolation_level="AUTOCOMMIT")
    app.extensions["pos_transactions.reader"] = reader
    app.extensions["pos_transactions.read_sessions"] = sessionmaker(reader)
    with app.app_context():
        app.extensions["pos_transactions.schema"] = ensure_schema_at_start(app)


def engine_of(app: Flask) -> Engine:
    return app.extensions["pos_transactions.engine"]


def get_engine() -> Engine:
    return engine_of(current_app)


def new_session() -> Session:
    return current_app.extensions["pos_transactions.sessions"]()


def read_connection() -> Connection:
    """A connection for reads alone, outside any transaction (see `init_app`)."""
    return current_app.extensions["pos_transactions.reader"].connect()


def read_session() -> Session:
    """A session for reads alone, outside any transaction (see `init_app`)."""
    return current_app.extensions["pos_transactions.read_sessions"]()
