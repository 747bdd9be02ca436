"""The OpenAPI 3.1 document: valid, complete, and true to what the service answers."""

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from pos_transactions import create_app
from pos_transactions.openapi.document import documented_path
from pos_transactions.version import service_version

DOCUMENT = "/api/v1/openapi.json"
FEED = "/api/v1/transactions/"


@pytest.fixture
def document(client):
    answer = client.get(DOCUMENT)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return answer.json


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


@pytest.mark.parametrize("status", [200, 201])
def test_the_documented_success_status_is_the_configured_one(database_url, status):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "FEED_SUCCESS_STATUS": status})
    document = app.test_client().get(DOCUMENT).json
    app.extensions["pos_transactions.engine"].dispose()
    validate(document)
    responses = document["paths"][FEED]["get"]["responses"]
    assert str(status) in responses and {200: "201", 201: "200"}[status] not in responses


# The integration page's HTML views are for people, not API clients: not in the document.
PAGES = {"static", "web", "integration"}


def test_every_route_and_method_is_documented(app, document):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in PAGES:
            continue
        path = documented_path(rule.rule)
        assert path in document["paths"], f"{rule.rule} is not documented"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], f"{method} {rule.rule}"


def test_the_version_is_the_package_version_in_the_document_and_headers(client, document):
    assert document["info"]["version"] == service_version()
    assert client.get(DOCUMENT).headers["X-Service-Version"] == service_version()


def test_the_cli_prints_the_service_version(runner, cli):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"pos-transactions, version {service_version()}"


def test_the_three_schemes_and_scopes(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["Token"] == {**schemes["Token"], "type": "apiKey", "in": "header",
                                "name": "Authorization"}  # fmt: skip
    assert schemes["Bearer"]["scheme"] == "bearer" and schemes["Basic"]["scheme"] == "basic"
    feed = document["paths"][FEED]["get"]["security"]
    push = document["paths"]["/api/v1/sales/"]["post"]["security"]
    assert feed == [{"Token": ["feed"]}, {"Bearer": ["feed"]}, {"Basic": ["feed"]}]
    assert push == [{"Token": ["ingest"]}, {"Bearer": ["ingest"]}, {"Basic": ["ingest"]}]


def test_the_window_parameters_and_their_aliases(document):
    names = {p["name"] for p in document["paths"][FEED]["get"]["parameters"] if p["in"] == "query"}
    assert names == {"start_date", "end_date", "start_datetime", "end_datetime"}


def test_every_error_status_has_the_error_shape(document):
    responses = document["components"]["responses"]
    statuses = {
        status
        for path in document["paths"].values()
        for operation in path.values()
        for status in operation["responses"]
        if status.startswith(("4", "5"))
    }
    assert statuses == {"400", "401", "403", "413", "429", "503"}
    assert {"NotFound", "MethodNotAllowed"} <= responses.keys()
    for response in responses.values():
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}


def test_a_served_feed_matches_the_transaction_schema(client, load, token_headers, document):
    store = load("rules.json")
    answer = client.get(FEED + "?start_date=2021-01-01&end_date=2021-12-31",
                        headers=token_headers(store))  # fmt: skip
    transaction = document["components"]["schemas"]["Transaction"]
    assert transaction["additionalProperties"] is False and len(transaction["required"]) == 6
    validator = OAS31Validator({"type": "array", "items": transaction, "minItems": 1})
    validator.validate(answer.json)
    nulls = [t for t in answer.json if t["consumer_id"] is None or t["budtender_id"] is None]
    assert nulls, "the store should hold a sale without a customer or an employee"


def test_a_served_error_matches_the_error_schema(client, document):
    answer = client.get(FEED)
    OAS31Validator(document["components"]["schemas"]["Error"]).validate(answer.json)
    with pytest.raises(Exception, match="required"):
        OAS31Validator(document["components"]["schemas"]["Error"]).validate({"status": 400})


def test_the_push_body_lists_the_installed_adapters(document):
    push = document["paths"]["/api/v1/sales/"]["post"]
    (adapter,) = [p for p in push["parameters"] if p["name"] == "adapter"]
    assert {"generic", "csv", "square", "shopify"} <= set(adapter["schema"]["enum"])
    body = push["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and body["maxItems"] == 5000
    assert body["items"] == {"$ref": "#/components/schemas/GenericRecord"}
