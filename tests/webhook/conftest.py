"""Fixtures for the webhook tests: a retailer with a feed token, another one beside it,
and a way to deliver the fixture cases."""

import json
from pathlib import Path

import pytest

from pos_transactions.credentials import Scope

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "lucid" / "cases"
AUDIT_STORE = ROOT / "fixtures" / "lucid" / "audit-store.json"
RETAILER = "lucid-audit-demo"
OTHER = "rules-store"  # tests/data/rules.json
WEBHOOK = "/api/v1/cases/"
EXPECTED_CASES = json.loads((Path(__file__).parent / "data" / "expected-cases.json").read_text())


def case_document(name: str) -> dict:
    return json.loads((CASES / f"{name}.json").read_text())


@pytest.fixture
def deliver(client, load, token_headers):
    """Deliver a case (a fixture name, a dict, or raw bytes) as LucidRetail does, for the
    audit store's retailer (or `retailer`), with a feed token unless told otherwise."""
    load(AUDIT_STORE)
    load("rules.json")
    tokens = {}

    def send(case, retailer: str = RETAILER, scope: Scope = Scope.FEED, path: str = WEBHOOK):
        if (retailer, scope) not in tokens:
            tokens[retailer, scope] = token_headers(retailer, scope)
        if isinstance(case, str):
            case = case_document(case)
        body = case if isinstance(case, bytes) else json.dumps(case)
        return client.post(
            path, data=body, content_type="application/json", headers=tokens[retailer, scope]
        )

    return send
