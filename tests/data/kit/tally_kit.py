"""The adapter kit run on whichever Tally adapter is installed as `tally`.

tests/test_adapter_kit.py copies this file (as a test module), tally_adapters.py and the
two JSON files into a pytester folder, installs one adapter class as `tally`, and runs it.
"""

import json
from pathlib import Path

from pos_transactions.adapter_registry import get_adapter
from pos_transactions.testing import AdapterContract, Expected, Malformed

HERE = Path(__file__).parent
CASES = json.loads((HERE / "tally-expectations.json").read_text())


class TestTallyAdapter(AdapterContract):
    adapter = get_adapter("tally")
    sample_store = HERE / "tally-store.json"
    expected = {sale: Expected(**fields) for sale, fields in CASES["expected"].items()}
    malformed = {case: Malformed(**fields) for case, fields in CASES["malformed"].items()}
