"""The tallies' and stamps' triggers, out of the way of migrations and put back after them.

SQLite can alter little of a table in place: Django's schema editor copies the table into a
new one, drops the old and renames the new. With the triggers of `posts.tallies` and
`posts.stamps` in place, a later migration altering posts would fail on SQLite (a trigger on
the labels names the posts table while it is gone), and one altering profiles or users would
drop their triggers with the old table, leaving the sidebar reading tallies nothing keeps:
wrong counts and gadgets never drawn again, without an error anywhere.

So a `migrate` that has migrations to run first drops both sets of triggers, and after every
`migrate` they are looked for by name: if one is missing, its set is made again and what it
keeps is counted afresh (a few hundred milliseconds at 100,000 posts, once per upgrade).

Higher layers keep triggers on these tables too (the static export's change log): they
register them here at start-up (`keep`), and get the same treatment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from broadsheet.posts import stamps, tallies

# The tables that must exist before there is anything to keep (the migrations that make them).
NEEDED = {"posts_daytally", "posts_labeltally", "posts_tallystamp"}


@dataclass(frozen=True)
class Kept:
    """A set of triggers a higher layer keeps on tables a migration may rebuild."""

    name: str
    names: Callable[[], set[str]]
    install: Callable[[BaseDatabaseWrapper], None]  # makes them again and mends their data
    uninstall: Callable[[BaseDatabaseWrapper], None]
    tables: frozenset[str]  # made by the migrations that must have run before they can be


_KEPT: list[Kept] = []


def keep(kept: Kept) -> None:
    """Register a set of triggers (an app's `ready`) to be taken out of migrations' way."""
    if kept not in _KEPT:
        _KEPT.append(kept)


def _kept_made(connection: BaseDatabaseWrapper) -> list[Kept]:
    tables = set(connection.introspection.table_names())
    return [kept for kept in _KEPT if kept.tables <= tables]


def present(connection: BaseDatabaseWrapper) -> set[str]:
    """The names of the database's own triggers."""
    if connection.vendor == "postgresql":
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {name for (name,) in cursor.fetchall()}


def _made(connection: BaseDatabaseWrapper) -> bool:
    return set(connection.introspection.table_names()).issuperset(NEEDED)


def repair(connection: BaseDatabaseWrapper) -> list[str]:
    """Make missing triggers again; the names of the sets that were repaired."""
    if not _made(connection):
        return []  # migrated back past the tallies, or not yet to them
    found, repaired = present(connection), []
    if not tallies.trigger_names(connection.vendor) <= found:
        tallies.install(connection)  # recounts every tally
        repaired.append("tallies")
    if repaired or not stamps.trigger_names() <= found:
        stamps.install(connection)
        stamps.move_all(connection)  # every gadget drawn again from what is there now
        repaired.append("stamps")
    return repaired + _repair_kept(connection, found)


def _repair_kept(connection: BaseDatabaseWrapper, found: set[str]) -> list[str]:
    repaired = []
    for kept in _kept_made(connection):
        if not kept.names() <= found:
            kept.install(connection)
            repaired.append(kept.name)
    return repaired


def before_migrate(plan: list[object] | None = None, using: str = "default", **_: object) -> None:
    """`pre_migrate` receiver (`PostsConfig.ready`): nothing to do if nothing will migrate."""
    connection = connections[using]
    if not plan:
        return
    with transaction.atomic(using=using):
        if _made(connection):
            tallies.uninstall(connection)
            stamps.uninstall(connection)
        for kept in _kept_made(connection):
            kept.uninstall(connection)


def after_migrate(using: str = "default", **_: object) -> None:
    """`post_migrate` receiver (`PostsConfig.ready`)."""
    with transaction.atomic(using=using):
        repair(connections[using])


def row_trigger(vendor: str, name: str, table: str, event: str, when: str, body: str) -> list[str]:
    """The statements that make trigger `name`, running `body` (statements, each ending in
    `;`) after each row `event` on `table` when `when` holds (always, if ""): inline on
    SQLite, a function and the trigger calling it on PostgreSQL. Comparisons are written as
    PostgreSQL's `IS DISTINCT FROM`, which SQLite spells `IS NOT`."""
    if vendor != "postgresql":
        sqlite_when = f"WHEN {when} " if when else ""
        return [
            (
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {sqlite_when}"
                f"BEGIN {body} END"
            ).replace("IS DISTINCT FROM", "IS NOT")
        ]
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
        + (f"WHEN ({when}) " if when else "")
        + f"EXECUTE FUNCTION {name}()",
    ]


def drop_row_triggers(vendor: str, named: Iterable[tuple[str, str]]) -> list[str]:
    """The statements that drop the triggers (name, table) `row_trigger` made, if there."""
    if vendor != "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name}" for name, _ in named]
    return [
        statement
        for name, table in named
        for statement in (
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"DROP FUNCTION IF EXISTS {name}()",
        )
    ]
