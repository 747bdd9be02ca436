"""Deterministic synthetic stores for the performance benchmark.

The same options always give the same sales, so two runs (or SQLite and PostgreSQL in one
run) measure the same data.  The shape follows the issue's orientation figures: about four
lines a sale, 60% of sales carrying LucidIDs, a few voided and open sales, some weighed
lines.  A sale is made once as a canonical `Sale`; `as_record` renders it in the generic
adapter's JSON (with LucidIDs in every accepted form) for store files and pushes, and
`load_sales` writes canonical sales straight through `write_sales` for the big databases,
skipping only the JSON parsing that the ingest benchmark measures separately.

    python benchmarks/generate.py store OUT.json --sales 100000 --days 30
    python benchmarks/generate.py database sqlite:///big.sqlite3 --retailers 10 --sales 10000
"""

import json
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import click
import shortuuid
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pos_transactions.canonical import Sale, SaleLine, SaleStatus
from pos_transactions.db import ensure_schema, make_engine
from pos_transactions.models import Retailer
from pos_transactions.sales import write_sales

LUCID_SHARE = 0.60  # sales that carry at least one LucidID
VOID_SHARE = 0.03
OPEN_SHARE = 0.01
WEIGHED_SHARE = 0.10  # lines sold by weight (fractional quantity)
TIMEZONE = "America/Los_Angeles"


def today_utc() -> date:
    return datetime.now(UTC).date()


def synthetic_sales(prefix: str, count: int, end: date, days: int, seed: int = 0) -> Iterator[Sale]:
    """`count` sales spread evenly at random over the `days` UTC days before `end`, oldest
    first.  Native ids are ``<prefix>-<n>``, so the same options name the same sales."""
    rng = random.Random(f"{seed}:{prefix}")
    last = datetime.combine(end, time(), tzinfo=UTC)
    span = days * 86_400_000_000
    offsets = sorted(rng.randrange(span) for _ in range(count))
    for number, offset in enumerate(offsets):
        moment = last - timedelta(microseconds=span - offset)
        yield _sale(rng, f"{prefix}-{number}", moment)


def _sale(rng: random.Random, native_id: str, moment: datetime) -> Sale:
    roll = rng.random()
    status = SaleStatus.COMPLETED
    if roll < VOID_SHARE:
        status = SaleStatus.VOIDED
    elif roll < VOID_SHARE + OPEN_SHARE:
        status = SaleStatus.OPEN
    carries_lucid_ids = rng.random() < LUCID_SHARE
    lines = [_line(rng, carries_lucid_ids) for _ in range(rng.randint(1, 7))]
    if carries_lucid_ids and not any(line.lucid_ids for line in lines):
        first = lines[0]
        lines[0] = SaleLine(first.sku, first.quantity, (_lucid_id(rng),))
    return Sale(
        id=native_id,
        status=status,
        completed_at=moment.replace(microsecond=moment.microsecond // 1000 * 1000),
        customer_id=None if rng.random() < 0.2 else f"C-{rng.randrange(50_000)}",
        employee_id=f"E-{rng.randrange(40)}",
        lines=tuple(lines),
    )


def _line(rng: random.Random, carries_lucid_ids: bool) -> SaleLine:
    sku = f"SKU-{rng.randrange(800)}"
    if rng.random() < WEIGHED_SHARE:
        quantity = Decimal(rng.randint(1, 70)) / 10
        scanned = 1
    else:
        quantity = Decimal(rng.choice((1, 1, 1, 2, 3)))
        scanned = rng.randint(1, int(quantity))
    if not carries_lucid_ids or rng.random() < 0.3:
        return SaleLine(sku, quantity)
    return SaleLine(sku, quantity, tuple(_lucid_id(rng) for _ in range(scanned)))


def _lucid_id(rng: random.Random) -> str:
    return shortuuid.encode(uuid.UUID(int=rng.getrandbits(128)))


def as_record(sale: Sale) -> dict:
    """The sale as the generic adapter reads it.  LucidIDs come as the bare id, the QR-code
    URL or a hyphenated UUID in turn, the way different scanners hand them over."""
    forms = (
        lambda lucid_id: lucid_id,
        lambda lucid_id: f"https://qr.lcdg.io/{lucid_id}",
        lambda lucid_id: str(shortuuid.decode(lucid_id)),
    )
    position = 0
    lines = []
    for line in sale.lines:
        written = []
        for lucid_id in line.lucid_ids:
            written.append(forms[position % 3](lucid_id))
            position += 1
        lines.append({"sku": line.sku, "quantity": _number(line.quantity), "lucid_ids": written})
    return {
        "id": sale.id,
        "completed_at": None if sale.completed_at is None else sale.completed_at.isoformat(),
        "status": sale.status.value,
        "customer_id": sale.customer_id,
        "employee_id": sale.employee_id,
        "lines": lines,
    }


def _number(quantity: Decimal) -> int | float:
    return int(quantity) if quantity == quantity.to_integral_value() else float(quantity)


def store_document(retailer_id: str, sales: Iterator[Sale]) -> dict:
    """A fixture store (the generic adapter's format) holding `sales`."""
    return {
        "retailer": {"id": retailer_id, "name": f"Bench {retailer_id}", "timezone": TIMEZONE},
        "adapter": "generic",
        "adapter_options": {},
        "sales": [as_record(sale) for sale in sales],
    }


def write_store(path: Path, retailer_id: str, sales: Iterator[Sale]) -> None:
    path.write_text(json.dumps(store_document(retailer_id, sales)), encoding="utf-8")


def load_sales(engine: Engine, retailer_id: str, sales: Iterator[Sale]) -> int:
    """Create the retailer and write its sales through `write_sales`; the number written."""
    ensure_schema(engine)
    with Session(engine) as session, session.begin():
        session.merge(
            Retailer(
                id=retailer_id,
                name=f"Bench {retailer_id}",
                timezone=TIMEZONE,
                adapter="generic",
                adapter_options={},
            )
        )
        session.flush()
        summary = write_sales(session, retailer_id, sales)
    return summary.created + summary.updated + summary.unchanged


_sizes = [
    click.option("--sales", default=10_000, show_default=True, help="Sales per retailer."),
    click.option("--days", default=30, show_default=True, help="UTC days the sales cover."),
    click.option(
        "--end-date",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help="The day after the last sale (default: today, UTC).",
    ),
    click.option("--seed", default=0, show_default=True),
]


def _with_sizes(command):
    for option in reversed(_sizes):
        command = option(command)
    return command


@click.group()
def main() -> None:
    """Make synthetic stores for the benchmark."""


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--retailer", default="bench-store", show_default=True)
@_with_sizes
def store(out: Path, retailer: str, sales: int, days: int, end_date, seed: int) -> None:
    """Write one generic-format store file."""
    end = end_date.date() if end_date else today_utc()
    write_store(out, retailer, synthetic_sales(retailer, sales, end, days, seed))
    click.echo(f"{out}: {sales} sales of {retailer}")


@main.command()
@click.argument("url")
@click.option("--retailers", default=1, show_default=True)
@_with_sizes
def database(url: str, retailers: int, sales: int, days: int, end_date, seed: int) -> None:
    """Load `retailers` synthetic retailers straight into a database."""
    end = end_date.date() if end_date else today_utc()
    engine = make_engine(url)
    for number in range(retailers):
        retailer_id = f"bench-{number:04d}"
        load_sales(engine, retailer_id, synthetic_sales(retailer_id, sales, end, days, seed))
    click.echo(f"{url}: {retailers} x {sales} sales")


if __name__ == "__main__":
    main()
