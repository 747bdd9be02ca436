"""The HTTP client for LucidRetail's own APIs: authentication, timeouts, retries, one error type.

LucidRetail authenticates its API clients with OAuth2 client credentials (LucidGreen's
docs: ``POST {base}/o/token/`` with ``grant_type=client_credentials``; the answer's
``access_token`` goes out as ``Authorization: Bearer``).  Some environments hand out a
static access token instead; both are accepted.  The token is cached until shortly
before it expires, and a 401 makes the client fetch a new one once and try again.

Transport failures, 429 (honouring ``Retry-After``) and 5xx answers are retried with
backoff by urllib3's `Retry`; final 4xx answers are not.  Whatever goes wrong ends as one
`LucidRetailError` whose message names the call, the HTTP status and LucidRetail's own
words, and never a secret or a pre-signed URL.
"""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

PRODUCTION_URL = "https://retail.lucidgreen.io"
TEST_URL = "https://retail-test.lucidgreen.io"
TOKEN_PATH = "/o/token/"
RETRY_STATUSES = (429, 500, 502, 503, 504)
DEFAULT_TOKEN_LIFETIME = 36000  # seconds; LucidGreen's documented expires_in
DOWNLOAD_CHUNK = 64 * 1024

log = logging.getLogger(__name__)


class Secret:
    """A credential that prints as ``***``: only `reveal` gives the value, at the wire."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value:
            raise ValueError("a secret must not be empty")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class ClientCredentials:
    """OAuth2 client credentials, exchanged for a Bearer token at ``/o/token/``."""

    client_id: str
    client_secret: Secret


@dataclass(frozen=True)
class StaticToken:
    """An access token handed out by LucidGreen, used as it is and never refreshed."""

    access_token: Secret


Credentials = ClientCredentials | StaticToken


@dataclass(frozen=True)
class HttpSettings:
    """Timeouts and retry policy; the defaults suit production, tests shrink the backoff."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 5
    backoff_factor: float = 0.5
    backoff_max: float = 60.0


class LucidRetailError(Exception):
    """A LucidRetail call that did not succeed.  `status` is None when no answer came;
    `meaning`, when given, says in our words what the answer means for the user."""

    def __init__(
        self, call: str, status: int | None, words: str, meaning: str | None = None
    ) -> None:
        self.call = call
        self.status = status
        self.words = words
        failure = describe_failure(call, status, words)
        super().__init__(f"{meaning} ({failure})" if meaning else failure)


def describe_failure(call: str, status: int | None, words: str) -> str:
    """The one sentence every LucidRetail failure is reported as."""
    if status is None:
        return f"LucidRetail {call} failed: {words}"
    return f"LucidRetail {call} answered HTTP {status}: {words}"


def lucidretail_words(body: bytes, limit: int = 300) -> str:
    """LucidRetail's own words from an error body shaped the Django REST Framework way.

    ``{"detail": ...}`` (business rules), ``{"error": ...}`` (the export, OAuth2), and
    ``{"field": ["message", ...]}`` (validation) each become plain text; anything else is
    shown as received, shortened.
    """
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return _shortened(text, limit) if text else "(no message)"
    return _shortened(_words_of(data), limit)


def _words_of(data: Any) -> str:
    if isinstance(data, dict):
        for key in ("detail", "error"):
            if isinstance(data.get(key), str):
                extra = data.get("error_description")
                return f"{data[key]} ({extra})" if key == "error" and extra else data[key]
        return "; ".join(f"{field}: {_words_of(messages)}" for field, messages in data.items())
    if isinstance(data, list):
        return " ".join(_words_of(item) for item in data)
    return str(data)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def refresh_margin(expires_in: float) -> float:
    """How long before a token's expiry to replace it: a minute, or a tenth of a short life."""
    return min(60.0, expires_in / 10)


def normalise_base_url(url: str) -> str:
    """An http(s) URL with a host and nothing after its path; ValueError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL with a host")
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r} must not carry a query or a fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def describe_transport_error(error: requests.RequestException) -> str:
    """Why no usable answer came, without the URL (a pre-signed one is a credential)."""
    if isinstance(error, requests.Timeout):
        return "LucidRetail did not answer in time"
    if isinstance(error, requests.exceptions.RetryError):
        return "it kept failing after every retry"
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return "the connection broke before the whole answer arrived"
    reason = error.args[0] if error.args else error
    if isinstance(reason, MaxRetryError) and reason.reason is not None:
        reason = reason.reason
    return f"the connection failed or was dropped ({type(reason).__name__})"


class _Anonymous(AuthBase):
    """Send no Authorization at all (not even from ~/.netrc): pre-signed URLs carry their
    own signature, and CDNs refuse a request that has both."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        return request


