"""The integration page: its users, their one-time password links, LucidRetail's polls.

Three new tables, nothing existing changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column(
            "retailer_id",
            sa.String(100),
            sa.ForeignKey("retailer.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "password_link",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("web_user.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "poll_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "retailer_id",
            sa.String(100),
            sa.ForeignKey("retailer.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("polled_at", sa.DateTime, nullable=False),
        sa.Column("start_date", sa.String(64), nullable=True),
        sa.Column("end_date", sa.String(64), nullable=True),
        sa.Column("transactions", sa.Integer, nullable=True),
        sa.Column("status", sa.Integer, nullable=False),
    )
    op.create_index("ix_poll_record_retailer", "poll_record", ["retailer_id", "polled_at"])


def downgrade() -> None:
    op.drop_index("ix_poll_record_retailer", table_name="poll_record")
    for table in ("poll_record", "password_link", "web_user"):
        op.drop_table(table)
