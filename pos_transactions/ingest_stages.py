"""Where a store load spends its time: the stages of `stores.load_store`, timed apart.

For the benchmark (to print the per-stage breakdown) and for whoever profiles the ingest
path: the same functions as ``pos-transactions load-fixture`` calls, in the same
order and inside one transaction, with a clock read between them.
"""

import time
from pathlib import Path

from sqlalchemy.orm import Session

from .sale_rows import row_builder
from .sales import WriteSummary, pseudonym_key, sorted_sales, write_rows
from .stores import collector_paused, make_adapter, read_sales, read_store_file, save_retailer

STAGES = ("read", "validate", "build_rows", "write", "commit")


def time_load_stages(session: Session, path: Path) -> tuple[WriteSummary, dict[str, float]]:
    """Load the store file at `path` and commit; the summary and seconds per stage."""
    seconds = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] += now - clock
        clock = now

    store = read_store_file(path)
    lap("read")
    retailer = store["retailer"]
    adapter = make_adapter(store["adapter"], retailer["timezone"], store["adapter_options"])
    with collector_paused():
        sales = sorted_sales(read_sales(adapter, store["sales"], str(path), path.parent))
        lap("validate")
        save_retailer(session, store)
        sale_row = row_builder(pseudonym_key(session), retailer["id"])
        rows = [sale_row(sale) for sale in sales]
        lap("build_rows")
        summary = write_rows(session, retailer["id"], rows)
        lap("write")
        session.commit()
        lap("commit")
    return summary, seconds
