"""``POST /api/v1/cases/``: LucidRetail delivers a received case (see docs/lucidretail.md).

LucidRetail calls it with the token it polls the feed with, so a ``feed`` credential may
call it; so may an ``ingest`` one (a POS or QA replaying a case).  The raw body is kept
whatever happens to it once it has been read within the size limit; a refused document is
a 400 in LucidGreen's own error style, ``{"<field>": ["message"]}``, next to our usual
``error`` and ``status``.
"""

from flask import Blueprint, current_app, request

from ..auth import auth, current_retailer_id
from ..credentials import Scope
from ..db import new_session
from ..errors import error_response
from ..json_body import BodyError, parse_strict_json, read_body
from ..write_retry import write_attempts
from .document import InvalidCase, parse_case
from .storage import keep_delivery, store_case

cases = Blueprint("cases", __name__)
ONE_CASE = "a JSON object: one case"


@cases.post("/cases/")
@cases.post("/cases")
@auth.login_required(role=[Scope.FEED.value, Scope.INGEST.value])
def receive_case():
    """Store a delivered case, all or nothing; answer what was stored."""
    try:
        raw = read_body(request, current_app.config["MAX_CONTENT_LENGTH"])
    except BodyError as error:  # too large: nothing was read, so nothing can be kept
        return error_response(error.status, error.message)
    retailer_id = current_retailer_id()
    try:
        parsed = parse_case(parse_strict_json(raw, expected=ONE_CASE))
    except BodyError as error:
        return _refused(retailer_id, raw, {"non_field_errors": [error.message]})
    except InvalidCase as error:
        return _refused(retailer_id, raw, error.problems)
    for attempt in write_attempts():  # two deliveries of one case at once: retried
        with attempt, new_session() as session, session.begin():
            stored = store_case(session, retailer_id, parsed)
            keep_delivery(session, retailer_id, raw, 201, parsed.root.uuid)
    return {
        "uuid": stored.uuid,
        "identifier": stored.identifier,
        "lucid_ids_count": len(stored.lucid_ids),
        "lucid_ids": stored.lucid_ids,
        "regulator_ids": stored.regulator_ids,
        "sub_cases": stored.sub_cases,
        "first_delivery": stored.first_delivery,
        "ignored": list(parsed.ignored),
    }, 201


def _refused(retailer_id: str, raw: bytes, problems: dict[str, list[str]]):
    """Keep the refused delivery for re-processing, then answer 400 naming every problem."""
    with new_session() as session, session.begin():
        keep_delivery(session, retailer_id, raw, 400, problems=problems)
    count = sum(len(messages) for messages in problems.values())
    return error_response(
        400, f"{count} problem(s) in the case document; nothing was stored", **problems
    )
