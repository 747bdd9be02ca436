"""The database: one engine per application, plain SQLAlchemy sessions, a self-made schema.

SQLite is the embedded default; PostgreSQL is production.  The schema makes itself on
first use (`ensure_schema` runs when the application is created), so ``gunicorn wsgi:app``
and every CLI command work against an empty database with only ``DATABASE_URL`` set.
"""

import time
from functools import partial

from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from .lucid import models as _lucid_models  # noqa: F401  (registers the tables)
from .models import Base, ServiceSetting
from .pseudonym import KEY_SETTING, new_key
from .sales import refresh_feed_rows

SQLITE_BUSY_TIMEOUT_MS = 10_000
_SCHEMA_LOCK = 727_001  # PostgreSQL advisory-lock id: one process makes the schema at a time


def engine_url(url: str) -> str:
    """Let ``postgresql://`` URLs use psycopg 3, the driver we install."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    engine = create_engine(engine_url(url))
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


def ensure_schema(engine: Engine) -> None:
    """Create missing tables, the pseudonym key and up-to-date feed rows; safe to repeat and
    safe when several processes start at once."""
    for attempt in range(5):
        try:
            with Session(engine) as session, session.begin():
                if engine.dialect.name == "postgresql":
                    session.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
                Base.metadata.create_all(session.connection())
                if session.get(ServiceSetting, KEY_SETTING) is None:
                    session.add(ServiceSetting(name=KEY_SETTING, value=new_key()))
                refresh_feed_rows(session)
            return
        except DBAPIError:
            if attempt == 4 or engine.dialect.name == "postgresql":
                raise
            time.sleep(0.2 * (attempt + 1))  # another SQLite process was making the schema


def init_app(app: Flask) -> None:
    busy_timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)
    engine = make_engine(app.config["DATABASE_URL"], busy_timeout)
    ensure_schema(engine)
    app.extensions["pos_transactions.engine"] = engine
    app.extensions["pos_transactions.sessions"] = sessionmaker(engine)


def get_engine() -> Engine:
    return current_app.extensions["pos_transactions.engine"]


def new_session() -> Session:
    return current_app.extensions["pos_transactions.sessions"]()
