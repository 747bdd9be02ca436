"""The WSGI entry point: ``gunicorn wsgi:app``."""

from pos_transactions import create_app

app = create_app()
