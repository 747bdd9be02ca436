"""A faithful fake of LucidRetail's APIs that this service calls, for tests and for QA.

It is a small Flask app served for real (``pos-transactions lucid fake-server``, or
`serve_in_thread` in tests), seeded from a JSON file (fixtures/lucid/fake-lucidretail.json).
It implements the OAuth2 token endpoint, the Package-UID export with its pre-signed CDN
download, and the three CaseID endpoints, answering exactly as the documents say; where
they are silent the choices are listed in docs/lucidretail.md ("What the fake assumes").

Tests can also make the next calls to a path misbehave (`Fault`): answer a status such as
429 with ``Retry-After``, drop the connection, or cut a download short.
"""

import json
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.serving import make_server

from ..lucid_id import ALPHABET, LENGTH

API = "/api/v1.2"
_SHORTUUID = re.compile(f"[{re.escape(ALPHABET)}]{{{LENGTH}}}")
_NOT_AUTHENTICATED = "Authentication credentials were not provided."
_FORBIDDEN = "You do not have permission to perform this action."


@dataclass(frozen=True)
class Fault:
    """How the fake misbehaves for one call: answer `status` (with `retry_after` and
    `body`), `drop` the connection unanswered, or, on the CDN, `truncate` a download
    half-way or treat its pre-signed URL as `expire`d."""

    status: int | None = None
    retry_after: int | None = None
    body: dict | None = None
    drop: bool = False
    truncate: bool = False
    expire: bool = False


@dataclass(frozen=True)
class RecordedCall:
    method: str
    path: str
    authorization: str | None


@dataclass
class Import:
    case_id: str
    packaged_product_uuid: str
    dispensary: str
    package_uid: str
    pos_product_id: str
    pos_inventory_id: str
    sku: str | None
    imported_on: str


@dataclass
class FakeLucidRetail:
    """The fake's whole state: what the seed said, plus what calls have changed since."""

    seed: dict
    clock: Callable[[], float] = time.time
    tokens: dict[str, tuple[str | None, float | None]] = field(default_factory=dict)
    imports: list[Import] = field(default_factory=list)
    packages: set[tuple[str, str]] = field(default_factory=set)
    export_polls: dict[tuple[str, str], int] = field(default_factory=dict)
    signed_files: dict[str, tuple[bytes, float, str]] = field(default_factory=dict)
    faults: list[tuple[str, Fault]] = field(default_factory=list)
    calls: list[RecordedCall] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        for static in self.seed.get("access_tokens", []):
            self.tokens[static["token"]] = (static.get("dispensary"), None)
        for row in self.seed.get("imports", []):
            self.imports.append(Import(**{"sku": None, **row}))
            self.packages.add((row["dispensary"], row["package_uid"]))

    @property
    def token_lifetime(self) -> int:
        return int(self.seed.get("token_lifetime", 36000))

    def fail_next(self, path_prefix: str, *faults: Fault) -> None:
        """Make the next calls whose path starts with `path_prefix` misbehave, in order."""
        with self.lock:
            self.faults.extend((path_prefix, fault) for fault in faults)

    def expire_tokens(self) -> None:
        """Expire every OAuth2 token issued so far (static tokens stay valid)."""
        with self.lock:
            for token, (dispensary, expires_at) in list(self.tokens.items()):
                if expires_at is not None:
                    self.tokens[token] = (dispensary, self.clock() - 1)

    def calls_to(self, path_prefix: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.path.startswith(path_prefix)]

    def dispensary(self, uuid: str) -> dict:
        return next(d for d in self.seed.get("dispensaries", []) if d["uuid"] == uuid)

    def today(self) -> date:
        return datetime.fromtimestamp(self.clock(), UTC).date()

    def export_content(self, dispensary: str) -> dict[str, dict[str, list[str]]]:
        """Package UID -> CaseID -> LucidIDs imported by `dispensary`, as of now."""
        content: dict[str, dict[str, list[str]]] = {
            package_uid: {} for owner, package_uid in sorted(self.packages) if owner == dispensary
        }
        for row in self.imports:
            if row.dispensary == dispensary:
                lucid_ids = self.case(row.case_id)["packaged_products"][row.packaged_product_uuid]
                content[row.package_uid].setdefault(row.case_id, []).extend(lucid_ids)
        return content

    def case(self, case_id: str) -> dict:
        return next(case for case in self.seed.get("cases", []) if case["case_id"] == case_id)

    def has_case(self, case_id: str) -> bool:
        return any(case["case_id"] == case_id for case in self.seed.get("cases", []))


