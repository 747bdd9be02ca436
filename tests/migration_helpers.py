"""Helpers for the migration tests: load release f8a907a's dumps, describe a schema."""

import json
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from pos_transactions.lucid import models as _lucid_models  # noqa: F401  (registers the tables)
from pos_transactions.models import Base
from pos_transactions.schema import script_directory
from pos_transactions.web import models as _web_models  # noqa: F401  (registers the tables)
from pos_transactions.webhook import models as _webhook_models  # noqa: F401  (registers the tables)

F8A907A = Path(__file__).parent / "data" / "f8a907a"
BASELINE = script_directory().get_revision("0001").module.baseline_metadata()
BASELINE_TABLES = [
    "retailer", "credential", "sale", "feed_day", "service_setting",
    "lucid_connection", "lucid_registry",
]


def dialect_of(database_url: str) -> str:
    return sa.engine.make_url(database_url).get_backend_name()


def load_f8a907a(database_url: str) -> dict:
    """Fill the (empty) database with f8a907a's dump; return what that release served."""
    dialect = dialect_of(database_url)
    dump = (F8A907A / f"{dialect}.sql").read_text()
    if dialect == "sqlite":
        with sqlite3.connect(sa.engine.make_url(database_url).database) as connection:
            connection.executescript(dump)
    else:
        engine = sa.create_engine(database_url)
        raw = engine.raw_connection()
        try:
            raw.cursor().execute(dump)  # no parameters: one multi-statement script
            raw.commit()
        finally:
            raw.close()
            engine.dispose()
    return json.loads((F8A907A / "feed.json").read_text())[dialect]


# Baseline columns a later revision drops on purpose: a cached day's document (0005), which
# the service rebuilds from the sales whenever it is asked for.
DROPPED = {("feed_day", "document")}


def every_row(connection: sa.Connection) -> dict[str, list[tuple]]:
    """Every row of every baseline table, in primary-key order: the baseline's columns (the
    ones f8a907a wrote; later revisions add columns that such rows leave empty) but those
    in `DROPPED`."""
    rows = {}
    for name in BASELINE_TABLES:
        table = sa.Table(name, sa.MetaData(), autoload_with=connection)
        baseline = [
            table.c[column.name]
            for column in BASELINE.tables[name].columns
            if (name, column.name) not in DROPPED
        ]
        ordered = connection.execute(
            sa.select(*baseline).order_by(*table.primary_key.columns)
        )
        rows[name] = [tuple(row) for row in ordered]
    return rows


def differences_from_models(connection: sa.Connection) -> list:
    """What Alembic's autogenerate would write to make the database match the models."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def signature(connection: sa.Connection) -> dict:
    """Everything about the schema that matters: tables, columns, keys, indexes, and the
    dialect's own record (SQLite's DDL text, PostgreSQL's column storage)."""
    inspector = sa.inspect(connection)
    described = {}
    for name in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        described[name] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(name)
            ],
            "primary key": inspector.get_pk_constraint(name)["constrained_columns"],
            "foreign keys": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"],
                 tuple(fk["referred_columns"]), str(fk["options"]))
                for fk in inspector.get_foreign_keys(name)
            ),
            "unique": sorted(
                (str(u["name"]), tuple(u["column_names"]))
                for u in inspector.get_unique_constraints(name)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), i["unique"])
                for i in inspector.get_indexes(name)
            ),
        }
    if connection.dialect.name == "sqlite":
        described["sqlite_master"] = connection.execute(sa.text(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name <> 'alembic_version'"
            " ORDER BY type, name"
        )).all()
    else:
        described["storage"] = connection.execute(sa.text(
            "SELECT c.relname, a.attname, a.attstorage FROM pg_attribute a"
            " JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
            " AND a.attnum > 0 AND c.relname <> 'alembic_version' ORDER BY 1, 2"
        )).all()
    return described
