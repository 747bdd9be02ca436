"""The performance benchmark (issues 4 and 12): one command that builds the data, serves it
with gunicorn and measures every target, printing one table.

    scripts/with-postgres .venv/bin/python benchmarks/run.py            # full run
    scripts/with-postgres .venv/bin/python benchmarks/run.py --quick    # a few minutes
    scripts/with-postgres .venv/bin/python benchmarks/run.py --only cold

Without POSTGRESQL_URL (which scripts/with-postgres exports) the PostgreSQL rows are
skipped.  Everything runs on loopback; every load loop is bounded in time.  See README.md
for the files, the data and what each row means.
"""

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import scenarios_cold, scenarios_hot, scenarios_ingest  # noqa: E402
from benchmarks.databases import Databases  # noqa: E402
from benchmarks.generate import today_utc  # noqa: E402
from benchmarks.report import Report, heading  # noqa: E402
from benchmarks.scenarios_windows import measure_window_memory  # noqa: E402
from benchmarks.sizes import FULL, QUICK, Sizes  # noqa: E402


def _throughput(report: Report, databases: Databases) -> None:
    urls = databases.window()
    scenarios_hot.measure_throughput(report, databases.sizes, urls, databases.path("window"))


def _scale(report: Report, databases: Databases) -> None:
    small_url = databases.small()["SQLite"]
    large_url, large_sales = databases.large()
    small_sales = databases.sizes.store_sales * databases.sizes.small_stores
    scenarios_hot.measure_scale(
        report, databases.sizes, small_url, large_url, small_sales, large_sales
    )


def _cold(report: Report, databases: Databases) -> None:
    urls = databases.cold()
    scenarios_cold.measure_cold_pattern(
        report, databases.sizes, urls, databases.path("cold"), databases.end
    )


# In the table's order: the cold rows follow the hot latency rows, so they are read together.
SCENARIOS: dict[str, Callable[[Report, Databases], None]] = {
    "throughput": _throughput,
    "memory": lambda report, dbs: scenarios_hot.measure_memory(report, dbs.sizes, dbs.window()),
    "windows": lambda report, dbs: measure_window_memory(report, dbs.sizes, dbs.days(), dbs.end),
    "latency": lambda report, dbs: scenarios_hot.measure_latency(report, dbs.sizes, dbs.small()),
    "cold": _cold,
    "scale": _scale,
    "ingest": lambda report, dbs: scenarios_ingest.measure_ingest(
        report, dbs.work, dbs.sizes, dbs.end, dbs.empty()
    ),
    "push": lambda report, dbs: scenarios_ingest.measure_push(
        report, dbs.sizes, dbs.small(), dbs.end
    ),
}


@click.command()
@click.option("--quick", is_flag=True, help="Small sizes (every row kept): a few minutes.")
@click.option(
    "--only",
    type=click.Choice(list(SCENARIOS)),
    multiple=True,
    help="Run only these scenarios (repeatable); default: all of them.",
)
@click.option(
    "--large-stores",
    type=int,
    default=None,
    help="Stores (10,000 sales each) in the scale test's large database (full: 1,000).",
)
@click.option(
    "--cold-retailers",
    type=int,
    default=None,
    help="Retailers in the cold pattern (full: 1,000; quick: 100).",
)
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), help="Keep data here.")
def main(
    quick: bool,
    only: tuple[str, ...],
    large_stores: int | None,
    cold_retailers: int | None,
    keep: Path | None,
) -> None:
    """Build the data, serve it with gunicorn, measure every target of issues 4 and 12."""
    if shutil.which("wrk") is None:
        raise click.ClickException("wrk is missing: apt-get update && apt-get install -y wrk")
    sizes = QUICK if quick else FULL
    changes = {"large_stores": large_stores, "cold_retailers": cold_retailers}
    sizes = Sizes(**(vars(sizes) | {name: value for name, value in changes.items() if value}))
    postgresql = os.environ.get("POSTGRESQL_URL")
    if not postgresql:
        click.echo("POSTGRESQL_URL is not set: PostgreSQL rows are skipped", err=True)
    if keep and keep.exists() and any(keep.iterdir()):
        raise click.ClickException(f"{keep} is not empty: --keep needs a new or empty folder")
    work = keep or Path(tempfile.mkdtemp(prefix="pos-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report = Report()
    try:
        _run(report, Databases(work, sizes, today_utc(), postgresql, _stepper()), only)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    click.echo(f"\n{heading(quick, minutes, postgresql)}\n")
    click.echo(report.table())


def _run(report: Report, databases: Databases, only: tuple[str, ...]) -> None:
    for name, measure in SCENARIOS.items():
        if not only or name in only:
            measure(report, databases)
            databases.step(name)


def _stepper() -> Callable[[str], None]:
    started = time.monotonic()

    def step(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f} s] {message}", err=True)

    return step


if __name__ == "__main__":
    main()
