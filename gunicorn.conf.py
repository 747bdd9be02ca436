"""gunicorn's configuration, read from the working directory by ``gunicorn wsgi:app``.

The settings live in the package (`pos_transactions.gunicorn_settings`) so that
``pos-transactions demo`` serves with the same ones.
"""

from pos_transactions.gunicorn_settings import SETTINGS

globals().update(SETTINGS)  # gunicorn takes every module-level name that is a setting
