"""Tables for what LucidRetail's Receive-Case webhook delivered, per retailer.

Declared on the service's one `Base` (migration 0003 makes them).  Every row belongs to a
retailer (tenancy): a case, a LucidID or a catalog entry of one retailer is never another's.
JSON kept for re-reading is stored as ASCII text (``json.dumps``), which every database
accepts whatever the document held; the raw delivery is kept as the bytes that arrived.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base

UUID_LENGTH = 22


class ReceivedCaseRow(Base):
    """A case LucidRetail delivered, or a sub-case inside one (`root_uuid` is the delivered
    case).  `received_at` is the first delivery, `updated_at` the latest."""

    __tablename__ = "received_case"
    __table_args__ = (
        UniqueConstraint("retailer_id", "case_uuid"),
        Index("ix_received_case_recent", "retailer_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[str] = mapped_column(ForeignKey("retailer.id", ondelete="CASCADE"))
    case_uuid: Mapped[str] = mapped_column(String(UUID_LENGTH))
    root_uuid: Mapped[str] = mapped_column(String(UUID_LENGTH))
    parent_uuid: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    identifier: Mapped[str | None] = mapped_column(String(200))
    regulator_ids: Mapped[str] = mapped_column(Text)  # JSON: [{"uuid", "identifier", "added_on"}]
    metrc_ids: Mapped[str] = mapped_column(Text)  # JSON: the collected current METRC ids
    lucid_ids: Mapped[int]  # LucidIDs in this case and its sub-cases
    received_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReceivedItemRow(Base):
    """A LucidID received in a case: one row per retailer and LucidID, the latest delivery
    naming it wins (an item is in one case at a time)."""

    __tablename__ = "received_item"
    __table_args__ = (
        UniqueConstraint("retailer_id", "lucid_id"),
        Index("ix_received_item_lucid_id", "lucid_id"),
        Index("ix_received_item_root", "retailer_id", "root_uuid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[str] = mapped_column(ForeignKey("retailer.id", ondelete="CASCADE"))
    lucid_id: Mapped[str] = mapped_column(String(UUID_LENGTH))
    case_uuid: Mapped[str] = mapped_column(String(UUID_LENGTH))
    root_uuid: Mapped[str] = mapped_column(String(UUID_LENGTH))
    metrc_id: Mapped[str | None] = mapped_column(String(200))
    brand_uuid: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    product_uuid: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    batch_uuid: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    received_at: Mapped[datetime]


class CatalogRow(Base):
    """A brand, product or batch, keyed by its Lucid Green uuid; the newest delivery wins."""

    __tablename__ = "lucid_catalog"

    retailer_id: Mapped[str] = mapped_column(
        ForeignKey("retailer.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # brand, product, batch
    uuid: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text)  # JSON: the entry as LucidRetail sent it
    updated_at: Mapped[datetime]


class CaseDelivery(Base):
    """One POST to the webhook as it arrived, accepted or refused, kept for re-processing.
    Each is at most the body limit; `storage.KEEP_DELIVERIES` per retailer are kept."""

    __tablename__ = "case_delivery"
    __table_args__ = (Index("ix_case_delivery_retailer", "retailer_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[str] = mapped_column(ForeignKey("retailer.id", ondelete="CASCADE"))
    received_at: Mapped[datetime]
    status: Mapped[int]  # what we answered: 201, or 400
    case_uuid: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    problems: Mapped[str | None] = mapped_column(Text)  # JSON: the 400's problems
