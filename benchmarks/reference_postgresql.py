"""The cold pattern's PostgreSQL reference: the feed built at read time by one statement.

The PostgreSQL twin of `reference.py`: PostgreSQL filters the window, unpacks each sale's
stored lines with `jsonb_array_elements`, counts the items, gathers the LucidIDs and writes
each object's text itself; Python only joins the rows and streams them.  `json_build_object`
would put spaces after its colons and commas, so the object is concatenated from `to_json`
values, in the service's key order and spelling: the body must be byte-for-byte the
service's.  One connection per worker process, as the service's pool keeps one.

    REFERENCE_POSTGRESQL=postgresql://... gunicorn benchmarks.reference_postgresql:app
then ``GET /?retailer=ID&start=YYYY-MM-DD HH:MM:SS.ffffff&end=...`` (both bounds inclusive,
naive UTC as the service stores them).
"""

import os
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qs

import psycopg

from benchmarks.reference import json_array_chunks

FEED_SQL = """
SELECT '{"transacted_on":"' || to_char(s.transacted_on, 'YYYY-MM-DD"T"HH24:MI:SS')
    || CASE WHEN mod(extract(microseconds FROM s.transacted_on)::bigint, 1000000) = 0 THEN ''
            ELSE to_char(s.transacted_on, '.US') END || 'Z"'
    || ',"items":' || (
        SELECT coalesce('[' || string_agg(to_json(ids.lucid_id)::text, ',' ORDER BY ids.first)
                        || ']', '[]')
        FROM (SELECT id.value AS lucid_id, min(line.n * 100000 + id.n) AS first
              FROM jsonb_array_elements(s.lines::jsonb) WITH ORDINALITY AS line(value, n),
                   jsonb_array_elements_text(line.value -> 'lucid_ids')
                       WITH ORDINALITY AS id(value, n)
              GROUP BY id.value) AS ids)
    || ',"total_items_count":' || (
        SELECT sum(greatest(CASE WHEN q.quantity = trunc(q.quantity)
                                 THEN q.quantity::bigint ELSE 1 END,
                            jsonb_array_length(line.value -> 'lucid_ids')))
        FROM jsonb_array_elements(s.lines::jsonb) AS line(value),
             LATERAL (SELECT (line.value ->> 'quantity')::numeric) AS q(quantity))::text
    || ',"transaction_id":' || to_json(s.transaction_id)::text
    || ',"consumer_id":' || coalesce(to_json(s.consumer_id)::text, 'null')
    || ',"budtender_id":' || coalesce(to_json(s.budtender_id)::text, 'null') || '}'
FROM sale AS s
WHERE s.retailer_id = %s AND s.reported
  AND s.transacted_on BETWEEN %s::timestamp AND %s::timestamp
ORDER BY s.transacted_on, s.transaction_id
"""

_connection: psycopg.Connection | None = None


def _connect() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["REFERENCE_POSTGRESQL"], autocommit=True)
    return _connection


def app(environ: dict, start_response) -> Iterable[bytes]:
    query = {name: values[0] for name, values in parse_qs(environ["QUERY_STRING"]).items()}
    try:
        cursor = _connect().execute(FEED_SQL, (query["retailer"], query["start"], query["end"]))
    except (KeyError, psycopg.Error):
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"retailer, start and end are required"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return _closing(json_array_chunks(cursor), cursor)


def _closing(chunks: Iterator[bytes], cursor: psycopg.Cursor) -> Iterator[bytes]:
    try:
        yield from chunks
    finally:
        cursor.close()
