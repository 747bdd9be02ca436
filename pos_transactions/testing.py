"""The adapter test kit: the standard checks every POS adapter must pass.

A vendor proves an adapter in a few lines of their own test module::

    from pos_transactions.testing import AdapterContract, Expected, malformed_from_file

    class TestMyPosAdapter(AdapterContract):
        adapter = MyPosAdapter
        sample_store = Path(__file__).parent / "data" / "my-store.json"
        expected = {"R-1": Expected(status="completed", completed_at="2026-03-11T12:00:00Z",
                                    lucid_ids=["5vHqLc9etTWW3AVrEJvBez"], total_items_count=2)}
        malformed = malformed_from_file(Path(__file__).parent / "data" / "malformed.json")

and pytest runs every ``test_*`` method below against it.  Our own built-in adapters run
exactly this kit (tests/adapters/), and a meta-test checks that every installed adapter does.
The kit needs pytest, which a plain install lacks: ``pip install 'pos-transactions[kit]'``.
"""

import configparser
import json
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

try:
    import pytest
except ImportError as missing:  # say how to get it, not only that it is missing
    raise ImportError(
        "the adapter kit needs pytest: pip install 'pos-transactions[kit]'", name=missing.name
    ) from missing

from .adapter import Adapter, RecordError
from .adapter_registry import get_adapter
from .canonical import Sale, SaleStatus, format_utc
from .stores import InvalidStore, load_store, make_adapter, read_sales, read_store_file

MALFORMED_CASES = ("missing field", "wrong type", "garbage timestamp", "not a LucidID")
GARBAGE_RECORDS = (None, 42, "a sale", 3.5, ["not", "a", "sale"], {})


@dataclass(frozen=True)
class Expected:
    """What one sample record must become.  Only `status` is required; a field left as
    None is not checked.  `completed_at` is the UTC instant, ISO-8601 with ``Z``."""

    status: str
    completed_at: str | None = None
    lucid_ids: list[str] | None = None
    quantities: list[str] | None = None
    total_items_count: int | None = None
    has_customer: bool | None = None
    has_employee: bool | None = None


@dataclass(frozen=True)
class Malformed:
    """Input (as a store's or a push's ``sales`` value) that must be refused, the name the
    error must give the bad record, and a phrase its reason must contain."""

    sales: Any
    record: str
    reason: str


def write_dist_info(site: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    """Register a distribution as ``pip install`` would, without installing anything: a
    dist-info folder in `site` (put `site` on sys.path) with its name, version and entry
    points (group -> ``"name = module:Class"`` lines).  For testing an adapter from its
    source tree, and for building deliberately broken distributions in our own tests."""
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    )
    (dist_info / "entry_points.txt").write_text(
        "".join(f"[{group}]\n{lines.strip()}\n" for group, lines in entry_points.items())
    )


def write_dist_info_from_setup_cfg(site: Path, setup_cfg: Path) -> None:
    """`write_dist_info` for the distribution a ``setup.cfg`` declares."""
    config = configparser.ConfigParser()
    config.read(setup_cfg)
    metadata = config["metadata"]
    write_dist_info(
        site, metadata["name"], metadata["version"], dict(config["options.entry_points"])
    )


def malformed_from_file(path: Path) -> dict[str, Malformed]:
    """Malformed cases kept as data: ``{case: {"sales": ..., "record": ..., "reason": ...}}``."""
    cases = json.loads(Path(path).read_text(encoding="utf-8"))
    return {case: Malformed(**fields) for case, fields in cases.items()}


