"""The adapter guide and the kit's packaging agree with the code a vendor meets."""

import configparser
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.generic import GenericAdapter

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "writing-an-adapter.md").read_text()


def guide_table_row(field: str) -> str:
    return next(line for line in GUIDE.splitlines() if line.startswith(f"| `{field}` |"))


@pytest.mark.parametrize(("quantity", "exact"), [(3.5, "3.5"), (0.1, "0.1"), (1e-05, "0.00001")])
def test_a_float_quantity_is_accepted_as_its_shortest_decimal(quantity, exact):
    record = {
        "id": "S-1",
        "status": "completed",
        "completed_at": "2021-03-11T12:00:00Z",
        "lines": [{"sku": "FL-35", "quantity": quantity}],
    }
    sale = GenericAdapter(ZoneInfo("UTC")).parse(record)
    assert sale.lines[0].quantity == Decimal(exact)


def test_the_guide_says_floats_are_accepted_and_why():
    assert "not a float" not in GUIDE
    assert "a float" in guide_table_row("lines")
    assert "floats are accepted" in GUIDE and "`Decimal(str(value))`" in GUIDE


def test_the_kit_has_an_extra_that_brings_pytest():
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    kit = setup["options.extras_require"]["kit"].split()
    assert any(requirement.startswith("pytest>=") for requirement in kit)
    example = configparser.ConfigParser()
    example.read(ROOT / "examples" / "leafline-adapter" / "setup.cfg")
    assert example["options.extras_require"]["test"].split() == ["pos-transactions[kit]"]


def test_the_kit_without_pytest_says_how_to_get_it():
    hide_pytest = "import sys; sys.modules['pytest'] = None; import pos_transactions.testing"
    run = subprocess.run(
        [sys.executable, "-c", hide_pytest], capture_output=True, text=True, timeout=120
    )
    assert run.returncode != 0
    assert "the adapter kit needs pytest: pip install 'pos-transactions[kit]'" in run.stderr


@pytest.mark.parametrize(
    "documented",
    [
        "pip install 'pos-transactions[kit]'",
        "`pos_transactions.adapter.InvalidOptions(message)`",
        '`pos_transactions.adapter.aware_timestamp(value, name, standard="ISO 8601")`',
        "`pos_transactions.bounds.decimal_from_text(text)`",
        "`pos_transactions.canonical.parse_iso_datetime(text)`",
    ],
)
def test_the_guide_documents_what_the_built_in_adapters_use(documented):
    assert documented in GUIDE
