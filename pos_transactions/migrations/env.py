"""Alembic's environment: migrations run on the connection `pos_transactions.schema` hands
over (inside its transaction and lock), against the models' metadata for autogenerate."""

from alembic import context

from pos_transactions.lucid import models as _lucid_models  # noqa: F401  (registers the tables)
from pos_transactions.models import Base
from pos_transactions.web import models as _web_models  # noqa: F401  (registers the tables)
from pos_transactions.webhook import models as _webhook_models  # noqa: F401  (registers the tables)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
