"""INSERT ... ON CONFLICT for the two databases the app runs on (no Flask imports).

Both PostgreSQL and SQLite (3.24 and later) take the same `on_conflict_do_nothing()` and
`on_conflict_do_update()`; this picks the dialect's construct for the connection in use, so a
duplicate submit or a counter bump is one atomic statement instead of a check then an insert
that races another request.
"""

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_for(bind: Session | scoped_session | Connection, table: Table):
    """`insert(table)` with ON CONFLICT support for the database `bind` talks to."""
    name = bind.dialect.name if isinstance(bind, Connection) else bind.get_bind().dialect.name
    try:
        return INSERTS[name](table)
    except KeyError:
        raise RuntimeError(f"Unsupported database {name!r}: use PostgreSQL or SQLite") from None
