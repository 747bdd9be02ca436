"""The adapter kit itself: it passes a correct adapter and catches broken ones.

Each case runs the kit in a pytester folder (tests/data/kit: a made-up Tally till's store,
expectations, and adapters) with one adapter class installed as `tally` through a real
entry point, then checks which of the kit's tests failed.
"""

import shutil
from pathlib import Path

import pytest

from pos_transactions.testing import AdapterContract

pytest_plugins = ["pytester"]

KIT = Path(__file__).parent / "data" / "kit"
KIT_CHECKS = {name for name in dir(AdapterContract) if name.startswith("test_")}


# Each broken adapter, and the kit checks that must catch it (and only those).
CAUGHT_BY = [
    ("DropsLucidIds", ["test_sales_are_what_was_expected"]),
    ("IgnoresTimezone", ["test_sales_are_what_was_expected"]),
    ("VoidsAsCompleted", ["test_sales_are_what_was_expected"]),
    (
        "CrashesOnGarbage",
        [
            "test_garbage_record_is_a_record_error['a sale']",
            "test_garbage_record_is_a_record_error[3.5]",
            "test_garbage_record_is_a_record_error[42]",
            "test_garbage_record_is_a_record_error[None]",
            "test_garbage_record_is_a_record_error[['not', 'a', 'sale']]",
        ],
    ),
    (
        "SwallowsBadLucidIds",
        ["test_malformed_input_is_refused_naming_the_record[not a LucidID]"],
    ),
]


def run_kit(pytester: pytest.Pytester, adapter_class: str) -> pytest.HookRecorder:
    """Run the kit (tally_kit.py) with `adapter_class` from tally_adapters.py as `tally`."""
    for name in ("tally_adapters.py", "tally-store.json", "tally-expectations.json"):
        shutil.copy(KIT / name, pytester.path / name)
    shutil.copy(KIT / "tally_kit.py", pytester.path / "test_tally_kit.py")
    dist_info = pytester.mkdir("tally_adapters-1.0.dist-info")
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: tally-adapters\nVersion: 1.0\n"
    )
    (dist_info / "entry_points.txt").write_text(
        f"[pos_transactions.adapters]\ntally = tally_adapters:{adapter_class}\n"
    )
    pytester.syspathinsert()
    return pytester.inline_run("-p", "no:cacheprovider")


def failed_tests(recorder: pytest.HookRecorder) -> list[str]:
    """The failed kit tests, by name with their parameters."""
    _, _, failed = recorder.listoutcomes()
    return sorted(report.nodeid.split("::")[-1] for report in failed)


def test_a_correct_adapter_passes_every_check(pytester):
    recorder = run_kit(pytester, "TallyAdapter")
    passed, skipped, failed = recorder.listoutcomes()
    assert (failed, skipped) == ([], [])
    assert {report.nodeid.split("::")[-1].split("[")[0] for report in passed} == KIT_CHECKS


@pytest.mark.parametrize(
    ("adapter_class", "caught_by"), CAUGHT_BY, ids=[case[0] for case in CAUGHT_BY]
)
def test_the_kit_catches_a_broken_adapter(pytester, adapter_class, caught_by):
    assert failed_tests(run_kit(pytester, adapter_class)) == caught_by
