"""What each path does, for the OpenAPI document: parameters, bodies, statuses, security.

Keyed by path; each entry is a function of the running configuration (the feed's success
status, the push limit, the installed adapters).  `/healthz` and `/readyz` are documented
here too and appear in the document whenever the application serves them.
"""

from collections.abc import Callable

from .schemas import WindowSchema

JSON = "application/json"
SECURITY_SCHEMES = {
    "Token": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "LucidRetail's scheme: `Authorization: Token <token>`.",
    },
    "Bearer": {"type": "http", "scheme": "bearer", "description": "The same secret as a Bearer."},
    "Basic": {
        "type": "http",
        "scheme": "basic",
        "description": "The credential's username and its secret as the password.",
    },
    "MetricsToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "POS_TRANSACTIONS_METRICS_TOKEN, when the operator set one.",
    },
}
HEADERS = {
    "X-Request-ID": {
        "description": "The caller's X-Request-ID when it is 1-64 of [A-Za-z0-9._-], else new.",
        "schema": {"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,64}$"},
    },
    "X-Service-Version": {"description": "The service's version.", "schema": {"type": "string"}},
}
REQUEST_ID = {
    "in": "header",
    "name": "X-Request-ID",
    "required": False,
    "description": "Your id for this request, kept in our logs when 1-64 of [A-Za-z0-9._-].",
    "schema": {"type": "string"},
}
ERROR = {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}


def _error(description: str, **headers: str) -> dict:
    more = {
        name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
    }
    return {"description": description, "content": ERROR, "headers": {**HEADERS, **more}}


def shared_responses() -> dict:
    """Every error status the service answers, each with the one error shape."""
    return {
        "BadRequest": _error("A bad parameter or body; the message names it."),
        "Unauthorized": _error(
            "Missing or invalid credentials (the same answer whatever was wrong).",
            **{"WWW-Authenticate": "The accepted schemes."},
        ),
        "Forbidden": _error("The credential's scope does not allow this, or not from here."),
        "NotFound": _error("No such path."),
        "MethodNotAllowed": _error(
            "The path does not take this method.", Allow="The methods it takes."
        ),
        "PayloadTooLarge": _error("The body is over the configured limits."),
        "TooManyRequests": _error("Throttled; try again later.", **{"Retry-After": "Seconds."}),
        "ServiceUnavailable": _error(
            "The database is unavailable; try again shortly.", **{"Retry-After": "Seconds."}
        ),
    }


def _refs(*names: tuple[str, str]) -> dict:
    return {status: {"$ref": f"#/components/responses/{name}"} for status, name in names}


def _security(scope: str) -> list[dict]:
    return [{"Token": [scope]}, {"Bearer": [scope]}, {"Basic": [scope]}]


AUTHENTICATED = (("401", "Unauthorized"), ("403", "Forbidden"))
ALWAYS = (("429", "TooManyRequests"), ("503", "ServiceUnavailable"))


def transactions(context: dict) -> dict:
    body = {"type": "array", "items": {"$ref": "#/components/schemas/Transaction"}}
    return {
        "get": {
            "description": (
                "The calling credential's retailer's reported sales in the window, oldest "
                "first, ties by transaction_id. Also served without the trailing slash. "
                "Scope: feed."
            ),
            "security": _security("feed"),
            "parameters": [{"in": "query", "schema": WindowSchema}, REQUEST_ID],
            "responses": {
                context["success_status"]: {
                    "description": "The transactions (the spec's 201, or 200 if configured).",
                    "content": {JSON: {"schema": body}},
                    "headers": HEADERS,
                },
                **_refs(("400", "BadRequest"), *AUTHENTICATED, *ALWAYS),
            },
        }
    }


