"""The performance benchmark of issue 4: one command that builds the data, serves it with
gunicorn and measures every target, printing one table.

    scripts/with-postgres .venv/bin/python benchmarks/run.py            # full, < 10 minutes
    scripts/with-postgres .venv/bin/python benchmarks/run.py --quick    # about a minute

Without POSTGRESQL_URL (which scripts/with-postgres exports) the PostgreSQL rows are
skipped.  Everything runs on loopback; every load loop is bounded in time.  See README.md
for what each row means.

The big stores are built in two steps, because `write_sales` is the slow part of the build:
a template store is written through `write_sales`, then copied inside the database (new
retailer ids or shifted days; each copy's `feed_json` is rewritten to match its time).  The
copies are ordered by time, so the rows of one store are interleaved with every other store
on disk, as they are in a live multi-tenant database.
"""

import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import click
import psycopg
import sqlalchemy as sa
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import (  # noqa: E402
    as_record,
    load_sales,
    synthetic_sales,
    today_utc,
    write_store,
)

from pos_transactions.credentials import Scope, create_credential  # noqa: E402
from pos_transactions.db import engine_url, ensure_schema, make_engine  # noqa: E402
from pos_transactions.models import Retailer, Sale  # noqa: E402
from pos_transactions.stores import load_store, read_store_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
VENV_BIN = Path(sys.executable).parent
FEED_PATH = "/api/v1/transactions/"
SALE_COLUMNS = [column.name for column in Sale.__table__.columns if column.name != "id"]
BUSY = "busy-store"
WINDOW_STORE = "window-store"
TEMPLATE = "template-store"


@dataclass(frozen=True)
class Sizes:
    """How much data each measurement uses; `--quick` shrinks everything."""

    window_template_sales: int  # written through write_sales, over `window_template_days`
    window_template_days: int
    window_copies: int  # the window store is this many time-shifted copies
    throughput_transactions: int  # the "about 100k" window
    memory_transactions: int  # the 600k window
    busy_sales_yesterday: int
    store_sales: int  # every store of the scale databases, the busy one included
    small_stores: int  # 10 x 10,000 = the 100k-sale database
    large_stores: int  # 1,000 x 10,000 = the 10M-sale database
    ingest_sales: int
    push_sales: int
    runs: int  # median of this many
    wrk_seconds: int


FULL = Sizes(52_000, 3, 20, 100_000, 600_000, 3_000, 10_000, 10, 1_000, 100_000, 1_000, 5, 10)
QUICK = Sizes(20_000, 3, 6, 30_000, 60_000, 3_000, 10_000, 10, 30, 10_000, 1_000, 3, 3)


# ---------------------------------------------------------------- building the databases


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def add_retailers(engine: sa.Engine, retailer_ids: list[str]) -> None:
    with Session(engine) as session, session.begin():
        for retailer_id in retailer_ids:
            session.merge(
                Retailer(
                    id=retailer_id,
                    name=f"Bench {retailer_id}",
                    timezone="America/Los_Angeles",
                    adapter="generic",
                    adapter_options={},
                )
            )


def build_window_db(path: Path, sizes: Sizes, end: date) -> None:
    """One store of `window_copies` x `window_template_sales` sales over consecutive days."""
    engine = make_engine(sqlite_url(path))
    template = synthetic_sales(
        WINDOW_STORE, sizes.window_template_sales, end, sizes.window_template_days
    )
    load_sales(engine, WINDOW_STORE, template)
    engine.dispose()
    with bulk_writer(path) as connection:
        connection.execute("CREATE TEMP TABLE template AS SELECT * FROM sale")
        for copy in range(1, sizes.window_copies):
            days = copy * sizes.window_template_days
            connection.execute(_shifted_copy_sql(days), (f"~{copy}",))


