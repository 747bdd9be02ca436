"""The schema's Alembic migrations, shipped inside the package so an installed wheel can
upgrade its own database (`pos_transactions.schema` runs them; no alembic.ini needed).

To change the schema: change the models, then add ``versions/NNNN_what.py`` (the next
number; `script.py.mako` is the template, ``down_revision`` the current head) with
``upgrade`` and ``downgrade`` written with ``alembic.op``. Alembic can draft it from the
difference between the models and a database at head::

    from alembic import command
    from pos_transactions.db import make_engine
    from pos_transactions.schema import alembic_config, heads
    with make_engine(URL).connect() as connection:
        command.revision(alembic_config(connection), "what", autogenerate=True,
                         rev_id=f"{int(heads()[0]) + 1:04d}")

tests/test_migrations.py checks that the models and the migrations agree and that every
migration goes down and up again, on SQLite and PostgreSQL.
"""
