"""Database tables.  Times are naive UTC; ids that leave the service are pseudonyms.

A `Sale` row keeps what the feed needs and nothing that identifies a person: the customer
and employee are stored only as their pseudonymous ids.  Its `feed_json` is the sale's
transaction object, built when the sale is written so that serving the feed is a
concatenation (see `feed.py`).

Alembic migrations (``pos_transactions/migrations``) make the schema, not these classes: a
change here needs a migration, and tests/test_migrations.py fails until it has one.
"""

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Retailer(Base):
    """One dispensary: the unit of tenancy.  `adapter` reads its native sales."""

    __tablename__ = "retailer"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    adapter: Mapped[str] = mapped_column(String(100), default="generic")
    adapter_options: Mapped[dict] = mapped_column(JSON, default=dict)


class Credential(Base):
    """A secret that lets one client act for one retailer within one scope.

    Only the SHA-256 of the secret is kept: the secret is 256 random bits, so a fast hash is
    as safe as a slow one and costs nothing per request.
    """

    __tablename__ = "credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    retailer_id: Mapped[str] = mapped_column(ForeignKey("retailer.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    label: Mapped[str | None] = mapped_column(String(200))  # who holds it, in a person's words
    last_used_at: Mapped[datetime | None]  # to the minute: see `credentials.record_use`


class Sale(Base):
    """A native sale, canonical and pseudonymised, with its pre-built feed object."""

    __tablename__ = "sale"
    __table_args__ = (
        UniqueConstraint("retailer_id", "native_id"),
        Index("ix_sale_feed", "retailer_id", "reported", "transacted_on", "transaction_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[str] = mapped_column(ForeignKey("retailer.id", ondelete="CASCADE"))
    native_id: Mapped[str] = mapped_column(String(200))
    transaction_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16))
    transacted_on: Mapped[datetime | None]
    consumer_id: Mapped[str | None] = mapped_column(String(36))
    budtender_id: Mapped[str | None] = mapped_column(String(36))
    lines: Mapped[str] = mapped_column(Text)  # JSON: [{"sku", "quantity", "lucid_ids"}]
    fingerprint: Mapped[str] = mapped_column(String(64))
    reported: Mapped[bool]
    feed_json: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    modified_at: Mapped[datetime | None]  # when the POS last changed it (see `versions`)
    original_id: Mapped[str | None] = mapped_column(String(200))  # a return's original sale


class FeedDay(Base):
    """One UTC day of a retailer's feed, as served, cached by the first request that needs it.

    `version` counts the writes that touched the day; a write clears `document`, and a
    reader stores the document it built only if the version is still the one it read.
    """

    __tablename__ = "feed_day"

    retailer_id: Mapped[str] = mapped_column(
        ForeignKey("retailer.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    document: Mapped[str | None] = mapped_column(Text)


# PostgreSQL compresses large text by default; a cached day is read far more often than it
# is written, so it is stored uncompressed (still out of line): no decompression per poll.
event.listen(
    FeedDay.__table__,
    "after_create",
    DDL("ALTER TABLE feed_day ALTER COLUMN document SET STORAGE EXTERNAL").execute_if(
        dialect="postgresql"
    ),
)


class ServiceSetting(Base):
    """Values the service makes for itself and every process must share (e.g. the pseudonym
    key), kept in the database so that workers, the CLI and restarts agree."""

    __tablename__ = "service_setting"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
