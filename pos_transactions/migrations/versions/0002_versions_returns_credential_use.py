"""Record versions, returns, and credentials a person can rotate.

``sale.modified_at`` (when the POS last changed the record; naive UTC like every stored
time) orders versions of one sale; ``sale.original_id`` is the native id of the sale a
return takes back.  ``credential.label`` names who holds a credential and
``credential.last_used_at`` when it last authenticated (to the minute).  Every new column
is nullable, so existing rows keep their meaning: a sale without a version, a credential
never seen in use since the upgrade.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None



def new_columns() -> dict[str, list[sa.Column]]:
    """The columns this revision adds, by table (fresh objects: a Column joins one table)."""
    return {
        "sale": [
            sa.Column("modified_at", sa.DateTime, nullable=True),
            sa.Column("original_id", sa.String(200), nullable=True),
        ],
        "credential": [
            sa.Column("label", sa.String(200), nullable=True),
            sa.Column("last_used_at", sa.DateTime, nullable=True),
        ],
    }


def upgrade() -> None:
    for table, columns in new_columns().items():
        for column in columns:
            op.add_column(table, column)


def downgrade() -> None:
    # SQLite cannot drop a column in place on every version: batch mode copies the table.
    for table, columns in new_columns().items():
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns):
                batch.drop_column(column.name)
