"""The feed index holds the feed: a poll nobody made before reads a few index pages.

``ix_sale_feed`` becomes a partial index of reported sales keyed by retailer and feed order
that also holds each sale's ``feed_json``, so a retailer's window is read index-only, its
rows together however the table interleaves retailers.  Objects too big for an index entry
are found through ``ix_sale_feed_outsized``.  ``feed_day.document`` goes: a day's document
written by the first poll of a day was almost never read again (each retailer is polled
once a day); workers keep the days asked for again in memory instead.

Building the index reads the whole ``sale`` table once and holds writes to it meanwhile
(README → Upgrading gives the time per million sales).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Written out here, not imported from models: a migration keeps meaning what it meant.
INDEXED = "reported AND length(feed_json) <= 2000"
OUTSIZED = "reported AND length(feed_json) > 2000"
FEED_ORDER = ["retailer_id", "transacted_on", "transaction_id"]


def _partial(condition: str) -> dict:
    return {"sqlite_where": sa.text(condition), "postgresql_where": sa.text(condition)}


def upgrade() -> None:
    op.drop_index("ix_sale_feed", table_name="sale")
    op.create_index(
        "ix_sale_feed", "sale", [*FEED_ORDER, "feed_json", "reported"], **_partial(INDEXED)
    )
    op.create_index("ix_sale_feed_outsized", "sale", FEED_ORDER, **_partial(OUTSIZED))
    with op.batch_alter_table("feed_day") as batch:
        batch.drop_column("document")


def downgrade() -> None:
    with op.batch_alter_table("feed_day") as batch:
        batch.add_column(sa.Column("document", sa.Text, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE feed_day ALTER COLUMN document SET STORAGE EXTERNAL")
    op.drop_index("ix_sale_feed_outsized", table_name="sale")
    op.drop_index("ix_sale_feed", table_name="sale")
    op.create_index(
        "ix_sale_feed", "sale", ["retailer_id", "reported", "transacted_on", "transaction_id"]
    )
