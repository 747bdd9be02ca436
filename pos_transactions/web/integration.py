"""The integration page: what a retailer pastes into LucidRetail, its tokens, LucidRetail's
recent polls and the audit of the last week.  Every query is scoped to the signed-in
user's retailer; a credential of another retailer is "not found"."""

from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..credentials import (
    Scope,
    create_credential,
    list_credentials,
    now_utc,
    revoke_credential,
)
from ..db import new_session
from ..lucid.audit import audit_window
from ..lucid.registry import registry_size
from ..models import Credential
from ..webhook.cases import RecentCase, recent_cases
from ..window import Window
from .forms import GenerateTokenForm, LogoutForm, RevokeForm
from .polls import recent_polls, recorder_of
from .views import csrf_refused, sign_in_required, signed_in_user

integration = Blueprint("integration", __name__, template_folder="templates")
AUDIT_SPAN = timedelta(days=7)


def public_base_url() -> str:
    """Where LucidRetail reaches us: the configured base URL, else the one asked for."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return configured.rstrip("/") + "/"


def lucidretail_urls(base_url: str) -> dict[str, str]:
    return {"feed": base_url + "api/v1/transactions/", "webhook": base_url + "api/v1/cases/"}


def feed_credentials(session: Session, retailer_id: str) -> list[Credential]:
    """The retailer's LucidRetail (feed-scope) credentials, newest first."""
    listed = list_credentials(session, retailer_id)
    return [c for c in reversed(listed) if c.scope == Scope.FEED.value]


def own_live_credential(session: Session, retailer_id: str, username: str) -> Credential | None:
    """The live feed credential `username` of this retailer, or None (another retailer's
    is as unknown as one that does not exist)."""
    return session.scalar(
        select(Credential).where(
            Credential.username == username,
            Credential.retailer_id == retailer_id,
            Credential.scope == Scope.FEED.value,
            Credential.revoked_at.is_(None),
        )
    )


def last_week(now: datetime) -> Window:
    return Window(start=now - AUDIT_SPAN, end=now)


def received_cases(session: Session, retailer_id: str) -> list[RecentCase]:
    """The cases LucidRetail delivered by webhook, newest first."""
    return recent_cases(session, retailer_id)


def _page(**extra):
    user = signed_in_user()
    recorder_of(current_app).flush()  # this worker's polls, written before they are read
    with new_session() as session:
        audit = audit_window(session, user.retailer_id, last_week(now_utc()))
        context = {
            "user": user,
            "urls": lucidretail_urls(public_base_url()),
            "credentials": feed_credentials(session, user.retailer_id),
            "polls": recent_polls(session, user.retailer_id),
            "cases": received_cases(session, user.retailer_id),
            "audit": audit,
            "registry_empty": registry_size(session, user.retailer_id) == 0,
            "generate_form": GenerateTokenForm(),
            "logout_form": LogoutForm(),
            "revoke_form": RevokeForm(),
        }
    response = current_app.make_response(render_template("integration.html", **context, **extra))
    response.headers["Cache-Control"] = "no-store"  # a new token is on it once
    return response


@integration.get("/integration/")
@sign_in_required
def page():
    return _page(revoked=request.args.get("revoked"))


@integration.post("/integration/tokens")
@sign_in_required
def generate_token():
    form = GenerateTokenForm()
    if not form.validate_on_submit():
        return _page(generate_errors=form.errors), 400
    with new_session() as session, session.begin():
        made = create_credential(
            session, signed_in_user().retailer_id, Scope.FEED, (form.label.data or "").strip()
        )
    return _page(new_token=made)


@integration.route("/integration/tokens/<username>/revoke", methods=["GET", "POST"])
@sign_in_required
def revoke(username: str):
    """GET asks to confirm; POST (from that confirmation) revokes."""
    retailer_id = signed_in_user().retailer_id
    form = RevokeForm()
    with new_session() as session, session.begin():
        credential = own_live_credential(session, retailer_id, username)
        if credential is None:
            abort(404)
        confirmed = form.validate_on_submit() and form.username.data == username
        if request.method == "POST" and confirmed:
            revoke_credential(session, username)
            return current_app.redirect(url_for("integration.page", revoked=username), 303)
        form.username.data = username
        return render_template(
            "revoke.html",
            credential=credential,
            form=form,
            logout_form=LogoutForm(),
            user=signed_in_user(),
        )


integration.register_error_handler(CSRFError, csrf_refused)
