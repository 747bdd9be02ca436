"""How much data each measurement uses: the full run's sizes and `--quick`'s."""

from dataclasses import dataclass

BUSY = "busy-store"  # the store polled again and again (hot rows)
WINDOW_STORE = "window-store"  # the 100k and 600k windows
DAYS_STORE = "days-store"  # ~40,000 reported transactions a day: memory on every window
TEMPLATE = "template-store"  # the ordinary store the scale databases copy
COLD_TEMPLATE = "cold-template"  # the store the cold-pattern retailers copy
MEMORY_WINDOW_DAYS = (1, 2, 4, 7, 30)


@dataclass(frozen=True)
class Sizes:
    """Every size of one run; `--quick` shrinks everything but keeps every row."""

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
    cold_retailers: int  # the cold pattern: this many retailers, each polled once
    cold_sales_per_day: int  # ... each with this many sales a day
    cold_days: int  # ... over this many days (yesterday the last)
    day_sales: int  # the days store: sales a day (about 57.6% are reported)
    day_copies: int  # ... one day written, copied this many times a day earlier


FULL = Sizes(
    window_template_sales=52_000,
    window_template_days=3,
    window_copies=20,
    throughput_transactions=100_000,
    memory_transactions=600_000,
    busy_sales_yesterday=3_000,
    store_sales=10_000,
    small_stores=10,
    large_stores=1_000,
    ingest_sales=100_000,
    push_sales=1_000,
    runs=5,
    wrk_seconds=10,
    cold_retailers=1_000,
    cold_sales_per_day=1_000,
    cold_days=3,
    day_sales=69_500,
    day_copies=30,
)
QUICK = Sizes(
    window_template_sales=20_000,
    window_template_days=3,
    window_copies=6,
    throughput_transactions=30_000,
    memory_transactions=60_000,
    busy_sales_yesterday=3_000,
    store_sales=10_000,
    small_stores=10,
    large_stores=30,
    ingest_sales=10_000,
    push_sales=1_000,
    runs=3,
    wrk_seconds=3,
    cold_retailers=100,
    cold_sales_per_day=1_000,
    cold_days=3,
    day_sales=5_000,
    day_copies=30,
)
