"""Issue 8, findings 1, 2 and 8: hostile values are ordinary invalid records, on both databases.

Each record of tests/data/hostile-records.json, pushed alone, is a 400 that names it (by id,
or by position when the id is the problem) with its reason, and writes nothing; all of them
in store files make ``load-fixture`` list every one and exit 1, without a traceback.  None
of them may cost more than a valid record: a quantity of ``1e1000000`` once took a minute.
"""

import json

import pytest

from pos_transactions.credentials import Scope
from pos_transactions.db import new_session
from pos_transactions.models import Sale

from conftest import read_json

HOSTILE = read_json("hostile-records.json")
PLACEHOLDERS = {'"<4000 digits>"': "9" * 4000, '"<201 characters>"': json.dumps("x" * 201)}


def record(case: dict) -> dict:
    return HOSTILE["base"][case["adapter"]] | case["changes"]


def as_json_text(value) -> str:
    """JSON text as a client sends it: lone surrogates as \\ud800 escapes (ensure_ascii),
    and the placeholders replaced by the long values they stand for."""
    text = json.dumps(value)
    for placeholder, replacement in PLACEHOLDERS.items():
        text = text.replace(placeholder, replacement)
    return text


def label(case: dict, position: int) -> str:
    if not case["named"]:
        return f"record #{position}"
    return case.get("label") or case["changes"]["id"]


def case_id(case: dict) -> str:
    name = case.get("label") or case["changes"]["id"]
    return f"{case['adapter']}-{name.encode('unicode_escape').decode()[:16]}"


@pytest.fixture
def push(client, load, tmp_path, token_headers):
    """A push-only retailer and a function that pushes JSON text with its ingest credential."""
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(read_json("rules.json") | {"sales": []}))
    ingest = token_headers(load(path), Scope.INGEST)

    def send(text: str, adapter: str):
        return client.post(
            f"/api/v1/sales/?adapter={adapter}",
            data=text,
            content_type="application/json",
            headers=ingest,
        )

    return send


def stored_sales(app) -> int:
    with app.app_context(), new_session() as session:
        return session.query(Sale).count()


@pytest.mark.parametrize("adapter", sorted(HOSTILE["base"]))
def test_the_base_records_are_valid(app, push, adapter):
    response = push(as_json_text([HOSTILE["base"][adapter]]), adapter)
    assert response.status_code == 201, response.json
    assert stored_sales(app) == 1


@pytest.mark.parametrize("case", HOSTILE["cases"], ids=case_id)
def test_a_hostile_record_is_a_400_naming_it(app, push, case):
    response = push(as_json_text([record(case)]), case["adapter"])
    assert response.status_code == 400, response.get_data(as_text=True)
    [problem] = response.json["invalid_records"]
    assert problem["record"] == label(case, 1)
    assert case["reason"] in problem["reason"]
    assert stored_sales(app) == 0


def test_an_invalid_customer_id_is_not_echoed(push):
    customer_id = "patient-card-4471\u0000"
    sale = HOSTILE["base"]["generic"] | {"customer_id": customer_id}
    response = push(as_json_text([sale]), "generic")
    assert response.status_code == 400
    assert "patient-card" not in response.get_data(as_text=True)


def test_load_fixture_lists_every_hostile_record(runner, cli, tmp_path):
    paths, expected = [], []
    for adapter in sorted(HOSTILE["base"]):
        cases = [case for case in HOSTILE["cases"] if case["adapter"] == adapter]
        store = {
            "retailer": {"id": f"hostile-{adapter}", "name": adapter, "timezone": "UTC"},
            "adapter": adapter,
            "sales": [record(case) for case in cases],
        }
        path = tmp_path / f"hostile-{adapter}.json"
        path.write_text(as_json_text(store))
        paths.append(str(path))
        expected += [label(case, position) for position, case in enumerate(cases, start=1)]
    result = runner.invoke(cli, ["load-fixture", *paths])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for name in expected:
        assert f"  {name}: " in result.stderr, name
