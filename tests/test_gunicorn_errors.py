"""A real ``gunicorn wsgi:app`` with the repository's gunicorn.conf.py: every legal request
fits its limits, what exceeds them is refused by gunicorn itself (an HTML body gunicorn
offers no setting to change, as the README says), a chunked body over the push limit is a
JSON 413, and no credential ever reaches its logs.

One server serves the whole module (a boot costs seconds on a busy machine); it runs on
SQLite, since nothing here depends on the database.
"""

import base64
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from pos_transactions import gunicorn_settings
from pos_transactions.gunicorn_settings import SETTINGS

from conftest import DATA
from live_server import ROOT, free_port, gunicorn_command, run_cli, wait_until_serving

LONGEST_FEED_QUERY = (
    "?start_datetime=2021-03-10T00:00:00.000000-08:00&end_datetime=2021-03-13T23:59:59.999999-08:00"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(base URL, feed credential, ingest credential, log files) of a running gunicorn."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}"}
    run_cli(env, "load-fixture", DATA / "rules.json")
    feed = json.loads(run_cli(env, "create-credentials", "rules-store", "--json"))
    ingest = json.loads(
        run_cli(env, "create-credentials", "rules-store", "--scope", "ingest", "--json")
    )
    port = free_port()
    logs = [tmp / "access.log", tmp / "error.log"]
    command = gunicorn_command(port, 1, "--access-logfile", logs[0], "--error-logfile", logs[1])
    # Run in the repository, as the README's production command is: gunicorn reads
    # gunicorn.conf.py from the directory it starts in (before any --chdir).
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/", process)
        yield base, port, feed, ingest, logs
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def raw_exchange(port: int, head: bytes, body_chunks=()) -> tuple[int, dict, bytes]:
    """Send `head` (and the body chunks, from another thread, as a client that keeps sending
    while the server answers), read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:

        def send() -> None:
            try:
                connection.sendall(head)
                for chunk in body_chunks:
                    connection.sendall(chunk)
            except OSError:
                pass  # the server answered and closed before taking the rest: expected

        sender = threading.Thread(target=send)
        sender.start()
        answer = b""
        try:
            while data := connection.recv(65536):
                answer += data
        except ConnectionResetError:
            pass  # the close that follows a refusal; the answer came before it
        sender.join(timeout=60)
    status_line, _, rest = answer.partition(b"\r\n")
    header_block, _, body = rest.partition(b"\r\n\r\n")
    headers = dict(
        line.decode("latin-1").split(": ", 1) for line in header_block.split(b"\r\n") if line
    )
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


def test_the_settings_are_the_ones_gunicorn_conf_gives():
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)
    assert {key: namespace[key] for key in SETTINGS} == SETTINGS
    assert {key: getattr(gunicorn_settings, key) for key in SETTINGS} == SETTINGS


def test_the_longest_legal_requests_fit(server):
    base, _, feed, _, _ = server
    url = base + "/api/v1/transactions/" + LONGEST_FEED_QUERY
    answer = requests.get(url, headers={"Authorization": f"Token {feed['token']}"}, timeout=60)
    assert answer.status_code == 201 and len(answer.json()) == 6
    longest_basic = base64.b64encode(("u" * 64 + ":" + "p" * 256).encode()).decode()
    answer = requests.get(url, headers={"Authorization": f"Basic {longest_basic}"}, timeout=60)
    assert answer.status_code == 401 and answer.json()["error"]  # the application answered


def test_an_over_long_request_line_is_gunicorns_own_414(server):
    _, port, _, _, _ = server
    path = "/api/v1/transactions/?x=" + "a" * SETTINGS["limit_request_line"]
    status, headers, body = raw_exchange(port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 414
    assert headers["content-type"] == "text/html" and b"URI Too Long" in body  # README says


def test_an_over_long_header_is_gunicorns_own_431(server):
    _, port, _, _, _ = server
    field = "X-Padding: " + "a" * SETTINGS["limit_request_field_size"]
    status, headers, body = raw_exchange(
        port, f"GET /api/v1/transactions/ HTTP/1.1\r\nHost: x\r\n{field}\r\n\r\n".encode()
    )
    assert status == 431
    assert headers["content-type"] == "text/html" and b"Request Header Fields Too Large" in body


def test_too_many_headers_are_gunicorns_own_431(server):
    _, port, _, _, _ = server
    fields = "".join(f"X-H{n}: 1\r\n" for n in range(SETTINGS["limit_request_fields"] + 1))
    status, headers, _ = raw_exchange(port, f"GET / HTTP/1.1\r\nHost: x\r\n{fields}\r\n".encode())
    assert status == 431 and headers["content-type"] == "text/html"


def test_a_chunked_20_mib_push_is_a_json_413(server):
    _, port, _, ingest, _ = server
    head = (
        "POST /api/v1/sales/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Token {ingest['token']}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    piece = b"[" + b" " * (1024 * 1024 - 2) + b"]"
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    status, headers, body = raw_exchange(port, head, [chunk] * 20 + [b"0\r\n\r\n"])
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert "smaller than" in json.loads(body)["error"]


def test_no_credential_reaches_gunicorns_logs(server):
    base, _, feed, ingest, logs = server
    url = base + "/api/v1/transactions/" + LONGEST_FEED_QUERY
    basic = base64.b64encode(f"{feed['username']}:{feed['password']}".encode()).decode()
    for authorization in (f"Token {feed['token']}", f"Bearer {feed['token']}", f"Basic {basic}"):
        assert requests.get(url, headers={"Authorization": authorization}, timeout=60).ok
    requests.post(
        base + "/api/v1/sales/", json=[], headers={"Authorization": f"Token {ingest['token']}"},
        timeout=60,
    )  # fmt: skip
    link_token = "one-time-" + "7" * 40  # where a password link's token travels
    requests.get(base + f"/set-password?token={link_token}", timeout=60)
    deadline = time.monotonic() + 60  # the access log is written after each answer
    while time.monotonic() < deadline and logs[0].read_text().count("/set-password") < 1:
        time.sleep(0.1)
    text = "".join(log.read_text() for log in logs)
    assert re.search(r'"GET /api/v1/transactions/ HTTP/1.1" 201', text)
    for secret in (feed["token"], ingest["token"], basic, feed["username"], link_token):
        assert secret not in text
