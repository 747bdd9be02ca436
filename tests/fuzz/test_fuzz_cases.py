"""POST /api/v1/cases/ with generated Receive-Case documents: the fixture cases made
hostile (odd LucidIDs, times, texts, wrong types, deep nesting, dropped and extra fields)
and case-shaped documents built from scratch.  Whatever arrives: never a 5xx; a JSON
answer; a 201 lists only bare LucidIDs, all stored; a 400 names at least one problem by
its path and stores nothing; and every delivery that was read is kept."""

import json
from pathlib import Path

import sqlalchemy as sa
from hypothesis import event, given
from hypothesis import strategies as st

from pos_transactions.db import new_session
from pos_transactions.lucid_id import normalise_lucid_id
from pos_transactions.webhook.models import CaseDelivery, ReceivedItemRow

from .checks import check_error, check_not_a_server_error, json_body
from .strategies import (
    HOSTILE,
    any_unicode,
    encode,
    hostile_mutation,
    json_values,
    lucid_ids,
    odd_timestamps,
)

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "lucid" / "cases"
FIXTURE_CASES = [json.loads(path.read_text()) for path in sorted(CASES.glob("*.json"))]
ERROR_KEYS = {"error", "status"}

odd = st.one_of(st.sampled_from(HOSTILE["lucid_ids"]), any_unicode, json_values, lucid_ids)
moments = st.none() | odd_timestamps | any_unicode  # odd: year 1 or 9999 with an offset
regulator_entries = st.fixed_dictionaries(
    {"uuid": st.sampled_from(["r1", "r2", "r3"]) | odd, "identifier": any_unicode | odd},
    optional={"added_on": moments},
)
items = lucid_ids | odd | st.fixed_dictionaries(
    {},
    optional={
        "lucid_id": lucid_ids | odd,
        "uuid": lucid_ids | odd,
        "removed_on": moments,
        "regulator_id_uuids": st.lists(st.sampled_from(["r1", "r2", "r3"])) | odd,
        "product_uuid": lucid_ids | odd,
    },
)
catalog = st.lists(st.fixed_dictionaries({}, optional={"uuid": lucid_ids | odd, "name": odd}))
built_cases = st.recursive(
    st.fixed_dictionaries(
        {},
        optional={
            "uuid": lucid_ids | odd,
            "identifier": odd,
            "items": st.lists(items, max_size=6) | odd,
            "regulator_ids": st.lists(regulator_entries, max_size=3) | odd,
            "brands": catalog,
        },
    ),
    lambda inner: st.fixed_dictionaries(
        {"uuid": lucid_ids},
        optional={"cases": st.lists(inner, max_size=3), "items": st.lists(items)},
    ),
    max_leaves=6,
)
documents = st.one_of(
    st.sampled_from(FIXTURE_CASES).flatmap(hostile_mutation), built_cases, json_values
)


def counts(service) -> tuple[int, int]:
    with service.app.app_context(), new_session() as session:
        return tuple(
            session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (CaseDelivery, ReceivedItemRow)
        )


@given(document=documents)
def test_any_case_document_is_stored_or_refused_naming_a_problem(service, document):
    deliveries, stored = counts(service)
    response = service.client.post(
        "/api/v1/cases/", data=encode(document), content_type="application/json",
        headers=service.ingest,
    )
    check_not_a_server_error(response)
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics: both outcomes
    if response.status_code == 201:
        answer = json_body(response)
        assert all(normalise_lucid_id(lucid_id) == lucid_id for lucid_id in answer["lucid_ids"])
        assert answer["lucid_ids_count"] == len(set(answer["lucid_ids"]))
        assert counts(service)[0] == deliveries + 1
        return
    error = check_error(response, {400, 413})
    if response.status_code == 400:
        assert set(error) - ERROR_KEYS, f"a 400 that names no problem: {error}"
        assert all(isinstance(error[key], list) for key in set(error) - ERROR_KEYS)
        assert counts(service) == (deliveries + 1, stored)  # kept, and nothing stored
