"""Tables for the LucidRetail side: how to reach LucidRetail per retailer, and its registry.

They are declared on the service's one `Base`, so ``db.ensure_schema`` creates them with
everything else.  Secrets are stored as entered (the service has to send them) but are
never part of a row's ``repr`` and never printed: `connections.py` hands them out only
wrapped in `Secret`.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base


class LucidConnection(Base):
    """One retailer's LucidRetail API access: OAuth2 client credentials or a static token."""

    __tablename__ = "lucid_connection"

    retailer_id: Mapped[str] = mapped_column(
        ForeignKey("retailer.id", ondelete="CASCADE"), primary_key=True
    )
    base_url: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str | None] = mapped_column(String(200))
    client_secret: Mapped[str | None] = mapped_column(Text)
    access_token: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<LucidConnection {self.retailer_id} {self.base_url}>"


class RegistryEntry(Base):
    """One LucidID that LucidRetail's Package-UID export lists for the retailer.

    `export_date` is the date the sync asked for; None means "the most recent export" as of
    `synced_at` (LucidRetail does not say which day that was).
    """

    __tablename__ = "lucid_registry"
    __table_args__ = (
        Index("ix_lucid_registry_lucid_id", "lucid_id"),
        Index("ix_lucid_registry_retailer", "retailer_id", "lucid_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[str] = mapped_column(ForeignKey("retailer.id", ondelete="CASCADE"))
    package_uid: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[str] = mapped_column(String(64))
    lucid_id: Mapped[str] = mapped_column(String(22))
    export_date: Mapped[date | None] = mapped_column(Date)
    synced_at: Mapped[datetime]
