"""Meta-tests: every installed adapter is proven by the kit, has a store and is documented.

Like datasette's plugin meta-tests, they are parametrized over what is installed, so an
adapter registered without its kit run, its fixture store or its documentation section
fails here, by name.  Our own adapters keep their stores directly in fixtures/ and their
sections in adapters/README.md; an example distribution under examples/ keeps both in its
own folder.  An adapter installed from anywhere else must run the kit in its own suite.
"""

import importlib
import inspect
import json
import re
import sys
from pathlib import Path

import pytest

from pos_transactions.adapter_registry import AdapterInfo, installed_adapters
from pos_transactions.testing import AdapterContract

ROOT = Path(__file__).parents[1]
OUR_DISTRIBUTION = "pos-transactions"
EXAMPLES = ROOT / "examples"
KIT_RUN_FOLDERS = [ROOT / "tests" / "adapters", *sorted(EXAMPLES.glob("*/"))]
INSTALLED = installed_adapters()


def target(adapter: type) -> str:
    """An adapter class as an entry point names it: ``module:Class``."""
    return f"{adapter.__module__}:{adapter.__qualname__}"


def documented_adapters(readme: str) -> set[str]:
    """The adapters a README documents: one ``## <name>`` section each."""
    return set(re.findall(r"^## ([\w.-]+)[ \t]*$", readme, flags=re.MULTILINE))


def store_adapters(folder: Path) -> set[str]:
    """The adapters named by the JSON stores directly in `folder` (``generic`` by default)."""
    names = set()
    for path in folder.glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8-sig"))
        if isinstance(document, dict) and "retailer" in document:
            names.add(document.get("adapter", "generic"))
    return names


def import_test_module(path: Path):
    """Import a test module as pytest's default ("prepend") import mode does, so a module
    pytest has collected already is the same module; None when it skips itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(path.parent))
        try:
            module = importlib.import_module(path.stem)
        except pytest.skip.Exception:
            return None
    if Path(module.__file__).resolve() != path.resolve():
        raise ImportError(f"{path}: another module is already imported as {path.stem!r}")
    return module


def kit_run_targets(folders: list[Path]) -> set[str]:
    """The adapters (as ``module:Class``) that a collected AdapterContract subclass runs."""
    found = set()
    for path in sorted(test for folder in folders for test in folder.glob("test_*.py")):
        module = import_test_module(path)
        if module is None:
            continue
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, AdapterContract)
                and value.__name__.startswith("Test")
                and hasattr(value, "adapter")
            ):
                found.add(target(value.adapter))
    return found


def home(info: AdapterInfo) -> tuple[Path, Path] | None:
    """Where an adapter's stores and documentation live: (store folder, README)."""
    if info.distribution == OUR_DISTRIBUTION:
        return ROOT / "fixtures", ROOT / "adapters" / "README.md"
    folder = Path(inspect.getfile(info.adapter)).resolve().parent
    if folder.is_relative_to(EXAMPLES.resolve()):
        return folder, folder / "README.md"
    return None


@pytest.fixture(scope="module")
def kit_runs() -> set[str]:
    return kit_run_targets(KIT_RUN_FOLDERS)


def checkable(info: AdapterInfo) -> tuple[Path, Path]:
    if info.error:
        pytest.fail(f"adapter {info.name!r} does not load: {info.error}")
    where = home(info)
    if where is None:
        pytest.skip(f"{info.name!r} is installed from {info.distribution}: its own suite runs")
    return where


@pytest.mark.parametrize("info", INSTALLED, ids=lambda info: info.name)
def test_every_adapter_runs_the_kit(info, kit_runs):
    checkable(info)
    assert target(info.adapter) in kit_runs, (
        f"no AdapterContract subclass runs the kit on {info.name!r} ({target(info.adapter)})"
    )


@pytest.mark.parametrize("info", INSTALLED, ids=lambda info: info.name)
def test_every_adapter_has_a_fixture_store(info):
    stores, _ = checkable(info)
    assert info.name in store_adapters(stores), f"no store in {stores} uses {info.name!r}"


@pytest.mark.parametrize("info", INSTALLED, ids=lambda info: info.name)
def test_every_adapter_is_documented(info):
    _, readme = checkable(info)
    assert readme.is_file(), f"{info.name!r} has no {readme}"
    assert info.name in documented_adapters(readme.read_text()), (
        f"{readme} has no '## {info.name}' section"
    )


def test_our_adapters_are_all_installed():
    """The meta-tests above see what is installed: our own adapters must all be there."""
    ours = {info.name for info in INSTALLED if info.distribution == OUR_DISTRIBUTION}
    assert ours >= documented_adapters((ROOT / "adapters" / "README.md").read_text())


@pytest.mark.parametrize(
    ("readme", "documented"),
    [
        ("## square\n\ntext", {"square"}),
        ("# Adapters\n## csv  \n## my-pos.v2\n", {"csv", "my-pos.v2"}),
        ("### square\n", set()),
        ("## square adapter\n", set()),
        ("text ## square\n", set()),
        ("`square` is described below", set()),
    ],
)
def test_a_section_is_a_second_level_heading_of_the_name_alone(readme, documented):
    assert documented_adapters(readme) == documented


def test_stores_are_found_directly_in_the_folder_only(tmp_path):
    retailer = {"id": "r", "name": "R", "timezone": "UTC"}
    (tmp_path / "a.json").write_text(json.dumps({"retailer": retailer, "adapter": "square"}))
    (tmp_path / "b.json").write_text(json.dumps({"retailer": retailer}))
    (tmp_path / "expected.json").write_text(json.dumps({"adapter": "csv"}))
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "c.json").write_text(json.dumps({"retailer": retailer, "adapter": "x"}))
    assert store_adapters(tmp_path) == {"square", "generic"}


def test_kit_runs_are_found_in_test_modules(tmp_path, monkeypatch):
    (tmp_path / "test_meta_probe.py").write_text(
        "from adapters.generic import GenericAdapter\n"
        "from pos_transactions.testing import AdapterContract\n\n"
        "class TestGeneric(AdapterContract):\n    adapter = GenericAdapter\n\n"
        "class HelperNotCollected(AdapterContract):\n    adapter = object\n"
    )
    monkeypatch.delitem(sys.modules, "test_meta_probe", raising=False)
    assert kit_run_targets([tmp_path]) == {"adapters.generic:GenericAdapter"}
    monkeypatch.delitem(sys.modules, "test_meta_probe")
