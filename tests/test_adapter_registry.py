"""Finding adapters by entry point: a clear error for an unknown name, and a broken
third-party adapter reported by name without taking the others down.

The broken adapters are real distributions: a dist-info folder and a module written into a
temporary site folder at the front of sys.path, exactly what ``pip install`` leaves behind.
"""

import pytest

from pos_transactions.adapter import Adapter
from pos_transactions.adapter_registry import UnknownAdapter, get_adapter, installed_adapters
from pos_transactions.testing import write_dist_info

from conftest import DATA

BUILT_IN = ("csv", "generic", "shopify", "square")
BROKEN_DISTRIBUTION = "broken-pos-adapters 0.3.0"


@pytest.fixture
def broken_adapters(monkeypatch, tmp_path):
    """Installs `crashing` (its module raises on import) and `not-an-adapter` (a class that
    is no Adapter) from one distribution."""
    site = tmp_path / "site-packages"
    points = "crashing = crashing_pos_adapter:CrashingAdapter\nnot-an-adapter = fractions:Fraction"
    write_dist_info(site, "broken-pos-adapters", "0.3.0", {"pos_transactions.adapters": points})
    (site / "crashing_pos_adapter.py").write_text(
        'raise RuntimeError("the vendor SDK is not configured")\n'
    )
    monkeypatch.syspath_prepend(str(site))


def listed_names(message: str) -> list[str]:
    return message.split("installed adapters: ", 1)[1].split(", ")


def test_an_unknown_name_is_an_error_listing_the_installed_adapters():
    with pytest.raises(UnknownAdapter, match="unknown adapter 'squre'") as unknown:
        get_adapter("squre")
    assert set(BUILT_IN) <= set(listed_names(str(unknown.value)))


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_adapters_are_found_by_name(name):
    adapter = get_adapter(name)
    assert issubclass(adapter, Adapter) and adapter.name == name


def test_a_broken_adapter_is_reported_by_name_beside_the_working_ones(broken_adapters):
    found = {info.name: info for info in installed_adapters()}
    crashing, not_an_adapter = found["crashing"], found["not-an-adapter"]
    assert crashing.adapter is None
    assert crashing.error == "RuntimeError: the vendor SDK is not configured"
    assert (crashing.distribution, crashing.version) == ("broken-pos-adapters", "0.3.0")
    assert not_an_adapter.adapter is None
    assert "fractions:Fraction is not a subclass" in not_an_adapter.error
    for name in BUILT_IN:
        assert found[name].error is None and found[name].adapter is get_adapter(name)


def test_the_adapters_command_marks_broken_adapters_and_lists_the_rest(
    broken_adapters, runner, cli
):
    result = runner.invoke(cli, ["adapters"])
    assert result.exit_code == 0
    rows = {row.split("\t")[0]: row.split("\t")[1:] for row in result.stdout.splitlines()}
    assert rows["crashing"] == [
        BROKEN_DISTRIBUTION,
        "BROKEN: RuntimeError: the vendor SDK is not configured",
    ]
    assert rows["not-an-adapter"][0] == BROKEN_DISTRIBUTION
    assert rows["not-an-adapter"][1].startswith("BROKEN: TypeError: fractions:Fraction")
    for name in BUILT_IN:
        assert rows[name][0].startswith("pos-transactions ")
        assert rows[name][1] == get_adapter(name).description


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("crashing", r"adapter 'crashing' failed to load \(RuntimeError: the vendor SDK"),
        ("not-an-adapter", r"adapter 'not-an-adapter' failed to load \(TypeError: .* not a"),
    ],
)
def test_getting_a_broken_adapter_is_a_clear_error(broken_adapters, name, reason):
    with pytest.raises(UnknownAdapter, match=reason):
        get_adapter(name)


def test_stores_still_load_beside_a_broken_adapter(broken_adapters, runner, cli):
    result = runner.invoke(cli, ["load-fixture", str(DATA / "rules.json")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "rules-store: 8 created, 0 updated, 0 unchanged, 0 stale\n"
