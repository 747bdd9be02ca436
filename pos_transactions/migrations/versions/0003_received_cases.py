"""Received cases: what LucidRetail's Receive-Case webhook delivered.

``received_case`` (a delivered case and its sub-cases), ``received_item`` (each LucidID
with its case and current METRC id; one row per retailer and LucidID), ``lucid_catalog``
(brands, products and batches by Lucid Green uuid) and ``case_delivery`` (every POST as it
arrived, accepted or refused, for re-processing).  New tables only: existing rows are
untouched.  Written out here, not imported from the models, so the revision never moves.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UUID = sa.String(22)


def _retailer() -> list:
    return [
        sa.Column("retailer_id", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(["retailer_id"], ["retailer.id"], ondelete="CASCADE"),
    ]


def upgrade() -> None:
    op.create_table(
        "case_delivery",
        sa.Column("id", sa.Integer, primary_key=True),
        *_retailer(),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("case_uuid", UUID, nullable=True),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("problems", sa.Text, nullable=True),
    )
    op.create_index("ix_case_delivery_retailer", "case_delivery", ["retailer_id", "id"])
    op.create_table(
        "lucid_catalog",
        *_retailer(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("uuid", UUID, nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("retailer_id", "kind", "uuid"),
    )
    op.create_table(
        "received_case",
        sa.Column("id", sa.Integer, primary_key=True),
        *_retailer(),
        sa.Column("case_uuid", UUID, nullable=False),
        sa.Column("root_uuid", UUID, nullable=False),
        sa.Column("parent_uuid", UUID, nullable=True),
        sa.Column("identifier", sa.String(200), nullable=True),
        sa.Column("regulator_ids", sa.Text, nullable=False),
        sa.Column("metrc_ids", sa.Text, nullable=False),
        sa.Column("lucid_ids", sa.Integer, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("retailer_id", "case_uuid"),
    )
    op.create_index("ix_received_case_recent", "received_case", ["retailer_id", "updated_at"])
    op.create_table(
        "received_item",
        sa.Column("id", sa.Integer, primary_key=True),
        *_retailer(),
        sa.Column("lucid_id", UUID, nullable=False),
        sa.Column("case_uuid", UUID, nullable=False),
        sa.Column("root_uuid", UUID, nullable=False),
        sa.Column("metrc_id", sa.String(200), nullable=True),
        sa.Column("brand_uuid", UUID, nullable=True),
        sa.Column("product_uuid", UUID, nullable=True),
        sa.Column("batch_uuid", UUID, nullable=True),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("retailer_id", "lucid_id"),
    )
    op.create_index("ix_received_item_lucid_id", "received_item", ["lucid_id"])
    op.create_index("ix_received_item_root", "received_item", ["retailer_id", "root_uuid"])


def downgrade() -> None:
    for table in ("received_item", "received_case", "lucid_catalog", "case_delivery"):
        op.drop_table(table)  # its indexes go with it
