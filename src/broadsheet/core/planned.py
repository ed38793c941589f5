"""Statements that every request sends again with other values, planned once per connection."""

from __future__ import annotations

import functools
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def planned_once(db: BaseDatabaseWrapper) -> Any:
    """A cursor for SQL that every miss sends again with other values: on PostgreSQL one that
    sends the values apart from the SQL, so that psycopg prepares the statement once it has
    run a few times on the connection (`prepare_threshold`, 5) and the server plans it once
    per connection, not once per request. Django's cursors write the values into the SQL, so
    each request was parsed and planned afresh: about a third of the server's CPU time on a
    label page's miss at 100,000 posts (bench/RESULTS.md, issue 20, session 11). Settings
    turn psycopg's preparing on (`BROADSHEET_DB_PREPARED`, Django turns it off); with it off
    (PgBouncer older than 1.21 in transaction mode) nothing is prepared. Elsewhere, Django's
    own cursor."""
    if db.vendor != "postgresql":
        return db.cursor()
    db.ensure_connection()
    raw = db.connection
    made_by = raw.cursor_factory
    raw.cursor_factory = _cursor_class()  # Django's own cursor path, this one class swapped
    try:
        return db.cursor()
    finally:
        raw.cursor_factory = made_by


@functools.cache
def _cursor_class() -> type:
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]  # not in the stubs
        ServerBindingCursor,
    )

    class PlannedCursor(ServerBindingCursor):
        """psycopg's cursor that sends the values apart, keeping the statement it sent once it
        is prepared as it keeps one it sends whole: Django's record of the queries
        (`connection.queries`, the tests' `CaptureQueriesContext`) reads it there, and had no
        text for a prepared one."""

        def _send_query_prepared(self, name: bytes, pgq: Any, **kwargs: Any) -> None:
            self._query = pgq
            super()._send_query_prepared(name, pgq, **kwargs)

    return PlannedCursor
