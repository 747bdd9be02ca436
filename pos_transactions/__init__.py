"""pos-transactions: the 3PP service that serves a POS's sales to LucidGreen's LucidRetail."""

import os

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: configuration from the environment (or `test_config`), the
    database made ready, the API and its error handlers registered."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    from .config import settings_from_environment

    app.config.from_mapping(settings_from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False

    from . import api, auth, db, errors, hardening, health, observability, openapi, throttle, web
    from .webhook import views as webhook_views

    db.init_app(app)
    errors.init_app(app)
    observability.init_app(app)
    hardening.init_app(app)
    auth.init_app(app)
    throttle.init_app(app)
    health.init_app(app)
    app.register_blueprint(api.api, url_prefix="/api/v1")
    app.register_blueprint(webhook_views.cases, url_prefix="/api/v1")
    web.init_app(app)  # after the API: exempts it from CSRF
    openapi.init_app(app)
    return app
