"""``pos-transactions create-user``: a person of a retailer, and the link to set a password."""

import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import new_session
from ..stores import UnknownRetailer
from .users import LINK_LIFETIME, UserError, create_user, issue_link


@click.command("create-user")
@click.argument("retailer_id")
@click.argument("email")
@with_appcontext
def create_user_command(retailer_id: str, email: str) -> None:
    """Make a user of the integration page and print a one-time link to set its password."""
    with new_session() as session, session.begin():
        try:
            user = create_user(session, retailer_id, email)
        except (UnknownRetailer, UserError) as error:
            raise click.ClickException(str(error)) from None
        token = issue_link(session, user)
        email = user.email
    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://localhost:8000/").rstrip("/")
    hours = int(LINK_LIFETIME.total_seconds() // 3600)
    click.echo(f"Created {email} for {retailer_id}. Send them this link (good once, "
               f"for {hours} hours) to set a password:", err=True)
    click.echo(f"{base}/set-password?token={token}")
