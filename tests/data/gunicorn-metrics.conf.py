# The multi-process metrics hooks, as the repository's gunicorn.conf.py wires them.
from pos_transactions.observability.gunicorn_hooks import child_exit, on_starting  # noqa: F401
