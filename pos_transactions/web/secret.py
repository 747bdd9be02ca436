"""The key that signs session cookies: ``POS_TRANSACTIONS_SECRET_KEY``, or one made once and
kept in the database (like the pseudonym key) so every worker and restart agrees."""

import os
import secrets

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from ..models import ServiceSetting

SECRET_SETTING = "session_secret_key"
ENVIRONMENT_VARIABLE = "POS_TRANSACTIONS_SECRET_KEY"


def stored_secret_key(engine: Engine) -> str:
    """The database's key, made now if there is none (a racing process's wins)."""
    for _attempt in range(2):
        with Session(engine) as session:
            setting = session.get(ServiceSetting, SECRET_SETTING)
            if setting is not None:
                return setting.value
            session.add(ServiceSetting(name=SECRET_SETTING, value=secrets.token_urlsafe(48)))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
    raise RuntimeError("the session key could not be stored")


def load_secret_key(app: Flask, engine: Engine) -> None:
    """Set ``SECRET_KEY`` unless configured; a database not ready yet leaves it unset, and
    `ensure_secret_key` tries again on the next page request."""
    if app.config.get("SECRET_KEY"):
        return
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if from_environment:
        app.config["SECRET_KEY"] = from_environment
        return
    try:
        app.config["SECRET_KEY"] = stored_secret_key(engine)
    except (OperationalError, ProgrammingError):
        pass
