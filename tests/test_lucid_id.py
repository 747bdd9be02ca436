"""Rule 6: every captured form of a LucidID becomes the bare 22-character base57 id."""

import pytest
import shortuuid

from pos_transactions.lucid_id import InvalidLucidID, normalise_lucid_id, normalise_lucid_ids

from conftest import read_json

LUCID_ID = "5vHqLc9etTWW3AVrEJvBez"  # LucidGreen's cross-library test vector
ITS_UUID = "160427e7-f28e-40ee-9f7a-d473721488c8"


@pytest.mark.parametrize(
    "captured",
    [
        LUCID_ID,
        f"  {LUCID_ID}\n",
        f"https://qr.lcdg.io/{LUCID_ID}",
        f"https://qr.lcdg.io/{LUCID_ID}/",
        f"https://dev-qr.lcdg.io/{LUCID_ID}",
        f"https://qr.lcdg.io/{LUCID_ID}?src=pos&utm=x",
        f"http://qr.lcdg.io/{LUCID_ID}#frag",
        f"HTTPS://QR.LCDG.IO/{LUCID_ID}",
        f"qr.lcdg.io/{LUCID_ID}",
        ITS_UUID,
        ITS_UUID.upper(),
    ],
)
def test_accepted_forms_give_the_bare_id(captured):
    assert normalise_lucid_id(captured) == LUCID_ID


def test_base57_ids_keep_their_case():
    other_case = "5VHqLc9etTWW3AVrEJvBez"  # a different, equally valid id
    assert normalise_lucid_id(other_case) == other_case != LUCID_ID


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (f"https://qr.lcdg.io/case/{LUCID_ID}", "CaseID"),
        (f"https://qr.lcdg.io/CASE/{LUCID_ID}/", "CaseID"),
        (f"https://qr.lcdg.io/collection/{LUCID_ID}", "CaseID"),
        (f"https://qr.lcdg.io/c/{LUCID_ID}", "CaseID"),
        (f"qr.lcdg.io/C/{LUCID_ID}?src=label", "CaseID"),
        ("https://qr.lcdg.io/", "no LucidID"),
        (f"https://qr.lcdg.io/extra/{LUCID_ID}", "only path segment"),
        (f"ftp://qr.lcdg.io/{LUCID_ID}", "http"),
        (LUCID_ID[:-1], "22-character"),
        (LUCID_ID + "x", "22-character"),
        ("0" + LUCID_ID[1:], "22-character"),  # 0 is not in the base57 alphabet
        ("zzzzzzzzzzzzzzzzzzzzzz", "22-character"),  # well-formed but above 2**128
        (ITS_UUID.replace("-", ""), "22-character"),
        ("", "empty"),
        (12345, "string"),
        (None, "string"),
    ],
)
def test_other_values_are_refused_with_a_reason(value, reason):
    with pytest.raises(InvalidLucidID, match=reason):
        normalise_lucid_id(value)


def test_repeats_are_dropped_in_order_of_first_appearance():
    other = "Kz4tXgS7aCZQbYYH86PGVi"
    captured = [f"https://qr.lcdg.io/{LUCID_ID}", other, ITS_UUID, LUCID_ID]
    assert normalise_lucid_ids(captured) == [LUCID_ID, other]


@pytest.mark.parametrize(
    ("value", "decodes"),
    [
        ("2222222222222222222222", True),  # UUID 0
        ("oZEq7ovRbLq6UnGMPwc8B5", True),  # UUID 2**128 - 1, the largest
        ("oZEq7ovRbLq6UnGMPwc8B6", False),  # one more: no UUID
        ("oZEq7ovRbLq6UnGMPwc8C2", False),
        ("p222222222222222222222", False),
    ],
)
def test_only_ids_that_decode_to_a_uuid_are_accepted(value, decodes):
    if decodes:
        assert normalise_lucid_id(value) == value
        assert shortuuid.encode(shortuuid.decode(value)) == value  # the library agrees
    else:
        with pytest.raises(InvalidLucidID):
            normalise_lucid_id(value)
        with pytest.raises(ValueError):
            shortuuid.decode(value)  # the library agrees: no UUID


LARGEST = "oZEq7ovRbLq6UnGMPwc8B5"  # UUID 2**128 - 1
BEYOND_LARGEST = "oZEq7ovRbLq6UnGMPwc8B6"


@pytest.mark.parametrize(
    "captured",
    [LARGEST, f" {LARGEST} ", f"https://qr.lcdg.io/{LARGEST}", f"qr.lcdg.io/{LARGEST}/"],
)
def test_the_largest_id_is_accepted_in_every_form(captured):
    assert normalise_lucid_id(captured) == LARGEST


@pytest.mark.parametrize(
    "captured",
    [BEYOND_LARGEST, f" {BEYOND_LARGEST} ", f"https://qr.lcdg.io/{BEYOND_LARGEST}"],
)
def test_one_beyond_the_largest_is_refused_in_every_form(captured):
    with pytest.raises(InvalidLucidID, match="22-character"):
        normalise_lucid_id(captured)


HOSTILE = read_json("hostile-lucid-ids.json")["refused"] + [
    ["x" * 1_000_000, "longer than 2,000 characters"],
    ["https://qr.lcdg.io/" + "a/" * 100_000, "longer than 2,000 characters"],
    ["[" * 1999, "22-character"],
    [" " * 10_000, "longer than 2,000 characters"],
]


@pytest.mark.parametrize(("value", "reason"), HOSTILE, ids=lambda value: repr(value)[:30])
def test_hostile_values_raise_only_invalid_lucid_id(value, reason):
    with pytest.raises(InvalidLucidID) as refused:
        normalise_lucid_id(value)
    assert reason in refused.value.reason
    assert str(refused.value) == f"not a LucidID: {refused.value.reason}"


def test_a_long_url_within_the_bound_is_read():
    assert normalise_lucid_id(f"https://qr.lcdg.io/{LUCID_ID}?src=" + "p" * 1900) == LUCID_ID
