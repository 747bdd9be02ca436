"""The schema's revision: where a database stands against this release's migrations, and
bringing it to head.

Alembic keeps the migrations (``pos_transactions/migrations``) and records a database's
revision in its ``alembic_version`` table. A database without that table is either empty
(made at head on first start), one made by release f8a907a before migrations existed
(recognised by its tables, stamped with the baseline, then upgraded), or something else
(refused: nothing here guesses what it is). Every function takes a `Connection` so that the
caller (`db.ensure_schema`) runs it inside its lock and transaction.
"""

import enum
import os
from dataclasses import dataclass
from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

SCRIPT_LOCATION = "pos_transactions:migrations"
BASELINE = "0001"  # release f8a907a's schema
VERSION_TABLE = "alembic_version"
UPGRADE_ON_START = "POS_TRANSACTIONS_UPGRADE_ON_START"


class SchemaState(enum.StrEnum):
    EMPTY = "empty"  # no tables at all
    CURRENT = "current"  # at this release's head
    BEHIND = "behind"  # an older revision, or f8a907a's schema with none recorded
    AHEAD = "ahead"  # a revision this release does not know: a newer release upgraded it
    UNVERSIONED = "unversioned"  # tables, no revision, and not f8a907a's schema
    UNKNOWN = "unknown"  # the database did not answer when the service started


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    revisions: tuple[str, ...]  # recorded in the database
    heads: tuple[str, ...]  # this release's
    detail: str  # what an operator should know, in a sentence

    def as_json(self) -> dict:
        return {
            "state": self.state.value,
            "revision": list(self.revisions),
            "head": list(self.heads),
            "detail": self.detail,
        }


class SchemaError(RuntimeError):
    """The database's schema cannot be brought to head by this release."""


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, made in code: no alembic.ini in the working directory."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


@cache
def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def heads() -> tuple[str, ...]:
    """This release's head revision(s)."""
    return tuple(sorted(script_directory().get_heads()))


def current(connection: Connection) -> tuple[str, ...]:
    """The revision(s) recorded in the database; () when none is."""
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def classify(
    recorded: tuple[str, ...],
    head: tuple[str, ...],
    known: frozenset[str],
    has_tables: bool,
    is_baseline: bool,
) -> SchemaState:
    """Where a database stands, from what it records and holds (a pure rule)."""
    if not recorded:
        if not has_tables:
            return SchemaState.EMPTY
        return SchemaState.BEHIND if is_baseline else SchemaState.UNVERSIONED
    if not set(recorded) <= known:
        return SchemaState.AHEAD
    return SchemaState.CURRENT if set(recorded) == set(head) else SchemaState.BEHIND


def baseline_differences(found: dict[str, set[str]], expected: dict[str, set[str]]) -> list[str]:
    """How tables (name → column names) differ from the baseline's; [] when they match."""
    differences = [f"missing table {name}" for name in sorted(expected.keys() - found.keys())]
    differences += [f"unknown table {name}" for name in sorted(found.keys() - expected.keys())]
    for name in sorted(expected.keys() & found.keys()):
        missing, unknown = expected[name] - found[name], found[name] - expected[name]
        differences += [f"{name}: missing column {column}" for column in sorted(missing)]
        differences += [f"{name}: unknown column {column}" for column in sorted(unknown)]
    return differences


def _baseline_tables() -> dict[str, set[str]]:
    tables = script_directory().get_revision(BASELINE).module.baseline_metadata().tables
    return {name: {column.name for column in table.columns} for name, table in tables.items()}


def _tables(connection: Connection) -> dict[str, set[str]]:
    inspector = inspect(connection)
    return {
        name: {column["name"] for column in inspector.get_columns(name)}
        for name in inspector.get_table_names()
        if name != VERSION_TABLE
    }


def schema_status(connection: Connection) -> SchemaStatus:
    """Where the database stands against this release, with a sentence for the operator."""
    recorded, head = current(connection), heads()
    differences: list[str] = []
    tables: dict[str, set[str]] = {}
    if not recorded:
        tables = _tables(connection)
        differences = baseline_differences(tables, _baseline_tables())
    known = frozenset(revision.revision for revision in script_directory().walk_revisions())
    state = classify(recorded, head, known, bool(tables), not differences)
    return SchemaStatus(state, recorded, head, _detail(state, recorded, head, differences))


def unknown_status() -> SchemaStatus:
    """What a process knows when the database did not answer as it started."""
    return SchemaStatus(
        SchemaState.UNKNOWN, (), heads(), "the database did not answer when the service started"
    )


def schema_state(connection: Connection) -> SchemaState:
    return schema_status(connection).state


def _detail(
    state: SchemaState, recorded: tuple[str, ...], head: tuple[str, ...], differences: list[str]
) -> str:
    at, expected = ", ".join(recorded) or "none", ", ".join(head)
    return {
        SchemaState.EMPTY: "the database has no tables yet",
        SchemaState.CURRENT: f"the schema is at this release's head ({expected})",
        SchemaState.BEHIND: (
            f"the schema is at revision {at}, behind this release's head ({expected})"
            + (" (made before migrations existed)" if not recorded else "")
            + ": run 'pos-transactions db upgrade'"
        ),
        SchemaState.AHEAD: (
            f"the schema is at revision {at}, which this release does not know (head "
            f"{expected}): a newer release upgraded it; run that release"
        ),
        SchemaState.UNVERSIONED: (
            "the database has tables but no recorded revision, and they are not release "
            f"f8a907a's schema ({'; '.join(differences)}): nothing was changed"
        ),
    }[state]


def upgrade(connection: Connection) -> SchemaStatus:
    """Bring the schema to head (stamping f8a907a's schema with the baseline first) inside
    the caller's transaction; raise `SchemaError` for a schema no migration leads from."""
    status = schema_status(connection)
    if status.state in (SchemaState.AHEAD, SchemaState.UNVERSIONED):
        raise SchemaError(status.detail)
    if status.state is SchemaState.CURRENT:
        return status
    config = alembic_config(connection)
    if status.state is SchemaState.BEHIND and not status.revisions:
        command.stamp(config, BASELINE)
    command.upgrade(config, "head")
    return schema_status(connection)


def upgrade_on_start(config: dict) -> bool:
    """Whether the operator lets a starting server upgrade a schema that is behind
    (``UPGRADE_ON_START`` in the app config, else the environment variable)."""
    value = config.get("UPGRADE_ON_START", os.environ.get(UPGRADE_ON_START, ""))
    return parse_flag(UPGRADE_ON_START, value)


def parse_flag(name: str, value: str | bool) -> bool:
    """A yes/no setting; anything unrecognised is an error, not a silent no."""
    if isinstance(value, bool):
        return value
    cleaned = value.strip().lower()
    if cleaned in ("1", "true", "yes", "on"):
        return True
    if cleaned in ("", "0", "false", "no", "off"):
        return False
    raise RuntimeError(f"{name} must be 1 or 0, not {value!r}")
