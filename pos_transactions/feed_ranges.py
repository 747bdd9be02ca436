"""Reading a range of the feed index: the statements, their pages, one snapshot.

A range is a retailer's feed objects from one instant to another, in feed order, read from
`ix_sale_feed` alone (its entries hold the objects) merged with `ix_sale_feed_outsized`
(objects too big for an index entry; nearly always none).  Each condition on `reported`
and the object's size is the index's own text, so that both databases see that the
partial indexes cover the query.  Statements are built once with bound parameters:
SQLAlchemy then compiles them once per process, not once per poll.

How a range is read follows each database.  SQLite steps through a statement's rows as
they are fetched, and one statement reads one snapshot: a range is one statement whatever
its length.  PostgreSQL's driver receives a statement's whole result before the first row
(a busy store's day is 12 MiB), and a server-side cursor needs a transaction and costs
round trips: a range is read in keyset pages of `PAGE_ROWS` objects instead, each one
short statement, the pages after the first from one snapshot.
"""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Connection, Integer, and_, bindparam, or_, select, text, union_all

from .models import INDEXED_FEED_OBJECT, OUTSIZED_FEED_OBJECT, Sale

PAGE_ROWS = 1000  # objects a page of a range holds, and a chunk of the response


def _statement(end_inclusive: bool, first: bool, paged: bool):
    """Feed objects of a range, in feed order, with their order keys: all of them, or the
    first page (`first`) or the page after (`after_on`, `after_id`) of `page_size`."""
    end = bindparam("end")
    until = Sale.transacted_on <= end if end_inclusive else Sale.transacted_on < end
    if first:
        since = Sale.transacted_on >= bindparam("start")
    else:  # seek to the last instant served, skip what was served at it
        after_on, after_id = bindparam("after_on"), bindparam("after_id")
        since = and_(
            Sale.transacted_on >= after_on,
            or_(Sale.transacted_on > after_on, Sale.transaction_id > after_id),
        )
    order = (Sale.transacted_on, Sale.transaction_id)
    page_size = bindparam("page_size", type_=Integer)

    def part(kept_where: str):
        chosen = select(Sale.feed_json, *order).where(
            Sale.retailer_id == bindparam("retailer_id"), text(kept_where), since, until
        )
        if not paged:
            return chosen
        return select(*chosen.order_by(*order).limit(page_size).subquery().c)

    merged = union_all(part(INDEXED_FEED_OBJECT), part(OUTSIZED_FEED_OBJECT))
    merged = merged.order_by(text("2, 3"))
    return merged.limit(page_size) if paged else merged


_WHOLE = {inclusive: _statement(inclusive, True, paged=False) for inclusive in (False, True)}
_PAGES = {
    (inclusive, first): _statement(inclusive, first, paged=True)
    for inclusive in (False, True)
    for first in (False, True)
}


def range_query(
    dialect: str, retailer_id: str, start: datetime, end: datetime, end_inclusive: bool
):
    """The statement that reads the range on `dialect` (its first page on PostgreSQL),
    and its parameters."""
    parameters = {"retailer_id": retailer_id, "start": start, "end": end, "page_size": PAGE_ROWS}
    if dialect == "sqlite":
        return _WHOLE[end_inclusive], parameters
    return _PAGES[end_inclusive, True], parameters


def read_range(
    connection: Connection,
    retailer_id: str,
    start: datetime,
    end: datetime,
    end_inclusive: bool,
    in_snapshot: bool = False,
) -> Iterator[list[str]]:
    """The range's feed objects, at most `PAGE_ROWS` at a time; the first statement runs
    before this returns, the rest as the caller gets to them.

    On PostgreSQL a range of one page (the daily poll) is one statement outside any
    transaction; a longer one is read again from its start inside one snapshot
    (`hold_snapshot`) unless the caller holds one already (`in_snapshot`), so that a sale
    changed while it is sent (moved to a later time, say) is sent once, as it was.
    """
    dialect = connection.dialect.name
    statement, parameters = range_query(dialect, retailer_id, start, end, end_inclusive)
    if dialect == "sqlite":
        rows = connection.execute(statement, parameters).scalars()
        return (list(objects) for objects in rows.partitions(PAGE_ROWS))
    page = connection.execute(statement, parameters).all()
    if len(page) == parameters["page_size"] and not in_snapshot:
        hold_snapshot(connection)
        page = connection.execute(statement, parameters).all()
    return _pages(connection, page, parameters, end_inclusive)


def hold_snapshot(connection: Connection) -> None:
    """Read what follows on `connection` from one snapshot of the database, until the
    connection is given back (which rolls the read-only transaction back)."""
    connection.commit()  # end what the connection began, if anything (a reader: nothing)
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ")
    else:  # SQLite's driver begins no transaction for a SELECT: WAL's snapshot needs one
        connection.exec_driver_sql("BEGIN")


def _pages(connection: Connection, page: list, parameters: dict, end_inclusive: bool):
    while page:
        yield [row[0] for row in page]
        if len(page) < parameters["page_size"]:
            return
        _, after_on, after_id = page[-1]
        parameters = parameters | {"after_on": after_on, "after_id": after_id}
        page = connection.execute(_PAGES[end_inclusive, False], parameters).all()
