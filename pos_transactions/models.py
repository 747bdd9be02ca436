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
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
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


# A feed object of at most this many characters (all of them ASCII: times, UUIDs, base57
# LucidIDs) is kept inside the feed index, where PostgreSQL allows about 2,700 bytes an entry.
MAX_INDEXED_FEED_OBJECT = 2000
INDEXED_FEED_OBJECT = f"reported AND length(feed_json) <= {MAX_INDEXED_FEED_OBJECT}"
OUTSIZED_FEED_OBJECT = f"reported AND length(feed_json) > {MAX_INDEXED_FEED_OBJECT}"


def _partial(condition: str) -> dict:
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


class Sale(Base):
    """A native sale, canonical and pseudonymised, with its pre-built feed object.

    The feed reads a retailer's window from `ix_sale_feed`, which holds the feed object
    itself in feed order: the rows of one retailer's day lie together in the index however
    the table interleaves retailers, so a poll nobody made before reads a few pages, not a
    page per sale (index-only on both databases).  The rare object too big for an index
    entry (a sale with scores of LucidIDs) is found through `ix_sale_feed_outsized` instead.
    """

    __tablename__ = "sale"
    __table_args__ = (
        UniqueConstraint("retailer_id", "native_id"),
        Index(
            "ix_sale_feed",
            "retailer_id",
            "transacted_on",
            "transaction_id",
            "feed_json",
            "reported",  # named by the condition: SQLite reads an index alone only then
            **_partial(INDEXED_FEED_OBJECT),
        ),
        Index(
            "ix_sale_feed_outsized",
            "retailer_id",
            "transacted_on",
            "transaction_id",
            **_partial(OUTSIZED_FEED_OBJECT),
        ),
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
    """How often writes have changed one UTC day of a retailer's feed.

    Each worker keeps the days it serves again and again in memory under their version
    (`feed_days`); a write bumps the version in the sales' own transaction, so no kept day
    outlives a change.
    """

    __tablename__ = "feed_day"

    retailer_id: Mapped[str] = mapped_column(
        ForeignKey("retailer.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class ServiceSetting(Base):
    """Values the service makes for itself and every process must share (e.g. the pseudonym
    key), kept in the database so that workers, the CLI and restarts agree."""

    __tablename__ = "service_setting"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
