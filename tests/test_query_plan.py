"""The feed's window query reads `ix_sale_feed` alone, one range of it, in the feed's order.

That is what makes a window cost grow with the window and not with the table (issue 4), and
a poll nobody made before cheap (issue 12): the database seeks to (retailer, start), reads
the objects forward from the index itself (no page of the table per sale) and never sorts
what it read (SQLite merges the two indexes' ranges; PostgreSQL their pages).
Both databases are asked for their plan after enough rows and fresh statistics that a
planner could prefer a table scan if the index did not fit.
"""

import importlib.util
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from pos_transactions.db import get_engine
from pos_transactions.feed_ranges import range_query
from pos_transactions.window import Window

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
STORES = 6
SALES_PER_STORE = 1500
END = date(2021, 3, 31)
WINDOW = Window(start=datetime(2021, 3, 20), end=datetime(2021, 3, 21))


def _load_generator():
    spec = importlib.util.spec_from_file_location("benchmark_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def many_stores(app):
    generate = _load_generator()
    with app.app_context():
        engine = get_engine()
    for number in range(STORES):
        retailer_id = f"plan-{number}"
        made = generate.synthetic_sales(retailer_id, SALES_PER_STORE, END, 30, seed=number)
        generate.load_sales(engine, retailer_id, made)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    return engine


def explain(connection, statement) -> list:
    """PostgreSQL's plan as JSON, or SQLite's plan steps as text."""
    sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar()
    return [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def test_the_window_reads_the_feed_index_alone_in_order(many_stores):
    dialect = many_stores.dialect.name
    statement, parameters = range_query(dialect, "plan-3", WINDOW.start, WINDOW.end, True)
    statement = statement.params(**parameters)
    with many_stores.connect() as connection:
        plan = explain(connection, statement)
    if many_stores.dialect.name == "postgresql":
        nodes = list(plan_nodes(plan[0]["Plan"]))
        described = json.dumps(plan)
        assert [node["Node Type"] for node in nodes[:2]] == ["Limit", "Merge Append"], described
        (scan,) = [node for node in nodes if node.get("Index Name") == "ix_sale_feed"]
        assert scan["Node Type"] == "Index Only Scan", described
        for bound in ("retailer_id", "transacted_on >=", "transacted_on <="):
            assert bound in scan["Index Cond"], described
        outsized = [node for node in nodes if node.get("Index Name") == "ix_sale_feed_outsized"]
        assert len(outsized) == 1, described
        assert not any(node["Node Type"] in ("Seq Scan", "Sort") for node in nodes), described
    else:
        assert plan[0] == "MERGE (UNION ALL)", plan
        assert not any("TEMP B-TREE" in step for step in plan), plan
        searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
        assert searches == [
            "SEARCH sale USING COVERING INDEX ix_sale_feed "
            "(retailer_id=? AND transacted_on>? AND transacted_on<?)",
            "SEARCH sale USING INDEX ix_sale_feed_outsized "
            "(retailer_id=? AND transacted_on>? AND transacted_on<?)",
        ], plan
