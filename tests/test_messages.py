"""Proof-reading: every message the canonical checks give reads as one sentence.

A vendor found ``'https://qr.lcdg.io/case/…' is a CaseID URL identifies a case, not an
item's LucidID``: two messages glued together.  Each message the canonical schema,
`normalise_lucid_id` and the bounds can give is rendered here from a data file of bad
values, checked exactly, and checked by `sentence_problems`, a cheap grammar lint.  A
meta-test makes sure the data file reaches every message the source can raise.
"""

import ast
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pos_transactions import bounds, canonical, lucid_id
from pos_transactions.adapter import Adapter

from conftest import read_json

CASES = read_json("canonical-messages.json")["cases"]
VALID = read_json("adapter-output.json")["valid"]

# A Python repr of a refused value (not an apostrophe inside a word), maybe cut with "...".
_QUOTED = re.compile(r"""(?<![A-Za-z])('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(\.\.\.)?""")
_FIELD_PATH = re.compile(r"[a-z_]+(\.\w+)*: ")
_CLAUSE_BREAK = re.compile(r"[:;,()]")
# Finite verbs the messages use; two in one clause are two sentences run together.
_VERBS = {"is", "are", "was", "has", "holds", "identifies", "needs", "must", "appears"}


class Passthrough(Adapter):
    """The smallest adapter: its native record is the canonical mapping itself."""

    name = "passthrough"
    description = "test double"

    def to_canonical(self, record):
        return record


ADAPTER = Passthrough(ZoneInfo("UTC"))


def expanded(value):
    """`value` with each ``{"<repeat>": x, "times": n}`` replaced by what it stands for."""
    if isinstance(value, dict) and "<repeat>" in value:
        return expanded(value["<repeat>"]) * value["times"]
    if isinstance(value, dict):
        return {key: expanded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expanded(item) for item in value]
    return value


def rendered(changes: dict) -> str:
    """The reason the record with `changes` gets, as a store load or a push shows it."""
    fields = VALID | expanded(changes)
    record = {key: value for key, value in fields.items() if value != "<absent>"}
    sales, invalid = ADAPTER.parse_all([record])
    assert not sales and len(invalid) == 1
    return invalid[0].reason


def sentence_problems(message: str) -> list[str]:
    """What makes `message` read as other than one sentence about one field.

    The refused value (quoted) is set aside first; then: it starts with the field's path;
    no word is doubled; nothing ends a sentence before the end; it ends cleanly; and no
    clause holds two finite verbs (the mark of two messages glued together).
    """
    problems = []
    if not _FIELD_PATH.match(message):
        problems.append("does not start with the field's path")
    text = _QUOTED.sub("VALUE", _FIELD_PATH.sub("", message, count=1))
    if doubled := re.search(r"\b(\w+)\s+\1\b", text, re.IGNORECASE):
        problems.append(f"doubled word {doubled.group(0)!r}")
    if re.search(r"[.!?]\s", text):
        problems.append("more than one sentence")
    if re.search(r"[\s,:;]\.?$|\.\.$|[,:;]\s*[,:;.]", text) or not text.strip():
        problems.append("ends or joins clauses badly")
    for clause in _CLAUSE_BREAK.split(text):
        verbs = [word for word in re.findall(r"[a-z]+", clause.lower()) if word in _VERBS]
        if len(verbs) > 1:
            problems.append(f"two verbs in one clause: {clause.strip()!r}")
    return problems


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_each_message_is_rendered_as_expected(changes, expected):
    assert rendered(changes) == expected


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_each_message_reads_as_one_sentence(changes, expected):
    assert sentence_problems(rendered(changes)) == []


@pytest.mark.parametrize(
    "glued",
    [
        # the message the vendor saw (commit f8a907a)
        "lines.0.lucid_ids.0: 'https://qr.lcdg.io/case/x' is a CaseID URL identifies a case, "
        "not an item's LucidID",
        "lines.0.quantity: Must be be at most 10,000 units.",
        "id: Must be at most 200 characters long. Must be valid Unicode.",
        "completed_at: a completed or voided sale needs its time,",
        "lines.0.sku: Not a valid string..",
        "'x' is not a LucidID",  # no field
    ],
)
def test_the_proof_reader_catches_what_does_not_read_as_one_sentence(glued):
    assert sentence_problems(glued) != []


def message_texts(module) -> set[str]:
    """The fixed text of every message `module` can raise, read from its source.

    Taken from: string arguments of calls to ValidationError, InvalidLucidID and
    ValueError; ``error=`` keywords (marshmallow validators); values stored into an
    ``errors`` mapping; and the module's public upper-case string constants.  Of an
    f-string, its longest fixed part.  Field names (single identifiers) are not messages.
    """
    tree = ast.parse(Path(module.__file__).read_text())
    sources = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in {"ValidationError", "InvalidLucidID", "ValueError"}:
                sources += node.args
            sources += [keyword.value for keyword in node.keywords if keyword.arg == "error"]
        elif isinstance(node, ast.Assign):
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and getattr(target.value, "id", "") == "errors":
                sources.append(node.value)
            if isinstance(target, ast.Name) and re.fullmatch(r"[A-Z][A-Z_]*", target.id):
                if isinstance(node.value, ast.Constant | ast.JoinedStr):
                    sources.append(node.value)
    texts = set().union(*map(_fixed_texts, sources))
    return {text for text in texts if not re.fullmatch(r"\w*", text.strip())}


def _fixed_texts(node: ast.AST) -> set[str]:
    """The string constants in `node`; of an f-string, its longest fixed part only."""
    if isinstance(node, ast.JoinedStr):
        return {
            max(
                (part.value for part in node.values if isinstance(part, ast.Constant)),
                key=len,
                default="",
            )
        }
    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) else set()
    return set().union(*map(_fixed_texts, ast.iter_child_nodes(node)))


@pytest.mark.parametrize("module", [canonical, lucid_id, bounds], ids=lambda m: m.__name__)
def test_the_data_file_reaches_every_message_of_the_canonical_checks(module):
    messages = [expected for _, expected in CASES]
    missed = sorted(text for text in message_texts(module) if not any(text in m for m in messages))
    assert missed == []