@contextmanager
def bulk_writer(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for one big copy: no journal, a big cache, and the feed index dropped
    during the copy and rebuilt after (one sort beats millions of scattered inserts).  The
    index is rebuilt from its own stored definition, so it is the service's index."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2000000"):
        connection.execute(f"PRAGMA {pragma}")
    (index,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'ix_sale_feed'"
    ).fetchone()
    connection.execute("DROP INDEX ix_sale_feed")
    try:
        yield connection
        connection.execute(index)
        connection.execute("ANALYZE")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def _shifted_copy_sql(days: int) -> str:
    """INSERT a copy of the temp `template` rows moved `days` earlier, its feed objects'
    times rewritten to match (stored times are 'YYYY-MM-DD HH:MM:SS.ffffff')."""
    moved = f"(datetime(substr(transacted_on, 1, 19), '-{days} days') || substr(transacted_on, 20))"
    shown = (
        f"(CASE WHEN substr({moved}, 21) = '000000' THEN replace(substr({moved}, 1, 19), ' ', 'T')"
        f" ELSE replace({moved}, ' ', 'T') END || 'Z')"
    )
    values = {
        "native_id": "native_id || ?",
        "transacted_on": moved,
        "feed_json": f"json_set(feed_json, '$.transacted_on', {shown})",
    }
    columns = ", ".join(SALE_COLUMNS)
    selected = ", ".join(values.get(name, name) for name in SALE_COLUMNS)
    return f"INSERT INTO sale ({columns}) SELECT {selected} FROM template ORDER BY transacted_on"


def build_scale_sources(path: Path, sizes: Sizes, end: date) -> None:
    """The busy store (3,000 sales yesterday, the rest over the 29 days before) and one
    ordinary store, both written through write_sales; the scale databases copy them."""
    engine = make_engine(sqlite_url(path))
    yesterday = end - timedelta(days=1)
    history = sizes.store_sales - sizes.busy_sales_yesterday
    load_sales(engine, BUSY, synthetic_sales(f"{BUSY}-y", sizes.busy_sales_yesterday, end, 1))
    load_sales(engine, BUSY, synthetic_sales(f"{BUSY}-h", history, yesterday, 29))
    load_sales(engine, TEMPLATE, synthetic_sales(TEMPLATE, sizes.store_sales, end, 30))
    engine.dispose()


def build_scale_db(path: Path, sources: Path, stores: int) -> int:
    """`stores` stores: the busy one plus copies of the template, inserted day by day in time
    order so that each store's rows are spread across the table.  Returns the sale count."""
    engine = make_engine(sqlite_url(path))
    ensure_schema(engine)
    copies = [f"store-{number:04d}" for number in range(1, stores)]
    add_retailers(engine, [BUSY, *copies])
    engine.dispose()
    columns = ", ".join(SALE_COLUMNS)
    selected = ", ".join(
        "copy.retailer_id" if name == "retailer_id" else f"source.{name}" for name in SALE_COLUMNS
    )
    with bulk_writer(path) as connection:
        connection.execute("ATTACH DATABASE ? AS src", (str(sources),))
        connection.execute("DELETE FROM service_setting")
        connection.execute("INSERT INTO service_setting SELECT * FROM src.service_setting")
        connection.execute("CREATE TEMP TABLE copy (source_id TEXT, retailer_id TEXT)")
        connection.executemany(
            "INSERT INTO copy VALUES (?, ?)",
            [(BUSY, BUSY)] + [(TEMPLATE, retailer_id) for retailer_id in copies],
        )
        days = connection.execute(
            "SELECT DISTINCT substr(transacted_on, 1, 10) FROM src.sale ORDER BY 1"
        ).fetchall()
        for (day,) in days:
            connection.execute(
                f"INSERT INTO sale ({columns}) SELECT {selected} "
                "FROM src.sale AS source JOIN copy ON copy.source_id = source.retailer_id "
                "WHERE substr(source.transacted_on, 1, 10) = ? "
                "ORDER BY source.transacted_on, copy.retailer_id",
                (day,),
            )
        connection.execute("DETACH DATABASE src")
        return connection.execute("SELECT count(*) FROM sale").fetchone()[0]


def copy_to_postgresql(source: Path, url: str) -> None:
    """Copy a built SQLite database into a PostgreSQL database, rows and key unchanged."""
    engine = make_engine(url)
    ensure_schema(engine)
    engine.dispose()
    tables = {
        "retailer": ["id", "name", "timezone", "adapter", "adapter_options"],
        "sale": ["id", *SALE_COLUMNS],
    }
    with sqlite3.connect(source) as lite, psycopg.connect(_psycopg_url(url)) as pg:
        key = lite.execute("SELECT value FROM service_setting WHERE name = 'pseudonym_key'")
        pg.execute(
            "UPDATE service_setting SET value = %s WHERE name = 'pseudonym_key'", key.fetchone()
        )
        for table, names in tables.items():
            listed = ", ".join(names)
            with pg.cursor().copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {listed} FROM {table}"):
                    copy.write_row(row)
        pg.execute("SELECT setval('sale_id_seq', (SELECT max(id) FROM sale))")
        pg.commit()
    with psycopg.connect(_psycopg_url(url), autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE sale")


def _psycopg_url(url: str) -> str:
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(False)


def create_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return sa.engine.make_url(engine_url(admin_url)).set(database=name).render_as_string(False)


def new_token(url: str, retailer_id: str, scope: Scope = Scope.FEED) -> str:
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        secret = create_credential(session, retailer_id, scope).secret
    engine.dispose()
    return secret


def window_bounds(url: str, retailer_id: str, transactions: int) -> tuple[datetime, datetime]:
    """The inclusive window holding exactly the first `transactions` reported sales."""
    engine = make_engine(url)
    times = (
        sa.select(Sale.transacted_on)
        .where(Sale.retailer_id == retailer_id, Sale.reported.is_(True))
        .order_by(Sale.transacted_on)
    )
    with engine.connect() as connection:
        first = connection.scalar(times.limit(1))
        last = connection.scalar(times.offset(transactions - 1).limit(1))
        if connection.scalar(times.offset(transactions).limit(1)) == last:
            raise RuntimeError("a tie at the window's end; use another size")
    engine.dispose()
    return first, last


# ---------------------------------------------------------------- serving and measuring


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


def _wait_until_ready(server: Server, workers: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                if len(server.worker_pids()) == workers:
                    time.sleep(1.0)  # let every worker finish building its application
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start in time")


def get(port: int, path: str, headers: dict[str, str]) -> tuple[float, int, bytes]:
    """Seconds until the last byte, status and body of one GET."""
    connection = HTTPConnection("127.0.0.1", port, timeout=120)
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


def feed_path(window: tuple[datetime, datetime] | None = None) -> str:
    if window is None:
        return FEED_PATH
    start, end = (moment.isoformat() + "Z" for moment in window)
    return f"{FEED_PATH}?{urlencode({'start_date': start, 'end_date': end})}"


def reference_path(retailer_id: str, window: tuple[datetime, datetime]) -> str:
    start, end = (moment.strftime("%Y-%m-%d %H:%M:%S.%f") for moment in window)
    return "/?" + urlencode({"retailer": retailer_id, "start": start, "end": end})


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


# ---------------------------------------------------------------- the measurements


@dataclass
class Row:
    target: str
    measured: str
    goal: str
    verdict: str


class Report:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, target: str, measured: str, goal: str, met: bool | None) -> None:
        verdict = {True: "met", False: "MISSED", None: "-"}[met]
        self.rows.append(Row(target, measured, goal, verdict))
        click.echo(f"  {target}: {measured} ({goal}) {verdict}", err=True)

    def table(self) -> str:
        header = Row("target", "measured", "goal", "verdict")
        rows = [header, *self.rows]
        widths = [max(len(getattr(row, name)) for row in rows) for name in vars(header)]
        lines = []
        for number, row in enumerate(rows):
            cells = [
                getattr(row, name).ljust(width)
                for name, width in zip(vars(row), widths, strict=True)
            ]
            lines.append("| " + " | ".join(cells) + " |")
            if number == 0:
                lines.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
        return "\n".join(lines)


def measure_throughput(report, work, sizes, urls, reference_db) -> None:
    """Target 1 (and 5): the ~100k window through gunicorn, beside the reference."""
    window = window_bounds(urls["SQLite"], WINDOW_STORE, sizes.throughput_transactions)
    count = sizes.throughput_transactions
    with serve("reference:app", {"REFERENCE_DATABASE": str(reference_db)}, BENCHMARKS) as server:
        reference_seconds, reference_body = median_get(
            server.port, reference_path(WINDOW_STORE, window), {}, sizes.runs
        )
    reference_rate = count / reference_seconds
    report.add(
        f"reference: one SQLite statement builds the JSON, {count:,} tx window",
        f"{reference_rate:,.0f} tx/s ({reference_seconds * 1000:.0f} ms)",
        "baseline",
        None,
    )
    for name, url in urls.items():
        token = new_token(url, WINDOW_STORE)
        with serve("wsgi:app", {"DATABASE_URL": url}, ROOT) as server:
            seconds, body = median_get(
                server.port, feed_path(window), {"Authorization": f"Token {token}"}, sizes.runs
            )
        if len(json.loads(body)) != count:
            raise RuntimeError(f"{name}: the window did not hold {count} transactions")
        identical = "identical bytes" if body == reference_body else "BYTES DIFFER"
        ratio = reference_seconds / seconds
        report.add(
            f"1/5 throughput, {name}, {count:,} tx window via gunicorn",
            f"{count / seconds:,.0f} tx/s ({seconds * 1000:.0f} ms), "
            f"{ratio:.1f}x reference, {identical}",
            ">= 1x reference, goal 4x",
            ratio >= 1 and body == reference_body,
        )


def measure_memory(report, sizes, urls) -> None:
    """Target 2: peak RSS of the worker that served the big window."""
    window = window_bounds(urls["SQLite"], WINDOW_STORE, sizes.memory_transactions)
    for name, url in urls.items():
        token = new_token(url, WINDOW_STORE)
        with serve("wsgi:app", {"DATABASE_URL": url}, ROOT) as server:
            idle = max(peak_rss_mib(pid) for pid in server.worker_pids())
            elapsed, status, body = get(
                server.port, feed_path(window), {"Authorization": f"Token {token}"}
            )
            peak = max(peak_rss_mib(pid) for pid in server.worker_pids())
        if status != 201 or not body.startswith(b"[{"):
            raise RuntimeError(f"{name}: the big window answered {status}")
        report.add(
            f"2 memory, {name}, {sizes.memory_transactions:,} tx window "
            f"({len(body) / 2**20:,.0f} MiB body)",
            f"worker peak RSS {peak:.0f} MiB (idle {idle:.0f} MiB), "
            f"{sizes.memory_transactions / elapsed:,.0f} tx/s",
            "< 100 MiB",
            peak < 100,
        )


def measure_latency_and_scale(report, sizes, small_urls, large_urls, large_sales) -> None:
    """Targets 3 and 4: wrk on the busy store's default window; small vs large database."""
    default_times = {}
    for label, urls in (("small", small_urls), ("large", large_urls)):
        for name, url in urls.items():
            token = new_token(url, BUSY)
            with serve("wsgi:app", {"DATABASE_URL": url}, ROOT) as server:
                headers = {"Authorization": f"Token {token}"}
                seconds, body = median_get(server.port, FEED_PATH, headers, sizes.runs * 10)
                default_times[label, name] = seconds
                if label == "small":
                    found = run_wrk(server.port, FEED_PATH, token, sizes.wrk_seconds)
                    transactions = len(json.loads(body))
                    report.add(
                        f"3 latency, {name}, default window, {sizes.busy_sales_yesterday:,} "
                        f"sales ({transactions:,} tx), wrk 2 connections {sizes.wrk_seconds}s",
                        f"{found['rps']:,.0f} req/s, p50 {found['p50']:.1f} ms, "
                        f"p99 {found['p99']:.1f} ms, non-2xx {found['non_2xx']:.0f}",
                        ">= 400 req/s, p99 < 20 ms",
                        found["rps"] >= 400 and found["p99"] < 20 and not found["non_2xx"],
                    )
    small_sales = sizes.store_sales * sizes.small_stores
    for name in large_urls:
        small, large = default_times["small", name], default_times["large", name]
        report.add(
            f"4 scale, {name}, default window: {large_sales:,} vs {small_sales:,} sales",
            f"{large * 1000:.1f} ms vs {small * 1000:.1f} ms = {large / small:.2f}x",
            "<= 1.5x",
            large / small <= 1.5,
        )


def measure_ingest(report, work, sizes, end) -> None:
    """Target 6a: load a generated store file the way `load-fixture` does."""
    store = work / "ingest-store.json"
    write_store(store, "ingest-store", synthetic_sales("ingest-store", sizes.ingest_sales, end, 30))
    engine = make_engine(sqlite_url(work / "ingest.sqlite3"))
    ensure_schema(engine)
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        summary = load_store(session, read_store_file(store), str(store)).summary
    seconds = time.perf_counter() - started
    engine.dispose()
    if summary.created != sizes.ingest_sales:
        raise RuntimeError("the ingest store did not load every sale")
    report.add(
        f"6 ingest, SQLite, load a {sizes.ingest_sales:,}-sale store file",
        f"{sizes.ingest_sales / seconds:,.0f} sales/s ({seconds:.1f} s)",
        ">= 20,000 sales/s",
        sizes.ingest_sales / seconds >= 20_000,
    )


def measure_push(report, sizes, urls, end) -> None:
    """Target 6b: POST 1,000 new native records to the ingest endpoint."""
    for name, url in urls.items():
        token = new_token(url, BUSY, Scope.INGEST)
        with serve("wsgi:app", {"DATABASE_URL": url}, ROOT) as server:
            times = []
            for run in range(sizes.runs + 1):
                records = [
                    as_record(sale)
                    for sale in synthetic_sales(f"push-{run}", sizes.push_sales, end, 1, seed=run)
                ]
                body = json.dumps(records)
                connection = HTTPConnection("127.0.0.1", server.port, timeout=60)
                started = time.perf_counter()
                connection.request(
                    "POST",
                    "/api/v1/sales/",
                    body=body,
                    headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                )
                response = connection.getresponse()
                answer = json.loads(response.read())
                times.append(time.perf_counter() - started)
                connection.close()
                if response.status != 201 or answer["created"] != sizes.push_sales:
                    raise RuntimeError(f"{name}: the push answered {response.status} {answer}")
        seconds = statistics.median(times[1:])
        report.add(
            f"6 push, {name}, {sizes.push_sales:,} new sales to POST /api/v1/sales/",
            f"{seconds * 1000:.0f} ms",
            "<= 300 ms",
            seconds <= 0.3,
        )


# ---------------------------------------------------------------- the command


def machine_facts() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    memory = Path("/proc/meminfo").read_text().split()[1]
    return (
        f"{os.cpu_count()} cores ({model}), {int(memory) / 2**20:.0f} GiB RAM, "
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}"
    )


@click.command()
@click.option("--quick", is_flag=True, help="Small sizes: about a minute.")
@click.option(
    "--large-stores",
    type=int,
    default=None,
    help="Stores (10,000 sales each) in the scale test's large database (full: 1,000).",
)
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), help="Keep data here.")
def main(quick: bool, large_stores: int | None, keep: Path | None) -> None:
    """Build the data, serve it with gunicorn, measure every target of issue 4."""
    if shutil.which("wrk") is None:
        raise click.ClickException("wrk is missing: apt-get update && apt-get install -y wrk")
    sizes = QUICK if quick else FULL
    if large_stores:
        sizes = Sizes(**(vars(sizes) | {"large_stores": large_stores}))
    postgresql = os.environ.get("POSTGRESQL_URL")
    if not postgresql:
        click.echo("POSTGRESQL_URL is not set: PostgreSQL rows are skipped", err=True)
    work = keep or Path(tempfile.mkdtemp(prefix="pos-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    end = today_utc()
    report = Report()
    try:
        _run(report, work, sizes, end, postgresql)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    click.echo(f"\n{machine_facts()}; {'quick' if quick else 'full'} run, {minutes:.1f} min\n")
    click.echo(report.table())


def _run(report: Report, work: Path, sizes: Sizes, end: date, postgresql: str | None) -> None:
    step = _stepper()
    window_db, sources = work / "window.sqlite3", work / "sources.sqlite3"
    small_db, large_db = work / "small.sqlite3", work / "large.sqlite3"
    build_window_db(window_db, sizes, end)
    build_scale_sources(sources, sizes, end)
    build_scale_db(small_db, sources, sizes.small_stores)
    step("built the window and small databases")
    large_sales = build_scale_db(large_db, sources, sizes.large_stores)
    step(f"built the large database ({large_sales:,} sales)")
    window_urls = {"SQLite": sqlite_url(window_db)}
    small_urls = {"SQLite": sqlite_url(small_db)}
    if postgresql:
        window_urls["PostgreSQL"] = create_database(postgresql, "bench_window")
        small_urls["PostgreSQL"] = create_database(postgresql, "bench_small")
        copy_to_postgresql(window_db, window_urls["PostgreSQL"])
        copy_to_postgresql(small_db, small_urls["PostgreSQL"])
        step("copied to PostgreSQL")
    measure_throughput(report, work, sizes, window_urls, window_db)
    step("throughput")
    measure_memory(report, sizes, window_urls)
    step("memory")
    measure_latency_and_scale(
        report, sizes, small_urls, {"SQLite": sqlite_url(large_db)}, large_sales
    )
    step("latency and scale")
    measure_ingest(report, work, sizes, end)
    measure_push(report, sizes, small_urls, end)
    step("ingest")


def _stepper():
    started = time.monotonic()

    def step(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f} s] {message}", err=True)

    return step


if __name__ == "__main__":
    main()
