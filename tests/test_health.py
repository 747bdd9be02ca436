"""Health and readiness: /healthz never touches the database, /readyz follows it, and a
real PostgreSQL stopped and started under a running gunicorn is survived without a restart."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import event

from pos_transactions import create_app, health
from pos_transactions.db import make_engine
from pos_transactions.version import service_version

from conftest import DATA
from live_server import BIN, free_port, gunicorn_command

DEADLINE_SECONDS = 120  # the machine is shared and slow: wait long, assert no timing


def test_healthz_is_alive_without_a_database_call(app, client):
    statements = []
    event.listen(app.extensions["pos_transactions.engine"], "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    response = client.get("/healthz")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.json == {"status": "ok", "version": service_version()}
    assert statements == []


def test_readyz_checks_the_database_and_the_schema(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.json["status"] == "ready" and response.json["database"] == "ok"
    assert response.json["schema"]["state"] == "current"
    assert response.json["schema"]["revision"] == response.json["schema"]["head"]


def test_readyz_fails_with_retry_after_while_the_database_is_unreachable(app, client, tmp_path):
    app.extensions["pos_transactions.engine"].dispose()
    app.extensions["pos_transactions.engine"] = make_engine(
        f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"
    )
    response = client.get("/readyz")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.json["database"] == "unavailable"
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").status_code == 200


def test_a_server_started_without_its_database_gets_ready_when_it_appears(tmp_path, monkeypatch):
    folder = tmp_path / "not-yet"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503
    assert client.get("/api/v1/transactions/").status_code == 503
    folder.mkdir()  # the database comes back
    monkeypatch.setattr(health, "SCHEMA_RECHECK_SECONDS", 0.0)
    assert client.get("/api/v1/transactions/").status_code == 401  # served: asks who you are
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["schema"]["state"] == "current"
    app.extensions["pos_transactions.engine"].dispose()


def test_the_version_is_the_package_metadata():
    from importlib.metadata import version

    assert service_version() == version("pos-transactions") != ""


class OwnPostgreSQL:
    """A PostgreSQL server of this test's own, which the test may stop and start."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir, self.folder, self.port = bindir, folder, free_port()
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.as_pg:
            shutil.chown(folder, "postgres")
        self._run("initdb", "--pgdata", folder / "data", "--auth", "trust", "--username",
                  "postgres")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *arguments) -> None:
        command = [*self.as_pg, self.bindir / program, *map(str, arguments)]
        subprocess.run(command, check=True, capture_output=True, timeout=DEADLINE_SECONDS)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")
        self._run("pg_ctl", "--pgdata", self.folder / "data", "--log",
                  self.folder / "server.log", "--wait", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "--pgdata", self.folder / "data", "--mode", mode, "--wait", "stop")


@pytest.fixture
def own_postgresql():
    pg_config = shutil.which("pg_config")
    bindir = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 check=True).stdout.strip()) if pg_config else None
    if bindir is None or not (bindir / "initdb").exists():
        reason = "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="pos-readiness-"))  # the postgres user can reach it
    server = OwnPostgreSQL(bindir, folder)
    server.start()
    yield server
    try:
        server.stop("immediate")
    except subprocess.CalledProcessError:
        pass  # already stopped
    shutil.rmtree(folder, ignore_errors=True)


def wait_for(condition, what: str, process: subprocess.Popen):
    """Poll `condition` until it returns something; fail after a long deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode} while waiting for {what}")
        try:
            if (found := condition()) is not None:  # a 503 Response is falsy: compare to None
                return found
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    pytest.fail(f"no {what} within {DEADLINE_SECONDS} s")


def test_readiness_follows_a_real_postgresql_outage_and_recovers(own_postgresql, tmp_path):
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": own_postgresql.url}
    cli = BIN / "pos-transactions"
    subprocess.run([cli, "load-fixture", DATA / "rules.json"], env=env, check=True,
                   capture_output=True, timeout=DEADLINE_SECONDS)
    made = subprocess.run([cli, "create-credentials", "rules-store", "--json"], env=env,
                          check=True, capture_output=True, text=True, timeout=DEADLINE_SECONDS)
    token = re.search(r'"token": "([^"]+)"', made.stdout).group(1)
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        gunicorn_command(port, 1),
        cwd=tmp_path, env=env, stdout=log, stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def readiness(status: int):
        def answered():
            answer = requests.get(f"{base}/readyz", timeout=10)
            return answer if answer.status_code == status else None

        return answered

    def feed():
        return requests.get(f"{base}/api/v1/transactions/?start_date=2021-03-11&end_date="
                            "2021-03-12", headers={"Authorization": f"Token {token}"}, timeout=30)

    try:
        wait_for(readiness(200), "readiness", server)
        assert feed().status_code == 201  # the worker's pool now holds connections
        own_postgresql.stop()  # a restart the worker does not notice (no request meanwhile)
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
        own_postgresql.start()
        assert feed().status_code == 201  # its dead pooled connections were replaced

        own_postgresql.stop()  # an outage the load balancer sees
        down = wait_for(readiness(503), "failed readiness during the outage", server)
        assert int(down.headers["Retry-After"]) > 0 and down.json()["database"] == "unavailable"
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
        own_postgresql.start()
        wait_for(readiness(200), "readiness after the database came back", server)
        answers = [feed() for _ in range(3)]
        assert [answer.status_code for answer in answers] == [201] * 3
        assert len(answers[0].json()) == 4
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=DEADLINE_SECONDS)
        log.close()
