"""The feed's window parameters, the Authorization header, and odd paths and methods.

The feed answers 2xx with a feed or 400 naming the parameter; a credential that is not
exactly a real one is refused (401, 429 once throttled, or 400 for one malformed); any path
or method gets a JSON answer below 500, and no redirect is built from the Host header.
"""

import base64
from urllib.parse import unquote_to_bytes, urlencode

from hypothesis import given
from hypothesis import strategies as st

from .checks import check_error, check_feed, check_not_a_server_error, json_body
from .strategies import HOSTILE, MOMENTS, any_unicode, iso, latin1_text

WINDOW_NAMES = {"start_date", "end_date", "start_datetime", "end_datetime"}
window_values = st.one_of(
    st.sampled_from(HOSTILE["window_values"]),
    MOMENTS.map(iso),
    MOMENTS.map(lambda moment: moment.date().isoformat()),
    st.dates().map(lambda day: day.isoformat()),
    st.datetimes().map(lambda moment: moment.isoformat()),
    any_unicode,
)
extremes = st.sampled_from(
    ["0001-01-01", "0001-01-01T00:00:00", "9999-12-31", "9999-12-31T23:59:59.999999"]
)
both_ends = st.tuples(extremes, extremes).map(
    lambda ends: [("start_date", min(ends)), ("end_date", max(ends))]
)  # a valid window at the edge of the calendar: its day arithmetic must not overflow
window_parameters = both_ends | st.lists(
    st.tuples(
        st.sampled_from(sorted(WINDOW_NAMES)) | st.sampled_from(HOSTILE["window_names"]),
        window_values,
    ),
    max_size=4,
)


@given(parameters=window_parameters)
def test_any_window_is_a_feed_or_a_400_naming_the_parameter(service, parameters):
    query = urlencode(parameters, errors="surrogatepass")
    response = service.feed("?" + query)
    check_not_a_server_error(response)
    if response.status_code == 400:
        assert check_error(response, {400}).get("parameter") in WINDOW_NAMES
    else:
        assert response.status_code in (200, 201), response.status_code
        check_feed(json_body(response))


def mutated(secret: str) -> st.SearchStrategy[str]:
    """Near misses of a real secret: one character more, one fewer, one changed."""
    characters = st.characters(codec="latin-1", categories=("L", "N", "P", "S"))
    return st.one_of(
        characters.map(lambda extra: secret + extra),
        st.just(secret[:-1]),
        st.just(secret[1:]),
        characters.filter(lambda char: char != secret[0]).map(lambda char: char + secret[1:]),
    )


@given(data=st.data())
def test_an_odd_or_wrong_authorization_is_refused_as_json(service, data):
    username, secret = service.username, service.secret
    header = data.draw(
        st.one_of(
            st.sampled_from(HOSTILE["authorization"]),
            st.tuples(st.sampled_from(["Token", "Bearer", "Basic", "token", ""]), latin1_text).map(
                " ".join
            ),
            st.binary(max_size=40).map(lambda raw: "Basic " + base64.b64encode(raw).decode()),
            latin1_text.map(
                lambda password: (
                    "Basic "
                    + base64.b64encode(f"{username}:{password}x".encode("latin-1")).decode()
                )
            ),
            mutated(secret).map(lambda wrong: f"Token {wrong}"),
            mutated(secret).map(lambda wrong: f"Bearer {wrong}"),
        ),
        label="Authorization",
    )
    response = service.client.get("/api/v1/transactions/", headers={"Authorization": header})
    check_error(response, {400, 401, 429})  # 400: a header that is no credential at all
    if response.status_code == 401:
        assert "Token" in response.headers.get("WWW-Authenticate", "")
    else:
        assert response.headers.get("Retry-After")


METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]
odd_paths = st.sampled_from(HOSTILE["paths"]) | st.text(
    st.characters(codec="ascii", categories=("L", "N", "P", "S")), max_size=40
).map(lambda text: "/" + text)


@given(
    method=st.sampled_from(METHODS),
    path=odd_paths,
    host=st.sampled_from([None, "evil.example"]),
    authenticated=st.booleans(),
)
def test_any_path_and_method_gets_a_json_answer_and_no_host_redirect(
    service, method, path, host, authenticated
):
    headers = dict(service.feed_headers) if authenticated else {}
    if host:
        headers["Host"] = host
    raw_path = path.split("?")[0].split("#")[0] or "/"
    response = service.client.open(
        "/",
        method=method,
        headers=headers,
        environ_overrides={"PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1")},
    )
    check_not_a_server_error(response)
    assert response.mimetype != "text/html", f"{method} {path}: {response.status_code} HTML"
    assert "evil.example" not in response.headers.get("Location", "")
    if method == "HEAD":
        return
    if response.status_code >= 400:
        check_error(response, {response.status_code})
    elif response.get_data():
        json_body(response)
