"""Per-retailer LucidRetail settings: where LucidRetail is and how to authenticate to it.

Each retailer has its own LucidRetail API client (a dispensary's API key is what tells
LucidRetail whose packages and cases are meant), so the settings live beside the
retailer.  Credentials come back out only as `Secret` values inside a `Credentials`.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from ..stores import existing_retailer
from .client import (
    PRODUCTION_URL,
    ClientCredentials,
    Credentials,
    HttpSettings,
    LucidRetailClient,
    Secret,
    StaticToken,
    normalise_base_url,
)
from .models import LucidConnection


class NotConfigured(LookupError):
    """The retailer has no LucidRetail settings yet."""


@dataclass(frozen=True)
class ConnectionSettings:
    retailer_id: str
    base_url: str
    credentials: Credentials

    @property
    def kind(self) -> str:
        if isinstance(self.credentials, ClientCredentials):
            return "OAuth2 client credentials"
        return "a static access token"


def configure(
    session: Session, retailer_id: str, base_url: str | None, credentials: Credentials
) -> ConnectionSettings:
    """Store (or replace) the retailer's settings.  Without `base_url` an existing one is
    kept, and a new one starts at production.  ValueError for a bad URL."""
    existing_retailer(session, retailer_id)
    row = session.get(LucidConnection, retailer_id)
    if row is None:
        row = LucidConnection(retailer_id=retailer_id, base_url=PRODUCTION_URL)
        session.add(row)
    if base_url is not None:
        row.base_url = normalise_base_url(base_url)
    if isinstance(credentials, ClientCredentials):
        row.client_id = credentials.client_id
        row.client_secret = credentials.client_secret.reveal()
        row.access_token = None
    else:
        row.client_id = row.client_secret = None
        row.access_token = credentials.access_token.reveal()
    row.updated_at = datetime.now(UTC).replace(tzinfo=None)
    return _settings_of(row)


def load_settings(session: Session, retailer_id: str) -> ConnectionSettings:
    row = session.get(LucidConnection, retailer_id)
    if row is None:
        raise NotConfigured(
            f"LucidRetail is not configured for {retailer_id!r}: "
            f"run 'pos-transactions lucid configure {retailer_id} ...' first"
        )
    return _settings_of(row)


def _settings_of(row: LucidConnection) -> ConnectionSettings:
    credentials: Credentials
    if row.access_token:
        credentials = StaticToken(Secret(row.access_token))
    else:
        credentials = ClientCredentials(row.client_id or "", Secret(row.client_secret or "?"))
    return ConnectionSettings(row.retailer_id, row.base_url, credentials)


def make_client(
    settings: ConnectionSettings, http: HttpSettings | None = None
) -> LucidRetailClient:
    return LucidRetailClient(settings.base_url, settings.credentials, http)
