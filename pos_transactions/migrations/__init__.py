"""The schema's Alembic migrations, shipped inside the package so an installed wheel can
upgrade its own database (`pos_transactions.schema` runs them; no alembic.ini needed)."""
