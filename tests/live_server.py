"""Helpers for the tests that run the service for real: gunicorn (or the CLI) as a child
process on a loopback port, the way production and a newcomer run it."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BOOT_SECONDS = 120  # generous: a busy 2-core machine boots workers slowly


@contextmanager
def server_processes(cwd: Path, to_files: bool = False) -> Iterator[Callable]:
    """`start(command, env)` runs a server in its own process group; every one started is
    stopped on leaving.  Output is piped (read it once the server stopped), or with
    `to_files` written to ``server-N.log`` in `cwd`: a pipe nobody reads while the server
    runs would fill up with the request log and stall it."""
    processes: list[subprocess.Popen] = []

    def start(command: list, env: dict) -> subprocess.Popen:
        if to_files:
            log = (cwd / f"server-{len(processes)}.log").open("w")
            output = {"stdout": log, "stderr": subprocess.STDOUT}
        else:
            output = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
        process = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True, **output)
        if to_files:
            log.close()
        processes.append(process)
        return process

    try:
        yield start
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.communicate(timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(env: dict, *args) -> str:
    """``pos-transactions ARGS`` in a process of its own, as an operator runs it; its stdout."""
    done = subprocess.run(
        [BIN / "pos-transactions", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def gunicorn_command(port: int, workers: int = 2, *options) -> list:
    """``gunicorn wsgi:app`` from the repository (so its ``gunicorn.conf.py`` applies) on a
    loopback port; `options` go before the application."""
    return [
        BIN / "gunicorn", *options, "--chdir", ROOT, "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--no-control-socket", "wsgi:app",
    ]  # fmt: skip


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = BOOT_SECONDS) -> None:
    """Wait for the server to answer anything at `url`.

    gunicorn accepts connections before its workers have booted, so on a busy machine a
    probe may be refused, reset or time out for a while: every such failure means "not
    yet".  Only the process exiting, or the long deadline passing, fails the test, and the
    failure shows what the server wrote.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{server_output(process)}")
        try:
            requests.get(url, timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGTERM)
    pytest.fail(f"nothing answered at {url} within {seconds} s:\n{server_output(process)}")


def server_output(process: subprocess.Popen) -> str:
    """What a stopped (or stopping) server wrote to its stderr pipe, for a failure message."""
    try:
        return process.communicate(timeout=30)[1] or "(no stderr)"
    except (subprocess.TimeoutExpired, ValueError):
        return "(stderr unavailable)"