def load_seed(path: Path) -> dict:
    return json.loads(path.read_text())


def create_fake_app(fake: FakeLucidRetail) -> Flask:
    """The fake LucidRetail as a Flask app over `fake`'s state."""
    app = Flask(__name__)
    app.json.sort_keys = False
    app.extensions["fake_lucidretail"] = fake
    app.before_request(_record_and_misbehave)
    app.add_url_rule("/o/token/", view_func=token, methods=["POST"])
    app.add_url_rule(f"{API}/package-uids-export/", view_func=package_uids_export)
    app.add_url_rule("/cdn/package-uids/<key>.json", view_func=cdn_download)
    app.add_url_rule(f"{API}/package-uids/<package_uid>/caseids/", view_func=caseids_for_package)
    app.add_url_rule(f"{API}/caseids/import/", view_func=caseids_import, methods=["POST"])
    app.add_url_rule(
        f"{API}/caseids/import/remove/", view_func=caseids_import_remove, methods=["POST"]
    )
    return app


def _fake() -> FakeLucidRetail:
    return current_app.extensions["fake_lucidretail"]


def _record_and_misbehave() -> Response | None:
    fake = _fake()
    with fake.lock:
        fake.calls.append(
            RecordedCall(request.method, request.path, request.headers.get("Authorization"))
        )
        index = next(
            (i for i, (prefix, _) in enumerate(fake.faults) if request.path.startswith(prefix)),
            None,
        )
        fault = fake.faults.pop(index)[1] if index is not None else None
    if fault is None:
        return None
    if fault.drop:
        _drop_connection()
        return Response(status=500)
    if fault.truncate or fault.expire:
        g.fault = fault
        return None
    response = jsonify(fault.body or {"detail": "Request was throttled."})
    response.status_code = fault.status or 500
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(fault.retry_after)
    return response


def _drop_connection() -> None:
    """Close the client's connection without a word (what a crashed proxy does)."""
    connection = request.environ.get("werkzeug.socket")
    if connection is not None:
        connection.shutdown(socket.SHUT_RDWR)


def _drf_error(status: int, **body: Any) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def _caller_dispensary() -> tuple[str | None, Response | None]:
    """The dispensary behind the Bearer token, or the 401 that DRF answers without one."""
    fake = _fake()
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    known = fake.tokens.get(token) if scheme == "Bearer" else None
    if known is None or (known[1] is not None and fake.clock() >= known[1]):
        response = _drf_error(401, detail=_NOT_AUTHENTICATED)
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return None, response
    return known[0], None


def _authenticated(needs_dispensary: bool):
    """Run the view as ``view(fake, dispensary, ...)`` for a caller with a valid Bearer
    token, answering DRF's 401 otherwise.  A token tied to no dispensary is a 403 where the
    view `needs_dispensary`, and reaches the view as None elsewhere."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs) -> Response:
            dispensary, refusal = _caller_dispensary()
            if refusal is not None:
                return refusal
            if dispensary is None and needs_dispensary:
                return _drf_error(403, detail=_FORBIDDEN)
            return view(_fake(), dispensary, *args, **kwargs)

        return checked

    return decorate


def token() -> Response:
    """OAuth2 client-credentials grant (django-oauth-toolkit's answers)."""
    fake = _fake()
    form = request.form
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    if request.authorization and request.authorization.type == "basic":
        client_id = request.authorization.username
        client_secret = request.authorization.password
    if form.get("grant_type") != "client_credentials":
        return _drf_error(400, error="unsupported_grant_type")
    client = next(
        (
            c
            for c in fake.seed.get("clients", [])
            if c["client_id"] == client_id and c["client_secret"] == client_secret
        ),
        None,
    )
    if client is None:
        return _drf_error(401, error="invalid_client")
    access_token = secrets.token_urlsafe(24)
    with fake.lock:
        fake.tokens[access_token] = (client.get("dispensary"), fake.clock() + fake.token_lifetime)
    answer = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": fake.token_lifetime,
        "scope": "read write",
    }
    return jsonify(answer)