def push_sales(context: dict) -> dict:
    records = {
        "type": "array",
        "maxItems": context["max_records"],
        "items": {"$ref": "#/components/schemas/GenericRecord"},
        "description": (
            "Native sale records of the retailer's adapter (or `?adapter=`). The generic "
            "adapter's record is shown; the others (" + ", ".join(context["adapters"]) + ") "
            "are documented in adapters/README.md."
        ),
    }
    return {
        "post": {
            "description": (
                "Upsert the records, all or nothing, idempotent per native sale id. Also "
                "served without the trailing slash. Scope: ingest."
            ),
            "security": _security("ingest"),
            "parameters": [
                {
                    "in": "query",
                    "name": "adapter",
                    "required": False,
                    "description": "Read the records with this adapter, not the retailer's.",
                    "schema": {"type": "string", "enum": context["adapters"]},
                },
                REQUEST_ID,
            ],
            "requestBody": {"required": True, "content": {JSON: {"schema": records}}},
            "responses": {
                "201": {
                    "description": "What the push changed.",
                    "content": {JSON: {"schema": {"$ref": "#/components/schemas/PushSummary"}}},
                    "headers": HEADERS,
                },
                **_refs(("400", "BadRequest"), *AUTHENTICATED, ("413", "PayloadTooLarge"), *ALWAYS),
            },
        }
    }


def receive_case(context: dict) -> dict:
    """LucidRetail's Receive-Case webhook (docs/lucidretail.md describes the body)."""
    loose = {"type": "object", "additionalProperties": True}
    return {
        "post": {
            "description": (
                "One received case's contents, as LucidRetail posts them: stored per retailer, "
                "idempotent per case uuid (a newer delivery replaces its items). Also served "
                "without the trailing slash. Scope: feed or ingest."
            ),
            "security": _security("feed") + _security("ingest"),
            "parameters": [REQUEST_ID],
            "requestBody": {
                "required": True,
                "content": {JSON: {"schema": {**loose, "required": ["uuid", "items"]}}},
            },
            "responses": {
                "201": {
                    "description": "What was stored: the case, its LucidIDs, regulator ids.",
                    "content": {JSON: {"schema": loose}},
                    "headers": HEADERS,
                },
                "400": {
                    "description": (
                        "LucidGreen's error style: each problem's path (`items.3.lucid_id`) "
                        "with its messages, beside our `error` and `status`."
                    ),
                    "content": {JSON: {"schema": loose}},
                    "headers": HEADERS,
                },
                **_refs(*AUTHENTICATED, ("413", "PayloadTooLarge"), *ALWAYS),
            },
        }
    }


def metrics(context: dict) -> dict:
    return {
        "get": {
            "description": (
                "Prometheus text format. With POS_TRANSACTIONS_METRICS_TOKEN set, send it as a "
                "Bearer token; unset, only loopback clients may read it."
            ),
            "security": [{}, {"MetricsToken": []}],
            "parameters": [REQUEST_ID],
            "responses": {
                "200": {
                    "description": "The counters of every worker, summed.",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                    "headers": HEADERS,
                },
                **_refs(*AUTHENTICATED, ("429", "TooManyRequests")),
            },
        }
    }


def _unauthenticated_json(description: str, *errors: tuple[str, str]) -> Callable[[dict], dict]:
    def operations(context: dict) -> dict:
        return {
            "get": {
                "description": description,
                "security": [],
                "parameters": [REQUEST_ID],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {JSON: {"schema": {"type": "object"}}},
                        "headers": HEADERS,
                    },
                    **_refs(*errors),
                },
            }
        }

    return operations


OPERATIONS: dict[str, Callable[[dict], dict]] = {
    "/api/v1/transactions/": transactions,
    "/api/v1/sales/": push_sales,
    "/api/v1/cases/": receive_case,
    "/api/v1/openapi.json": _unauthenticated_json("This document.", ("429", "TooManyRequests")),
    "/metrics": metrics,
    "/healthz": _unauthenticated_json(
        "The process is alive (no database call).", ("429", "TooManyRequests")
    ),
    "/readyz": _unauthenticated_json("The database answers and its schema is the code's.", *ALWAYS),
}
