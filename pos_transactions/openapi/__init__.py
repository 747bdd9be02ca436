"""``GET /api/v1/openapi.json``: the API's OpenAPI 3.1 document, built from the code.

The document is built once per application, at its first request for it, from the routes
the application serves (`document.build_document`).
"""

from flask import Blueprint, Flask, current_app, jsonify

openapi = Blueprint("openapi", __name__)
_DOCUMENT = "pos_transactions.openapi"


@openapi.get("/api/v1/openapi.json")
def document():
    """The OpenAPI 3.1 document of this API."""
    if _DOCUMENT not in current_app.extensions:
        from .document import build_document

        current_app.extensions[_DOCUMENT] = build_document(current_app)
    response = jsonify(current_app.extensions[_DOCUMENT])
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(openapi)