@_authenticated(needs_dispensary=False)
def package_uids_export(fake: FakeLucidRetail, dispensary: str | None) -> Response:
    """GET /api/v1.2/package-uids-export/: 428, 400, 404, 422, 202 or 200, as documented."""
    if dispensary is None or not fake.dispensary(dispensary).get("export_enabled", False):
        return _drf_error(
            428,
            error="API Keys are not associated with a dispensary, or this feature is not "
            "enabled for the dispensary.",
        )
    settings = fake.dispensary(dispensary)
    available = sorted(d for d in settings.get("export_dates", []) if d <= str(fake.today()))
    asked = request.args.get("export_date")
    if asked is None:
        if not available:
            return _drf_error(404, error="Export is not available.")
        asked = available[-1]
    else:
        try:
            asked_date = date.fromisoformat(asked)
        except ValueError:
            return _drf_error(400, error="export_date must be a date in YYYY-MM-DD format.")
        if asked_date > fake.today():
            return _drf_error(400, error="export_date specified is a future date.")
        if asked in settings.get("failed_export_dates", []):
            return _drf_error(422, error="Failed to export package uids.")
        if asked not in available:
            return _drf_error(404, error="Export is not available.")
    with fake.lock:
        polls = fake.export_polls.get((dispensary, asked), 0)
        fake.export_polls[(dispensary, asked)] = polls + 1
    if polls < int(fake.seed.get("export_processing_polls", 0)):
        return _drf_error(202, detail="Export is still in progress. Try again later.")
    return jsonify(export_url=_sign(fake, fake.export_content(dispensary)))


def _sign(fake: FakeLucidRetail, content: dict) -> str:
    """Store the file under a key and return a pre-signed URL to it, like S3 or CloudFront."""
    key = secrets.token_hex(8)
    expires = fake.clock() + int(fake.seed.get("export_url_lifetime", 300))
    body = json.dumps(content, indent=1).encode()
    signature = secrets.token_hex(16)
    with fake.lock:
        fake.signed_files[key] = (body, expires, signature)
    query = f"Expires={int(expires)}&Signature={signature}"
    return f"{request.host_url}cdn/package-uids/{key}.json?{query}"


def _cdn_error(status: int, code: str, message: str) -> Response:
    body = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return Response(body, status=status, mimetype="application/xml")


def cdn_download(key: str) -> Response:
    """The CDN behind the pre-signed URL: no Authorization allowed, refuses once expired."""
    fake = _fake()
    if "Authorization" in request.headers:
        return _cdn_error(400, "InvalidArgument", "Only one auth mechanism allowed.")
    body, expires, signature = fake.signed_files.get(key, (b"", 0.0, None))
    if signature is None or request.args.get("Signature") != signature:
        return _cdn_error(403, "AccessDenied", "Access Denied")
    fault = g.get("fault")
    if fake.clock() >= expires or (fault and fault.expire):
        return _cdn_error(403, "AccessDenied", "Request has expired")
    if fault and fault.truncate:
        return _truncated(body)
    return Response(body, mimetype="application/json")


