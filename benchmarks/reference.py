"""The benchmark's reference: the feed built at read time by one SQLite statement.

This is the best read-time design the issue measured: SQLite filters the window, unpacks
each sale's stored lines, counts the items, gathers the LucidIDs and writes the JSON object
itself (`json_object`, `json_group_array`); Python only joins the rows and streams them.
It reads the same `sale` rows as the service but ignores the pre-built `feed_json`, so the
two differ only in when the JSON is made.  It uses the service's index (and its `reported`
flag) to find the window, which favours the reference, not the service.

Served by gunicorn like the service, from the repository's root:
``REFERENCE_DATABASE=path gunicorn benchmarks.reference:app``, then
``GET /?retailer=ID&start=YYYY-MM-DD HH:MM:SS.ffffff&end=...`` (both bounds inclusive,
naive UTC as the service stores them).
"""

import os
import sqlite3
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qs

CHUNK_ROWS = 1000

# Times are stored as 'YYYY-MM-DD HH:MM:SS.ffffff'; the feed shows microseconds only when
# there are any.
FEED_SQL = """
SELECT json_object(
    'transacted_on',
        CASE WHEN substr(s.transacted_on, 21) = '000000'
             THEN replace(substr(s.transacted_on, 1, 19), ' ', 'T')
             ELSE replace(s.transacted_on, ' ', 'T') END || 'Z',
    'items', json((
        SELECT json_group_array(lucid_id) FROM (
            SELECT id.value AS lucid_id
            FROM json_each(s.lines) AS line, json_each(line.value, '$.lucid_ids') AS id
            GROUP BY id.value
            ORDER BY min(line.key * 100000 + id.key)))),
    'total_items_count', (
        SELECT sum(max(
            CASE WHEN CAST(json_extract(line.value, '$.quantity') AS REAL)
                      = CAST(CAST(json_extract(line.value, '$.quantity') AS REAL) AS INTEGER)
                 THEN CAST(CAST(json_extract(line.value, '$.quantity') AS REAL) AS INTEGER)
                 ELSE 1 END,
            json_array_length(line.value, '$.lucid_ids')))
        FROM json_each(s.lines) AS line),
    'transaction_id', s.transaction_id,
    'consumer_id', s.consumer_id,
    'budtender_id', s.budtender_id)
FROM sale AS s
WHERE s.retailer_id = ? AND s.reported = 1 AND s.transacted_on BETWEEN ? AND ?
ORDER BY s.transacted_on, s.transaction_id
"""


def feed_chunks(connection: sqlite3.Connection, retailer_id: str, start: str, end: str):
    """The feed document in chunks; the statement runs before the first chunk."""
    cursor = connection.execute(FEED_SQL, (retailer_id, start, end))
    return json_array_chunks(cursor)


def json_array_chunks(cursor) -> Iterator[bytes]:
    """A JSON array of the cursor's one-column rows (each a JSON object), in chunks."""
    yield b"["
    separator = ""
    while rows := cursor.fetchmany(CHUNK_ROWS):
        yield (separator + ",".join(row[0] for row in rows)).encode()
        separator = ","
    yield b"]"


def app(environ: dict, start_response) -> Iterable[bytes]:
    query = {name: values[0] for name, values in parse_qs(environ["QUERY_STRING"]).items()}
    connection = sqlite3.connect(os.environ["REFERENCE_DATABASE"], check_same_thread=False)
    try:
        chunks = feed_chunks(connection, query["retailer"], query["start"], query["end"])
    except (KeyError, sqlite3.Error):
        connection.close()
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"retailer, start and end are required"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return _closing(chunks, connection)


def _closing(chunks: Iterator[bytes], connection: sqlite3.Connection) -> Iterator[bytes]:
    try:
        yield from chunks
    finally:
        connection.close()