class AdapterContract:
    """Subclass with ``Test`` in the name and set the class attributes."""

    adapter: ClassVar[type[Adapter]]
    sample_store: ClassVar[Path]
    expected: ClassVar[dict[str, Expected]] = {}
    malformed: ClassVar[dict[str, Malformed]] = {}

    # -- helpers ----------------------------------------------------------------------------

    def store(self) -> dict:
        return read_store_file(Path(self.sample_store))

    def make(self) -> Adapter:
        store = self.store()
        return make_adapter(
            store["adapter"], store["retailer"]["timezone"], store["adapter_options"]
        )

    def sample_sales(self) -> dict[str, Sale]:
        store = self.store()
        sales = read_sales(
            self.make(), store["sales"], str(self.sample_store), Path(self.sample_store).parent
        )
        return {sale.id: sale for sale in sales}

    # -- the contract -----------------------------------------------------------------------

    def test_adapter_is_registered_under_its_name(self):
        assert get_adapter(self.adapter.name) is self.adapter
        assert self.adapter.description.strip(), "describe the adapter in one line"

    def test_sample_store_uses_this_adapter(self):
        assert self.store()["adapter"] == self.adapter.name

    def test_every_sample_record_is_a_valid_sale(self):
        assert self.sample_sales(), "the sample store holds no sales"

    def test_parsing_is_deterministic(self):
        assert self.sample_sales() == self.sample_sales()

    def test_timestamps_are_aware(self):
        for sale in self.sample_sales().values():
            if sale.completed_at is not None:
                assert sale.completed_at.utcoffset() is not None, sale.id

    def test_expectations_cover_a_reported_sale_and_a_void(self):
        statuses = {expected.status for expected in self.expected.values()}
        assert SaleStatus.COMPLETED.value in statuses, "expect at least one completed sale"
        assert SaleStatus.VOIDED.value in statuses, "expect at least one voided sale"
        assert any(expected.lucid_ids for expected in self.expected.values()), (
            "expect at least one sale with LucidIDs"
        )

    def test_sales_are_what_was_expected(self):
        sales = self.sample_sales()
        for sale_id, expected in self.expected.items():
            assert sale_id in sales, f"no sale {sale_id!r} in the sample store"
            assert _observed(sales[sale_id], expected) == _wanted(expected), sale_id

    def test_malformed_cases_are_all_given(self):
        assert sorted(self.malformed) == sorted(MALFORMED_CASES)

    @pytest.mark.parametrize("case", MALFORMED_CASES)
    def test_malformed_input_is_refused_naming_the_record(self, case):
        if case not in self.malformed:
            pytest.fail(f"give a {case!r} example in `malformed`")
        malformed = self.malformed[case]
        with pytest.raises(InvalidStore) as refused:
            read_sales(self.make(), malformed.sales, case, Path(self.sample_store).parent)
        named = {problem.record: problem.reason for problem in refused.value.problems}
        assert malformed.record in named, f"the error names {sorted(named)}"
        assert malformed.reason.lower() in named[malformed.record].lower()

    @pytest.mark.parametrize("garbage", GARBAGE_RECORDS, ids=repr)
    def test_garbage_record_is_a_record_error(self, garbage):
        with pytest.raises(RecordError):
            self.make().parse(garbage)

    def test_a_file_that_is_not_a_store_is_refused(self, tmp_path):
        for name, content in (("text.json", "sale,sale\n1,2\n"), ("list.json", "[1, 2]")):
            path = tmp_path / name
            path.write_text(content)
            with pytest.raises(InvalidStore):
                read_store_file(path)

    def test_loading_twice_changes_nothing_the_second_time(self, tmp_path):
        from . import create_app
        from .db import new_session

        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'kit.db'}"})
        path = Path(self.sample_store)
        summaries = []
        with app.app_context():
            for _ in range(2):
                with new_session() as session, session.begin():
                    store = read_store_file(path)
                    summaries.append(load_store(session, store, str(path), path.parent).summary)
        app.extensions["pos_transactions.engine"].dispose()
        first, second = summaries
        assert first.created == len(self.sample_sales())
        assert (second.created, second.updated) == (0, 0)
        assert second.unchanged == first.created


def _observed(sale: Sale, expected: Expected) -> dict:
    observed = {"status": sale.status.value}
    if expected.completed_at is not None:
        observed["completed_at"] = sale.completed_at and format_utc(
            sale.completed_at.astimezone(UTC)
        )
    if expected.lucid_ids is not None:
        observed["lucid_ids"] = sale.lucid_ids
    if expected.quantities is not None:
        observed["quantities"] = [line.quantity for line in sale.lines]
    if expected.total_items_count is not None:
        observed["total_items_count"] = sale.total_items_count
    if expected.has_customer is not None:
        observed["has_customer"] = sale.customer_id is not None
    if expected.has_employee is not None:
        observed["has_employee"] = sale.employee_id is not None
    return observed


def _wanted(expected: Expected) -> dict:
    wanted = {"status": expected.status}
    for name in ("completed_at", "lucid_ids", "total_items_count", "has_customer", "has_employee"):
        if getattr(expected, name) is not None:
            wanted[name] = getattr(expected, name)
    if expected.quantities is not None:
        wanted["quantities"] = [Decimal(quantity) for quantity in expected.quantities]
    return wanted
