"""The integration page's tables: a retailer's staff, their one-time password links, and
LucidRetail's recent polls.  Registered on the shared `Base`, made by migration 0004."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..models import Base


class WebUser(Base):
    """A person who signs in to the integration page of one retailer.  `password_hash` is
    werkzeug's scrypt hash; None until the person has used its one-time link."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    retailer_id: Mapped[str] = mapped_column(ForeignKey("retailer.id", ondelete="CASCADE"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]


class PasswordLink(Base):
    """A one-time link to set a password; only the SHA-256 of its token is kept (the token
    is 256 random bits, so a fast hash is enough), and it is good once, until `expires_at`."""

    __tablename__ = "password_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PollRecord(Base):
    """One request LucidRetail made to a retailer's feed: when, which window (as asked for),
    how many transactions it was served and the status it got.  Pruned (`polls.prune`)."""

    __tablename__ = "poll_record"
    __table_args__ = (Index("ix_poll_record_retailer", "retailer_id", "polled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[str] = mapped_column(ForeignKey("retailer.id", ondelete="CASCADE"))
    polled_at: Mapped[datetime]
    start_date: Mapped[str | None] = mapped_column(String(64))
    end_date: Mapped[str | None] = mapped_column(String(64))
    transactions: Mapped[int | None]
    status: Mapped[int]
