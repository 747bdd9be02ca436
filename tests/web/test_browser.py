"""The integration page in a real browser: headless Chromium (Debian's ``chromium``, driven
by Playwright) against a real gunicorn with two workers, on one SQLite database.

Without the browser or Playwright these tests skip and say why; under CI they fail, since
CI must run them (``scripts/run-tests`` installs the browser).  Each page is saved as a
screenshot under ``POS_TEST_ARTIFACTS`` (else the test's tmp_path).
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from .helpers import PASSWORD
from conftest import DATA
from live_server import free_port, gunicorn_command, run_cli, wait_until_serving

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
FEED = "api/v1/transactions/?start_date=2021-03-01&end_date=2021-04-01"
WAIT_MS = 60_000  # generous: the machine is shared and slow


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM}: apt-get install chromium (scripts/run-tests does)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path):
    """A gunicorn serving a database with two retailers, each with a user whose one-time
    link is returned (path only); yields (base URL, {retailer: link path})."""
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}"}
    other = tmp_path / "other.json"
    other.write_text(
        (DATA / "rules.json").read_text().replace('"rules-store"', '"other-store"', 1)
    )
    links = {}
    for store, retailer in ((DATA / "rules.json", "rules-store"), (other, "other-store")):
        run_cli(env, "load-fixture", store)
        link = run_cli(env, "create-user", retailer, f"staff@{retailer}.example").strip()
        links[retailer] = re.sub(r"^https?://[^/]+", "", link)
    port = free_port()
    process = subprocess.Popen(
        gunicorn_command(port),
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    wait_until_serving(base + "login", process)
    yield base, links
    os.killpg(process.pid, signal.SIGTERM)
    process.communicate(timeout=30)


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("POS_TEST_ARTIFACTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return shot


def sign_up_and_in(browser, base: str, link: str, email: str, shot=None):
    """A new browser context: set the password through the link, then sign in."""
    context = browser.new_context(base_url=base)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(link)
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    if shot:
        shot(page, "set-password")
    page.get_by_role("button", name="Set password").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if shot:
        shot(page, "login")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="LucidRetail integration").wait_for()
    return page


def poll(base: str, token: str) -> requests.Response:
    return requests.get(base + FEED, headers={"Authorization": f"Token {token}"}, timeout=60)


def test_a_retailer_connects_lucidretail_from_the_page(browser, server, shots):
    base, links = server
    page = sign_up_and_in(browser, base, links["rules-store"], "staff@rules-store.example", shots)
    assert page.get_by_label("Transactions API (feed) URL", exact=True).input_value() == (
        base + "api/v1/transactions/"
    )
    shots(page, "integration-empty")

    page.get_by_label("Label (who holds it)").fill("LucidRetail production")
    page.get_by_role("button", name="Generate token").click()
    token = page.get_by_label("Authorization Token (shown only now)", exact=True).input_value()
    page.get_by_role("button", name=re.compile("^Copy Authorization Token")).wait_for()
    shots(page, "token-generated")

    served = poll(base, token)
    assert served.status_code == 201
    deadline = time.monotonic() + 60  # the poll is written within about a second
    while f"<td>{len(served.json())}</td>" not in page.content():
        assert time.monotonic() < deadline, "the poll never appeared under Activity"
        time.sleep(0.5)
        page.goto("/integration/")
    shots(page, "integration-with-poll")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    shots(page, "integration-phone")
    page.set_viewport_size({"width": 1280, "height": 720})

    other = sign_up_and_in(browser, base, links["other-store"], "staff@other-store.example")
    username = page.locator("td code").first.inner_text()
    assert username not in other.content() and "LucidRetail production" not in other.content()
    refused = other.goto(f"/integration/tokens/{username}/revoke")
    assert refused.status == 404
    assert poll(base, token).status_code == 201

    page.get_by_role("link", name=re.compile(f"^Revoke {username}")).click()
    shots(page, "revoke-confirm")
    page.get_by_role("button", name=f"Revoke {username}").click()
    page.get_by_text(f"Token {username} revoked.").wait_for()
    assert poll(base, token).status_code == 401


def test_a_form_posted_without_its_csrf_token_is_refused(browser, server, shots):
    base, links = server
    page = sign_up_and_in(browser, base, links["rules-store"], "staff@rules-store.example")
    page.evaluate(
        "document.querySelectorAll('form[action$=\"/integration/tokens\"] "
        "input[name=csrf_token]').forEach((input) => input.remove())"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Generate token").click()
    assert page.get_by_role("heading", name="Form expired").is_visible()
    shots(page, "csrf-refused")
    page.goto("/integration/")
    assert page.locator("td code").count() == 0  # no token was made
