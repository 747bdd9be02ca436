"""Baseline: release f8a907a's schema.

f8a907a was the last release whose schema ``create_all`` made. The tables are a frozen copy
of that release's models (never import the live models here: they move on, this revision
must not). ``pos_transactions.schema`` also compares a database without a recorded revision
against `baseline_metadata` to recognise that release's schema before stamping it.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CASCADE = {"ondelete": "CASCADE"}


def baseline_metadata() -> sa.MetaData:
    """The tables exactly as f8a907a's models declared them, columns in their order."""
    metadata = sa.MetaData()
    sa.Table(
        "retailer",
        metadata,
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("adapter", sa.String(100), nullable=False),
        sa.Column("adapter_options", sa.JSON, nullable=False),
    )
    sa.Table(
        "credential",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("secret_hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("retailer_id", sa.String(100), sa.ForeignKey("retailer.id", **CASCADE),
                  nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    sa.Table(
        "sale",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("retailer_id", sa.String(100), sa.ForeignKey("retailer.id", **CASCADE),
                  nullable=False),
        sa.Column("native_id", sa.String(200), nullable=False),
        sa.Column("transaction_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("transacted_on", sa.DateTime, nullable=True),
        sa.Column("consumer_id", sa.String(36), nullable=True),
        sa.Column("budtender_id", sa.String(36), nullable=True),
        sa.Column("lines", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("reported", sa.Boolean, nullable=False),
        sa.Column("feed_json", sa.Text, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("retailer_id", "native_id"),
        sa.Index("ix_sale_feed", "retailer_id", "reported", "transacted_on", "transaction_id"),
    )
    sa.Table(
        "feed_day",
        metadata,
        sa.Column("retailer_id", sa.String(100), sa.ForeignKey("retailer.id", **CASCADE),
                  primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=True),
    )
    sa.Table(
        "service_setting",
        metadata,
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    sa.Table(
        "lucid_connection",
        metadata,
        sa.Column("retailer_id", sa.String(100), sa.ForeignKey("retailer.id", **CASCADE),
                  primary_key=True),
        sa.Column("base_url", sa.String(300), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=True),
        sa.Column("client_secret", sa.Text, nullable=True),
        sa.Column("access_token", sa.Text, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    sa.Table(
        "lucid_registry",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("retailer_id", sa.String(100), sa.ForeignKey("retailer.id", **CASCADE),
                  nullable=False),
        sa.Column("package_uid", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("lucid_id", sa.String(22), nullable=False),
        sa.Column("export_date", sa.Date, nullable=True),
        sa.Column("synced_at", sa.DateTime, nullable=False),
        sa.Index("ix_lucid_registry_lucid_id", "lucid_id"),
        sa.Index("ix_lucid_registry_retailer", "retailer_id", "lucid_id"),
    )
    return metadata


def upgrade() -> None:
    # create_all on the frozen copy emits the very DDL f8a907a's create_all did.
    baseline_metadata().create_all(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        # A cached day is read far more often than written: stored uncompressed, out of line.
        op.execute("ALTER TABLE feed_day ALTER COLUMN document SET STORAGE EXTERNAL")


def downgrade() -> None:
    baseline_metadata().drop_all(op.get_bind())
