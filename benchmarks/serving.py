"""Serving and fetching: gunicorn on a loopback port, timed GETs, wrk, peak memory."""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
FEED_PATH = "/api/v1/transactions/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    port: int
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_rss_mib(self) -> float:
        """The highest peak resident set of any worker so far."""
        return max(peak_rss_mib(pid) for pid in self.worker_pids())

    def reset_peaks(self) -> float:
        """Start every worker's peak resident set afresh from its current size, so that a
        later peak is the request's, not the worker's start-up; returns the start-up peak.
        (Building the application peaks about 30 MiB above what an idle worker keeps.)"""
        booted = self.peak_rss_mib()
        for pid in self.worker_pids():
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset VmHWM (proc(5))
        return booted


@contextmanager
def serve(application: str, env: dict[str, str], cwd: Path, workers: int = 2) -> Iterator[Server]:
    """gunicorn with `workers` sync workers on a free loopback port, stopped on exit."""
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        application,
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=120",
    ]
    process = subprocess.Popen(command, cwd=cwd, env=os.environ | env)
    server = Server(port, process)
    try:
        _wait_until_ready(server, workers)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def serve_service(url: str) -> Iterator[Server]:
    """The service itself (`wsgi:app`) over the database at `url`, freshly started."""
    return serve("wsgi:app", {"DATABASE_URL": url}, ROOT)


def _wait_until_ready(server: Server, workers: int, seconds: float = 60) -> None:
    """Until the port answers and every worker has built its application: the workers
    share the listening socket, so a connection is accepted before they are done, and a
    worker still starting would put its start-up in a measurement."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                if len(server.worker_pids()) == workers:
                    _wait_until_idle(server.worker_pids(), deadline)
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start in time")


def _wait_until_idle(pids: list[int], deadline: float, quiet: float = 0.5) -> None:
    """Until no process of `pids` has used CPU for `quiet` seconds (or the deadline)."""
    used = _cpu_ticks(pids)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = _cpu_ticks(pids)
        if now == used:
            return
        used = now


def _cpu_ticks(pids: list[int]) -> list[int]:
    """User and system CPU time of each process, in clock ticks (/proc/<pid>/stat)."""
    ticks = []
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks.append(int(fields[11]) + int(fields[12]))  # utime, stime: fields 14 and 15
    return ticks


def get(
    port: int, path: str, headers: dict[str, str], timeout: float = 120
) -> tuple[float, int, bytes]:
    """Seconds until the last byte, status and body of one GET."""
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, response.status, body


def median_get(port: int, path: str, headers: dict[str, str], runs: int) -> tuple[float, bytes]:
    """Median seconds of `runs` GETs (after one warm-up) and the body, which must not vary."""
    _, status, body = get(port, path, headers)
    if status not in (200, 201):
        raise RuntimeError(f"GET {path} answered {status}: {body[:200]!r}")
    times = []
    for _ in range(runs):
        elapsed, _, again = get(port, path, headers)
        if again != body:
            raise RuntimeError(f"GET {path} answered differently on a repeat")
        times.append(elapsed)
    return statistics.median(times), body


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the most resident memory the process has ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def token_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def feed_path(window: tuple[datetime, datetime] | None = None) -> str:
    """The feed's path: the default window (yesterday, UTC) or an explicit one."""
    if window is None:
        return FEED_PATH
    start, end = (moment.isoformat() + "Z" for moment in window)
    return f"{FEED_PATH}?{urlencode({'start_date': start, 'end_date': end})}"


def reference_path(retailer_id: str, window: tuple[datetime, datetime]) -> str:
    start, end = (moment.strftime("%Y-%m-%d %H:%M:%S.%f") for moment in window)
    return "/?" + urlencode({"retailer": retailer_id, "start": start, "end": end})


def transaction_count(body: bytes) -> int:
    """Transactions in a feed body, without parsing hundreds of MiB of JSON."""
    return body.count(b'"transaction_id":')


def run_wrk(port: int, path: str, token: str, seconds: int) -> dict[str, float]:
    """req/s and latency percentiles (ms) from wrk: one thread, one connection per worker."""
    output = subprocess.run(
        [
            "wrk",
            "--threads=1",
            "--connections=2",
            f"--duration={seconds}s",
            "--timeout=5s",
            "--latency",
            f"--header=Authorization: Token {token}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/sec, p50 and p99 (ms) and the count of non-2xx answers from wrk's report."""
    found = {"non_2xx": 0.0}
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for line in output.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            found["rps"] = float(words[1])
        elif len(words) == 2 and words[0] in ("50%", "99%"):
            number = words[1].rstrip("usm")
            unit = words[1][len(number) :]
            found[f"p{words[0][:-1]}"] = float(number) * units[unit]
        elif line.strip().startswith("Non-2xx"):
            found["non_2xx"] = float(words[-1])
    return found