def _truncated(body: bytes) -> Response:
    """Promise the whole body, send half, then close: a download cut short."""

    def half_then_close() -> Iterator[bytes]:
        yield body[: len(body) // 2]
        _drop_connection()

    response = Response(half_then_close(), mimetype="application/json")
    response.headers["Content-Length"] = str(len(body))
    return response


@_authenticated(needs_dispensary=True)
def caseids_for_package(fake: FakeLucidRetail, dispensary: str, package_uid: str) -> Response:
    """GET /api/v1.2/package-uids/<package_uid>/caseids/."""
    company = fake.dispensary(dispensary).get("company")
    case_ids = {}
    for case in fake.seed.get("cases", []):
        if case["package_uid"] == package_uid and dispensary in case.get("dispensaries", []):
            case_ids[case["case_id"]] = _import_status(fake, case["case_id"], company)
    return jsonify(package_uid=package_uid, case_ids=case_ids)


def _import_status(fake: FakeLucidRetail, case_id: str, company: str | None) -> dict:
    imports = sorted(
        (row for row in fake.imports if row.case_id == case_id), key=lambda r: r.imported_on
    )
    if not imports:
        return {"is_imported": False, "imported_on": None, "package_uid": None, "dispensary": None}
    latest = imports[-1]
    importer = fake.dispensary(latest.dispensary)
    same_company = company is not None and importer.get("company") == company
    return {
        "is_imported": True,
        "imported_on": latest.imported_on,
        "package_uid": latest.package_uid if same_company else None,
        "dispensary": (
            {"uuid": importer["uuid"], "name": importer["name"], "state": importer["state"]}
            if same_company
            else None
        ),
    }


def _field_errors(data: Any, required: list[str], optional: list[str], shortuuids: set[str]):
    """DRF-style field validation: {"field": ["message"]} for each problem."""
    if not isinstance(data, dict):
        return {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}
    errors: dict[str, list[str]] = {}
    for name in required + optional:
        value = data.get(name)
        if value is None:
            if name in required:
                errors[name] = ["This field is required."]
        elif not isinstance(value, str):
            errors[name] = ["Not a valid string."]
        elif not value.strip():
            errors[name] = ["This field may not be blank."]
        elif name in shortuuids and not _SHORTUUID.fullmatch(value):
            errors[name] = ["Must be a valid ShortUUID."]
    return errors


@_authenticated(needs_dispensary=True)
def caseids_import(fake: FakeLucidRetail, dispensary: str) -> Response:
    """POST /api/v1.2/caseids/import/."""
    data = request.get_json(silent=True)
    required = [
        "case_uuid",
        "packaged_product_uuid",
        "pos_product_id",
        "pos_inventory_id",
        "package_uid",
    ]
    errors = _field_errors(data, required, ["sku"], {"case_uuid", "packaged_product_uuid"})
    if errors:
        return _drf_error(400, **errors)
    case_id, product = data["case_uuid"], data["packaged_product_uuid"]
    if not fake.has_case(case_id):
        return _drf_error(400, detail=f"CaseID {case_id} was not found.")
    if product not in fake.case(case_id)["packaged_products"]:
        return _drf_error(400, detail=f"Packaged product {product} is not in CaseID {case_id}.")
    with fake.lock:
        earlier = [row for row in fake.imports if row.case_id == case_id]
        if any(row.dispensary != dispensary for row in earlier):
            return _drf_error(
                400, detail="This case has already been scanned for another dispensary."
            )
        same = next((row for row in earlier if row.packaged_product_uuid == product), None)
        if same is not None:
            return _drf_error(
                400,
                detail=f"Items in CaseID {case_id} are already imported into inventory "
                f"{same.package_uid}.",
            )
        fake.imports.append(
            Import(
                case_id=case_id,
                packaged_product_uuid=product,
                dispensary=dispensary,
                package_uid=data["package_uid"],
                pos_product_id=data["pos_product_id"],
                pos_inventory_id=data["pos_inventory_id"],
                sku=data.get("sku"),
                imported_on=datetime.fromtimestamp(fake.clock(), UTC).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
            )
        )
        fake.packages.add((dispensary, data["package_uid"]))
    answer = {
        "case_uuid": case_id,
        "packaged_product_uuid": product,
        "package_uid": data["package_uid"],
    }
    return jsonify(answer)


@_authenticated(needs_dispensary=True)
def caseids_import_remove(fake: FakeLucidRetail, dispensary: str) -> Response:
    """POST /api/v1.2/caseids/import/remove/: 200 with an empty body on success."""
    data = request.get_json(silent=True)
    errors = _field_errors(
        data,
        ["case_uuid", "package_uid"],
        ["packaged_product_uuid"],
        {"case_uuid", "packaged_product_uuid"},
    )
    if errors:
        return _drf_error(400, **errors)
    case_id, package_uid = data["case_uuid"], data["package_uid"]
    product = data.get("packaged_product_uuid")
    with fake.lock:
        if (dispensary, package_uid) not in fake.packages:
            return _drf_error(
                400, detail=f"POS Package UID not found for package_uid={package_uid}."
            )
        doomed = [
            row
            for row in fake.imports
            if row.dispensary == dispensary
            and row.case_id == case_id
            and row.package_uid == package_uid
            and product in (None, row.packaged_product_uuid)
        ]
        if not doomed:
            return _drf_error(
                400, detail=f"CaseID {case_id} is not imported into package_uid={package_uid}."
            )
        fake.imports = [row for row in fake.imports if row not in doomed]
    return Response(status=200)


@contextmanager
def serve_in_thread(fake: FakeLucidRetail, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve the fake for real on a loopback port in a background thread; yield its base URL."""
    server = make_server(host, port, create_fake_app(fake), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve_forever(fake: FakeLucidRetail, host: str, port: int) -> None:
    """Serve the fake in the foreground until interrupted (``lucid fake-server``)."""
    make_server(host, port, create_fake_app(fake), threaded=True).serve_forever()