def make_session(settings: HttpSettings) -> requests.Session:
    """A requests Session whose every http(s) request retries the transient failures."""
    retry = Retry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        other=0,
        status_forcelist=RETRY_STATUSES,
        # POST is retried too: a throttled or failed call was not applied, and a repeated
        # import answers "already imported into this same package", which counts as success.
        allowed_methods=frozenset({"GET", "POST"}),
        backoff_factor=settings.backoff_factor,
        backoff_max=settings.backoff_max,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["Accept"] = "application/json"
    return session


class LucidRetailClient:
    """One retailer's LucidRetail: `request` for API calls, `download` for export files."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        settings: HttpSettings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.credentials = credentials
        self.settings = settings or HttpSettings()
        self._session = make_session(self.settings)
        self._clock = clock
        self._token: Secret | None = None
        self._token_renew_at = 0.0

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "LucidRetailClient":
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    @property
    def _timeout(self) -> tuple[float, float]:
        return (self.settings.connect_timeout, self.settings.read_timeout)

    def request(
        self,
        call: str,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
    ) -> requests.Response:
        """Send one authenticated API call and return LucidRetail's final answer, whatever
        its status (the caller knows which ones its call expects).  A 401 fetches a new
        token once and tries again."""
        response = self._send(call, method, path, params, json_body)
        if response.status_code == 401 and isinstance(self.credentials, ClientCredentials):
            log.info("%s: access token refused; fetching a new one", call)
            self._token = None
            response = self._send(call, method, path, params, json_body)
        return response

    def _send(
        self,
        call: str,
        method: str,
        path: str,
        params: dict[str, str] | None,
        json_body: dict[str, Any] | None,
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self._access_token().reveal()}"}
        try:
            response = self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                headers=headers,
                timeout=self._timeout,
            )
        except requests.RequestException as error:
            raise LucidRetailError(call, None, describe_transport_error(error)) from None
        log.debug("%s: HTTP %s", call, response.status_code)
        return response

    def _access_token(self) -> Secret:
        if isinstance(self.credentials, StaticToken):
            return self.credentials.access_token
        if self._token is None or self._clock() >= self._token_renew_at:
            self._fetch_token(self.credentials)
        assert self._token is not None
        return self._token

    def _fetch_token(self, credentials: ClientCredentials) -> None:
        call = f"token (POST {TOKEN_PATH})"
        asked_at = self._clock()
        try:
            response = self._session.post(
                self.base_url + TOKEN_PATH,
                data={
                    "grant_type": "client_credentials",
                    "client_id": credentials.client_id,
                    "client_secret": credentials.client_secret.reveal(),
                },
                auth=_Anonymous(),
                timeout=self._timeout,
            )
        except requests.RequestException as error:
            raise LucidRetailError(call, None, describe_transport_error(error)) from None
        if response.status_code != 200:
            raise LucidRetailError(call, response.status_code, lucidretail_words(response.content))
        try:
            answer = response.json()
            token = Secret(answer["access_token"])
            expires_in = float(answer.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
        except (ValueError, KeyError, TypeError):
            raise LucidRetailError(call, 200, "the answer holds no access_token") from None
        self._token = token
        self._token_renew_at = asked_at + expires_in - refresh_margin(expires_in)
        log.info("LucidRetail access token obtained; valid for %.0f s", expires_in)

    def download(self, call: str, url: str, destination: IO[bytes]) -> int:
        """Stream `url` into `destination` without any Authorization; return the byte count.

        A non-200 answer raises `LucidRetailError` with the status (a pre-signed URL that
        expired answers 4xx); a broken or short transfer raises it without one.
        """
        received = 0
        try:
            with self._session.get(
                url, stream=True, auth=_Anonymous(), timeout=self._timeout
            ) as response:
                if response.status_code != 200:
                    words = lucidretail_words(response.content)
                    raise LucidRetailError(call, response.status_code, words)
                for chunk in response.iter_content(DOWNLOAD_CHUNK):
                    destination.write(chunk)
                    received += len(chunk)
        except requests.RequestException as error:
            raise LucidRetailError(call, None, describe_transport_error(error)) from None
        return received


def expect(response: requests.Response, call: str, *statuses: int) -> requests.Response:
    """`response` if its status is one of `statuses`, else the call's `LucidRetailError`."""
    if response.status_code not in statuses:
        raise LucidRetailError(call, response.status_code, lucidretail_words(response.content))
    return response


def json_of(response: requests.Response, call: str) -> Any:
    """The JSON body of a successful answer, or a `LucidRetailError` saying it was not JSON."""
    try:
        return response.json()
    except ValueError:
        raise LucidRetailError(call, response.status_code, "the answer is not JSON") from None
