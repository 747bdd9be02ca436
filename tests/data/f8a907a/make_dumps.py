"""Make the SQL dumps of a database written by release f8a907a (kept beside this script).

Run once, from a checkout of f8a907a (the last release before migrations, whose schema was
made by ``create_all``), beside a throw-away PostgreSQL:

    scripts/with-postgres .venv/bin/python tests/data/f8a907a/make_dumps.py

It loads tests/data/rules.json, makes a feed credential, a LucidRetail connection and a
registry row, polls the feed over whole days (so cached days are stored) and writes, per
dialect, ``<dialect>.sql`` (schema and rows) and ``feed.json`` (the secret and the exact bytes
the feed answered). The PostgreSQL dump drops pg_dump's schema qualifiers so that the tests can
load it into a schema of their own.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from pos_transactions import create_app
from pos_transactions.credentials import create_credential
from pos_transactions.db import engine_url, new_session
from pos_transactions.lucid.models import LucidConnection, RegistryEntry
from pos_transactions.stores import load_store, read_store_file

HERE = Path(__file__).parent
STORE = HERE.parent / "rules.json"
WINDOWS = [
    "start_date=2021-03-10&end_date=2021-03-13",  # whole days: cached in feed_day
    "start_date=2021-03-11T12:00:00Z&end_date=2021-03-11T14:00:00Z",
]


def fill(database_url: str) -> dict:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    with app.app_context(), new_session() as session, session.begin():
        load_store(session, read_store_file(STORE), str(STORE), STORE.parent)
        secret = create_credential(session, "rules-store").secret
        moment = datetime(2021, 3, 12, 8, 0, 0)
        session.add(
            LucidConnection(
                retailer_id="rules-store",
                base_url="http://127.0.0.1:8090",
                client_id="rules-client",
                client_secret="fake-secret-rules-0001",
                updated_at=moment,
            )
        )
        session.add(
            RegistryEntry(
                retailer_id="rules-store",
                package_uid="PKG-0001",
                case_id="1A4060300002C35000000200",
                lucid_id="5vHqLc9etTWW3AVrEJvBez",
                export_date=date(2021, 3, 11),
                synced_at=moment,
            )
        )
    client = app.test_client()
    answers = {}
    for query in WINDOWS:
        response = client.get(
            f"/api/v1/transactions/?{query}", headers={"Authorization": f"Token {secret}"}
        )
        assert response.status_code == 201, response.data
        answers[query] = response.get_data(as_text=True)
    app.extensions["pos_transactions.engine"].dispose()
    return {"token": secret, "answers": answers}


def sqlite_dump(folder: Path) -> tuple[str, dict]:
    path = folder / "f8a907a.sqlite3"
    made = fill(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump()) + "\n", made


def postgresql_dump(server_url: str) -> tuple[str, dict]:
    admin = sa.create_engine(engine_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS f8a907a_dump"))
        connection.execute(sa.text("CREATE DATABASE f8a907a_dump"))
    url = sa.engine.make_url(server_url).set(database="f8a907a_dump")
    made = fill(url.render_as_string(hide_password=False))
    bindir = subprocess.run(
        ["pg_config", "--bindir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    dump = subprocess.run(
        [f"{bindir}/pg_dump", "--inserts", "--no-owner", "--no-privileges", "--schema=public",
         "--dbname", url.render_as_string(hide_password=False)],
        capture_output=True, text=True, check=True,
    ).stdout
    return _unqualified(dump), made


def _unqualified(dump: str) -> str:
    """Statements only, without the schema name or pg_dump's search_path reset."""
    kept = [
        line for line in dump.splitlines()
        if line
        and not line.startswith(("--", "\\restrict", "\\unrestrict", "CREATE SCHEMA", "COMMENT ON"))
        and "set_config('search_path'" not in line
    ]
    return re.sub(r"\bpublic\.", "", "\n".join(kept)) + "\n"


def main() -> None:
    expected = {}
    with tempfile.TemporaryDirectory() as folder:
        text, expected["sqlite"] = sqlite_dump(Path(folder))
        (HERE / "sqlite.sql").write_text(text)
    server = os.environ.get("POSTGRESQL_URL")
    if not server:
        sys.exit("POSTGRESQL_URL is not set: run me under scripts/with-postgres")
    text, expected["postgresql"] = postgresql_dump(server)
    (HERE / "postgresql.sql").write_text(text)
    (HERE / "feed.json").write_text(json.dumps(expected, indent=2) + "\n")


if __name__ == "__main__":
    main()
