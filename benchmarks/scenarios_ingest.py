"""Ingest: loading a generic store file (`load_store`, as `load-fixture` does), stage by
stage (`pos_transactions.ingest_stages`), and pushing sales to `POST /api/v1/sales/`."""

import json
import statistics
import time
from collections.abc import Callable
from datetime import date
from http.client import HTTPConnection
from pathlib import Path

import click
from sqlalchemy.orm import Session

from benchmarks.build import new_token
from benchmarks.generate import as_record, synthetic_sales, write_store
from benchmarks.report import Report
from benchmarks.serving import serve_service, token_header
from benchmarks.sizes import BUSY, Sizes
from pos_transactions.credentials import Scope
from pos_transactions.db import ensure_schema, make_engine
from pos_transactions.ingest_stages import time_load_stages
from pos_transactions.stores import load_store, read_store_file

INGEST_STORE = "ingest-store"
INGEST_GOALS = {"SQLite": 10_000, "PostgreSQL": 20_000}  # sales/s (issue 12)


def timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def measure_ingest(
    report: Report,
    work: Path,
    sizes: Sizes,
    end: date,
    empty_urls: dict[str, Callable[[str], str]],
) -> None:
    """`load_store` of one generated store into an empty database of each engine, then the
    same load stage by stage into a second empty one (`time_load_stages`: reading the file,
    parsing and validating, building the stored rows, writing, committing).
    `empty_urls` maps an engine's name to a factory of empty databases (by name)."""
    store_path = work / "ingest-store.json"
    count = sizes.ingest_sales
    write_store(store_path, INGEST_STORE, synthetic_sales(INGEST_STORE, count, end, 30))
    for name, new_database in empty_urls.items():
        seconds, summary = _load(new_database("bench_ingest"), store_path)
        if summary.created != count:
            raise RuntimeError(f"{name}: the ingest store did not load every sale")
        stages = ", ".join(
            f"{stage} {spent / count * 1e6:.0f} µs"
            for stage, spent in _stages(new_database("bench_ingest_stages"), store_path).items()
        )
        click.echo(f"  ingest {name}, per sale: {stages}", err=True)
        report.add(
            f"6 ingest, {name}, load_store of a {count:,}-sale store file",
            f"{count / seconds:,.0f} sales/s ({seconds:.1f} s); per sale: {stages}",
            f">= {INGEST_GOALS[name]:,} sales/s",
            count / seconds >= INGEST_GOALS[name],
        )


def _load(url: str, store_path: Path):
    """Seconds to read and load the store file in one transaction, and the write summary."""
    engine = make_engine(url)
    ensure_schema(engine)
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        summary = load_store(session, read_store_file(store_path), str(store_path)).summary
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds, summary


def _stages(url: str, store_path: Path) -> dict[str, float]:
    """Seconds per stage of the same load into another empty database."""
    engine = make_engine(url)
    ensure_schema(engine)
    with Session(engine) as session:
        _, seconds = time_load_stages(session, store_path)
    engine.dispose()
    return seconds


def measure_push(report: Report, sizes: Sizes, urls: dict[str, str], end: date) -> None:
    """Target 6b: POST 1,000 new native records to the ingest endpoint."""
    for name, url in urls.items():
        token = new_token(url, BUSY, Scope.INGEST)
        with serve_service(url) as server:
            times = [
                _push(server.port, token, run, sizes, end, name) for run in range(sizes.runs + 1)
            ]
        seconds = statistics.median(times[1:])
        report.add(
            f"6 push, {name}, {sizes.push_sales:,} new sales to POST /api/v1/sales/",
            f"{seconds * 1000:.0f} ms",
            "<= 300 ms",
            seconds <= 0.3,
        )


def _push(port: int, token: str, run: int, sizes: Sizes, end: date, name: str) -> float:
    """Seconds for one push of `push_sales` new records, until the answer is read."""
    records = [
        as_record(sale)
        for sale in synthetic_sales(f"push-{run}", sizes.push_sales, end, 1, seed=run)
    ]
    body = json.dumps(records)
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request(
        "POST",
        "/api/v1/sales/",
        body=body,
        headers=token_header(token) | {"Content-Type": "application/json"},
    )
    response = connection.getresponse()
    answer = json.loads(response.read())
    seconds = time.perf_counter() - started
    connection.close()
    if response.status != 201 or answer["created"] != sizes.push_sales:
        raise RuntimeError(f"{name}: the push answered {response.status} {answer}")
    return seconds
