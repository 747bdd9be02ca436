"""The integration page's rules, through Flask's test client, on SQLite and PostgreSQL."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pos_transactions.cli import main
from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.web.models import PasswordLink, PollRecord, WebUser
from pos_transactions.web.polls import recorder_of
from pos_transactions.web.users import link_is_usable

from .conftest import sign_in
from .helpers import PASSWORD, csrf_token, new_token

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "lucid" / "cases"

FEED = "/api/v1/transactions/?start_date=2021-03-01&end_date=2021-04-01"


def generate(client, label: str = "LucidRetail"):
    page = client.get("/integration/")
    return client.post(
        "/integration/tokens", data={"label": label, "csrf_token": csrf_token(page.text)}
    )


def revoke(client, username: str):
    confirm = client.get(f"/integration/tokens/{username}/revoke")
    assert confirm.status_code == 200 and "Revoke the token" in confirm.text
    return client.post(
        f"/integration/tokens/{username}/revoke",
        data={"username": username, "csrf_token": csrf_token(confirm.text)},
    )


def username_of(app, secret: str) -> str:
    from pos_transactions.credentials import check_token

    with app.app_context(), new_session() as session:
        return check_token(session, secret).username


def test_the_page_needs_a_sign_in(client):
    response = client.get("/integration/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_signing_in_shows_the_page_with_both_urls(signed_in):
    page = signed_in.get("/integration/")
    assert page.status_code == 200
    assert 'value="http://localhost/api/v1/transactions/"' in page.text
    assert 'value="http://localhost/api/v1/cases/"' in page.text
    assert "<main" in page.text and '<label for="feed-url">' in page.text


def test_the_urls_come_from_the_configured_base_url(app, signed_in):
    app.config["PUBLIC_BASE_URL"] = "https://pos.example/"
    page = signed_in.get("/integration/")
    assert 'value="https://pos.example/api/v1/transactions/"' in page.text


def test_a_wrong_password_is_refused(client, retailers, user):
    email = user(retailers[0], "staff@rules.example")
    response = sign_in(client, email, "not the password")
    assert response.status_code == 401 and "do not match" in response.text
    assert client.get("/integration/").status_code == 302


def test_an_unknown_email_is_refused_alike(client, retailers):
    response = sign_in(client, "nobody@rules.example")
    assert response.status_code == 401 and "do not match" in response.text


def test_failed_sign_ins_are_throttled_per_email(app, client, retailers, user):
    app.config["AUTH_FAILURE_LIMIT_PER_USERNAME"] = "3 per minute"
    email = user(retailers[0], "staff@rules.example")
    assert [sign_in(client, email, "wrong").status_code for _ in range(3)] == [401] * 3
    throttled = sign_in(client, email)  # even the right password, for the window
    assert throttled.status_code == 429 and "Too many" in throttled.text


def test_failed_sign_ins_are_throttled_per_address(app, client, retailers, user):
    app.config["AUTH_FAILURE_LIMIT"] = "2 per minute"
    email = user(retailers[0], "staff@rules.example")
    for number in range(2):
        assert sign_in(client, f"guess{number}@rules.example", "wrong").status_code == 401
    assert sign_in(client, email).status_code == 429


def test_a_good_sign_in_is_not_counted(app, client, retailers, user):
    app.config["AUTH_FAILURE_LIMIT_PER_USERNAME"] = "2 per minute"
    email = user(retailers[0], "staff@rules.example")
    assert [sign_in(client, email).status_code for _ in range(4)] == [302] * 4


@pytest.mark.parametrize("path", ["/login", "/integration/tokens"])
def test_a_form_without_its_csrf_token_is_refused(signed_in, path):
    response = signed_in.post(path, data={"label": "x", "email": "a@b.example", "password": "p"})
    assert response.status_code == 400 and "Form expired" in response.text


def test_the_api_needs_no_csrf_token(client, retailers, token_headers):
    response = client.post(
        "/api/v1/sales/", data="[]", content_type="application/json",
        headers=token_headers(retailers[0], Scope.INGEST),
    )
    assert response.status_code == 201


def test_a_generated_token_is_shown_once_and_polls_the_feed(app, signed_in):
    made = generate(signed_in, "LucidRetail production")
    assert made.status_code == 200
    secret = new_token(made.text)
    assert "revoke the old token" in made.text
    assert secret not in signed_in.get("/integration/").text  # shown once
    polled = app.test_client().get(FEED, headers={"Authorization": f"Token {secret}"})
    assert polled.status_code == 201 and len(polled.json) > 0
    page = signed_in.get("/integration/")
    assert "LucidRetail production" in page.text
    assert f"<td>{len(polled.json)}</td>" in page.text  # the poll, with what it served


def test_revoking_needs_a_confirmation_and_then_the_token_is_refused(app, signed_in):
    secret = new_token(generate(signed_in).text)
    username = username_of(app, secret)
    assert revoke(signed_in, username).status_code == 303
    polled = app.test_client().get(FEED, headers={"Authorization": f"Token {secret}"})
    assert polled.status_code == 401


def test_revoking_by_get_alone_changes_nothing(app, signed_in):
    secret = new_token(generate(signed_in).text)
    signed_in.get(f"/integration/tokens/{username_of(app, secret)}/revoke")
    polled = app.test_client().get(FEED, headers={"Authorization": f"Token {secret}"})
    assert polled.status_code == 201


def test_another_retailers_user_can_neither_see_nor_revoke(app, client, retailers, user, signed_in):
    secret = new_token(generate(signed_in, "rules-store's token").text)
    username = username_of(app, secret)
    other = app.test_client()
    assert sign_in(other, user(retailers[1], "staff@other.example")).status_code == 302
    page = other.get("/integration/")
    assert username not in page.text and "rules-store's token" not in page.text
    assert other.get(f"/integration/tokens/{username}/revoke").status_code == 404
    token = csrf_token(page.text)
    refused = other.post(
        f"/integration/tokens/{username}/revoke", data={"username": username, "csrf_token": token}
    )
    assert refused.status_code == 404
    polled = app.test_client().get(FEED, headers={"Authorization": f"Token {secret}"})
    assert polled.status_code == 201


def test_polls_of_another_retailer_are_not_listed(app, retailers, token_headers, signed_in):
    app.test_client().get(FEED, headers=token_headers(retailers[1]))
    recorder_of(app).flush()
    page = signed_in.get("/integration/")
    assert "has not polled yet" in page.text


def test_create_user_prints_a_one_time_link_that_sets_a_password(app, runner, retailers):
    result = runner.invoke(main, ["create-user", retailers[0], "New@Rules.example"])
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    path = link.removeprefix("http://localhost:8000")
    client = app.test_client()
    form = client.get(path)
    assert form.status_code == 200
    password = {"password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf_token(form.text)}
    assert client.post(path, data=password).status_code == 302
    assert client.get(path).status_code == 404  # used once
    assert sign_in(client, "new@rules.example").status_code == 302
    with app.app_context(), new_session() as session:
        user = session.scalar(select(WebUser))
        assert user.password_hash.startswith("scrypt:")
        assert path.rsplit("/", 1)[1] not in str(session.scalar(select(PasswordLink.token_hash)))


def test_a_short_password_is_refused(app, runner, retailers):
    link = runner.invoke(main, ["create-user", retailers[0], "a@rules.example"]).stdout.strip()
    client = app.test_client()
    path = link.removeprefix("http://localhost:8000")
    token = csrf_token(client.get(path).text)
    refused = client.post(path, data={"password": "short", "confirm": "short", "csrf_token": token})
    assert refused.status_code == 200 and "at least 12" in refused.text.lower()


def test_an_expired_link_is_refused(app, runner, retailers):
    link = runner.invoke(main, ["create-user", retailers[0], "a@rules.example"]).stdout.strip()
    with app.app_context(), new_session() as session, session.begin():
        stored = session.scalar(select(PasswordLink))
        stored.expires_at -= timedelta(hours=25)
    assert app.test_client().get(link.removeprefix("http://localhost:8000")).status_code == 404


@pytest.mark.parametrize(
    ("used", "expires_in", "usable"),
    [(False, timedelta(hours=1), True), (True, timedelta(hours=1), False),
     (False, timedelta(0), False), (False, -timedelta(seconds=1), False)],
)
def test_when_a_link_is_usable(used, expires_in, usable):
    from pos_transactions.credentials import now_utc

    now = now_utc()
    link = PasswordLink(expires_at=now + expires_in, used_at=now if used else None)
    assert link_is_usable(link, now) is usable


def test_create_user_refuses_a_taken_email_and_an_unknown_retailer(runner, retailers):
    assert runner.invoke(main, ["create-user", retailers[0], "a@rules.example"]).exit_code == 0
    again = runner.invoke(main, ["create-user", retailers[1], "A@rules.example"])
    assert again.exit_code == 1 and "already exists" in again.output
    unknown = runner.invoke(main, ["create-user", "no-such-store", "b@rules.example"])
    assert unknown.exit_code == 1


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(database_url):
    from pos_transactions import create_app

    https = {"TESTING": True, "DATABASE_URL": database_url, "PUBLIC_BASE_URL": "https://pos.example/"}
    apps = [create_app(https), create_app({"TESTING": True, "DATABASE_URL": database_url})]
    try:
        assert apps[0].config["SESSION_COOKIE_SECURE"] is True
        assert apps[1].config["SESSION_COOKIE_SECURE"] is False
        assert apps[0].config["SESSION_COOKIE_HTTPONLY"] is True
        assert apps[0].config["SESSION_COOKIE_SAMESITE"] == "Lax"
        # made once, shared by every process through the database
        assert apps[0].secret_key and apps[0].secret_key == apps[1].secret_key
    finally:
        for app in apps:
            app.extensions["pos_transactions.engine"].dispose()


def test_signing_out_ends_the_session(signed_in):
    page = signed_in.get("/integration/")
    signed_in.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert signed_in.get("/integration/").status_code == 302


def test_polls_are_pruned_to_the_newest_per_retailer(app, retailers, monkeypatch):
    from pos_transactions.web import polls

    monkeypatch.setattr(polls, "KEEP_PER_RETAILER", 3)
    recorder = recorder_of(app)
    for _ in range(5):
        recorder.entries.put(polls.Poll(retailers[0], polls.now_utc(), None, None, 201))
    recorder.flush()
    old = polls.now_utc() - timedelta(days=31)
    recorder.write([polls.Poll(retailers[1], old, None, None, 201)])
    with app.app_context(), new_session() as session:
        counts = dict(
            session.execute(
                select(PollRecord.retailer_id, func.count()).group_by(PollRecord.retailer_id)
            ).all()
        )
    assert counts == {retailers[0]: 3}


def test_a_failing_record_never_fails_the_poll(app, retailers, token_headers, monkeypatch):
    recorder = recorder_of(app)
    monkeypatch.setattr(recorder, "engine", None)  # every write fails
    response = app.test_client().get(FEED, headers=token_headers(retailers[0]))
    assert response.status_code == 201 and len(response.json) > 0
    recorder.flush()  # logged, not raised
    assert recorder.entries.empty()


def test_a_refused_poll_is_listed_with_its_status(app, retailers, token_headers, signed_in):
    bad = "/api/v1/transactions/?start_date=yesterday"
    assert app.test_client().get(bad, headers=token_headers(retailers[0])).status_code == 400
    page = signed_in.get("/integration/")
    assert "<td>400</td>" in page.text and "yesterday → default" in page.text


def test_cases_received_by_webhook_are_listed(app, retailers, token_headers, signed_in):
    assert "No case received yet." in signed_in.get("/integration/").text
    document = json.loads((CASES / "single-batch.json").read_text())
    headers = token_headers(retailers[0])
    delivered = app.test_client().post("/api/v1/cases/", json=document, headers=headers)
    assert delivered.status_code == 201
    page = signed_in.get("/integration/")
    assert "Cases received by webhook" in page.text and document["uuid"] in page.text
