"""The OpenAPI 3.1 document, generated from the application: its routes, views and schemas.

Each route of the running app is documented from `operations.OPERATIONS` (keyed by path),
the view's docstring is its summary, and every body is a marshmallow schema (`schemas`); a
route nobody documented is left out, and the tests fail on it.  Aliases without the trailing
slash are served but documented once, in the slash form.
"""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from ..adapter_registry import installed_adapters
from ..version import service_version
from . import schemas
from .operations import OPERATIONS, SECURITY_SCHEMES, shared_responses

TITLE = "pos-transactions: the Retail Transactions API"
DESCRIPTION = (
    "Serves a POS's sales to LucidGreen's LucidRetail (the feed) and takes the POS's pushed "
    "sales. Every response carries `X-Request-ID` (the caller's, when short and plain, or a "
    "new one) and `X-Service-Version`."
)


def documented_path(rule: str) -> str:
    """The path a Flask rule is documented under: aliases without the slash as the slash form."""
    if rule in OPERATIONS or rule.endswith("/") or rule + "/" not in OPERATIONS:
        return rule
    return rule + "/"


def build_document(app: Flask) -> dict:
    spec = APISpec(
        title=TITLE,
        version=service_version(),
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION},
    )
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    for name in ("Transaction", "Error", "PushSummary", "GenericRecord"):
        spec.components.schema(name, schema=getattr(schemas, f"{name}Schema"))
    context = {
        "success_status": str(app.config["FEED_SUCCESS_STATUS"]),
        "max_records": app.config["MAX_PUSH_RECORDS"],
        "adapters": sorted(info.name for info in installed_adapters() if not info.error),
    }
    for name, response in shared_responses().items():
        spec.components.response(name, response)
    served = {documented_path(rule.rule): rule.endpoint for rule in app.url_map.iter_rules()}
    for path in sorted(served.keys() & OPERATIONS.keys()):
        operations = OPERATIONS[path](context)
        view = app.view_functions[served[path]]
        summary = (view.__doc__ or "").strip().splitlines()
        for operation in operations.values():
            if summary:
                operation.setdefault("summary", summary[0])
        spec.path(path=path, operations=operations)
    return spec.to_dict()
