"""Fixtures for the integration page: two retailers, each with a signed-up user."""

import json

import pytest

from pos_transactions.db import new_session
from pos_transactions.web.users import create_user, find_link, issue_link, set_password

from .helpers import PASSWORD, csrf_token
from conftest import DATA


@pytest.fixture
def retailers(load, tmp_path):
    """Two retailers with the rules store's sales: ``rules-store`` and ``other-store``."""
    store = json.loads((DATA / "rules.json").read_text())
    other = tmp_path / "other.json"
    store["retailer"] = store["retailer"] | {"id": "other-store", "name": "Other Store"}
    other.write_text(json.dumps(store))
    return load(DATA / "rules.json"), load(other)


@pytest.fixture
def user(app):
    """Make a user with `PASSWORD` set through its one-time link; returns its email."""

    def make(retailer_id: str, email: str) -> str:
        with app.app_context(), new_session() as session, session.begin():
            token = issue_link(session, create_user(session, retailer_id, email))
            set_password(session, find_link(session, token), PASSWORD)
        return email

    return make


def sign_in(client, email: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
    )


@pytest.fixture
def signed_in(client, retailers, user):
    """A client signed in as the user of ``rules-store``."""
    response = sign_in(client, user(retailers[0], "staff@rules.example"))
    assert response.status_code == 302
    return client
