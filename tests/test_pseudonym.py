"""Pseudonyms are pinned: the ids LucidRetail has matched must never change with a release."""

import hashlib
import hmac

import pytest

from pos_transactions.pseudonym import new_key, pseudonym

from conftest import read_json

PINNED = read_json("pseudonym-vectors.json")
KEY = bytes.fromhex(PINNED["key_hex"])


def by_hand(key: bytes, retailer: str, kind: str, native: str) -> str:
    """The documented derivation, written out without the module: HMAC-SHA256 of the three
    parts joined by the unit separator, the first 16 bytes of the digest in UUID form."""
    digest = hmac.new(key, f"{retailer}\x1f{kind}\x1f{native}".encode(), hashlib.sha256).digest()
    hexed = digest[:16].hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


@pytest.mark.parametrize("vector", PINNED["vectors"], ids=lambda vector: vector["id"])
def test_pseudonyms_match_the_recorded_known_answers(vector):
    arguments = KEY, vector["retailer"], vector["kind"], vector["native"]
    assert pseudonym(*arguments) == vector["id"]
    assert by_hand(*arguments) == vector["id"]  # the file itself follows the documented rule


@pytest.mark.parametrize(
    ("retailer", "kind", "native"),
    [("rules-store", "sale", "S-1"), ("a", "customer", "b\x1fc"), ("é", "employee", "")],
)
def test_pseudonyms_follow_the_documented_derivation_for_any_key(retailer, kind, native):
    key = bytes.fromhex(new_key())
    assert len(key) == 32  # a 256-bit key, all of it used
    assert pseudonym(key, retailer, kind, native) == by_hand(key, retailer, kind, native)
