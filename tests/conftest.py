"""Shared fixtures: an application on a throw-away database, for SQLite and PostgreSQL.

Every test that takes `app` (or `client`, `runner`) runs twice: on a fresh SQLite file and
in a fresh schema of the throw-away PostgreSQL server that ``scripts/run-tests`` starts
(its URL arrives in POS_TEST_POSTGRESQL_URL).  Without that server the PostgreSQL half
skips and says why; under CI it fails instead, because CI must run it.
"""

import json
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from pos_transactions import create_app
from pos_transactions.cli import main
from pos_transactions.credentials import Scope, create_credential
from pos_transactions.db import engine_url, new_session
from pos_transactions.stores import load_store, read_store_file

DATA = Path(__file__).parent / "data"
POSTGRESQL_URL = os.environ.get("POS_TEST_POSTGRESQL_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    if not POSTGRESQL_URL:
        reason = "POS_TEST_POSTGRESQL_URL is not set: run scripts/run-tests to start PostgreSQL"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(engine_url(POSTGRESQL_URL))
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.engine.make_url(engine_url(POSTGRESQL_URL))
    yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


class BufferedClient(FlaskClient):
    """Reads every response whole, as a real HTTP client does, so a streamed feed always
    finishes and gives its database connection back (an unread stream would hold it)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    app.test_client_class = BufferedClient
    yield app
    app.extensions["pos_transactions.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Invoke ``pos-transactions`` commands against `app`: ``runner.invoke(main, [...])``."""
    return app.test_cli_runner()


@pytest.fixture
def cli():
    return main


@pytest.fixture
def load(app):
    """Load a store file from tests/data (or any path) the way ``load-fixture`` does."""

    def load(name_or_path) -> str:
        path = Path(name_or_path)
        if not path.is_absolute():
            path = DATA / path
        with app.app_context(), new_session() as session, session.begin():
            return load_store(session, read_store_file(path), str(path), path.parent).retailer_id

    return load


@pytest.fixture
def credential(app):
    """Create a credential; returns its (username, secret)."""

    def make(retailer_id: str, scope: Scope = Scope.FEED) -> tuple[str, str]:
        with app.app_context(), new_session() as session, session.begin():
            made = create_credential(session, retailer_id, scope)
        return made.username, made.secret

    return make


@pytest.fixture
def token_headers(credential):
    """``Authorization: Token ...`` headers for a retailer (LucidRetail's scheme)."""

    def headers(retailer_id: str, scope: Scope = Scope.FEED) -> dict[str, str]:
        return {"Authorization": f"Token {credential(retailer_id, scope)[1]}"}

    return headers


def read_json(name: str):
    return json.loads((DATA / name).read_text())


@pytest.fixture
def push(client, load, tmp_path, token_headers):
    """A push-only retailer (set up by a store with no sales) and a function that pushes
    generic records for it; ``push.feed()`` is its feed over March 2021."""
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(read_json("rules.json") | {"sales": []}))
    retailer = load(path)
    ingest = token_headers(retailer, Scope.INGEST)

    def send(body, query: str = "", **kwargs):
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        return client.post(
            "/api/v1/sales/" + query,
            data=body,
            content_type="application/json",
            headers=ingest,
            **kwargs,
        )

    feed = "/api/v1/transactions/?start_date=2021-03-01&end_date=2021-04-01"
    send.retailer = retailer
    send.feed = lambda: client.get(feed, headers=token_headers(retailer)).json
    return send
