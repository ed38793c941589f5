"""Querysets the ORM compiles once, then sent again with each request's own values.

A page miss asks the same few queries every time with other values (the blog, the moment,
the address, the words searched for). Django builds and compiles a queryset afresh on every
request: 1 to 1.5 ms of CPU on the benchmark machine for SQL that runs in a quarter of that.
Here the ORM compiles the query once, with probe values standing where the real ones go
(values no request sends), and each request sends that SQL with its own values, planned once
per connection on PostgreSQL (`core.planned`), and reads the rows back as the ORM does: its
converters, the related rows joined in, the annotations set. So a page is the same page
either way. Which querysets, and their probes, are the callers' (`reader.prepared`,
`search.queries`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateTimeField, Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # not in the stubs
    ModelIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler

from broadsheet.core.planned import planned_once


@dataclass(frozen=True)
class Compiled:
    compiler: SQLCompiler  # kept for its converters, which it applies
    sql: str
    params: list[Any]  # the probes' values; `slots` says which of them are inputs
    slots: dict[int, int]  # position in `params` -> index of the input
    converters: dict[int, Any]
    model: type[Model] | None  # None for a values query: rows, no objects
    init_list: list[str]
    start: int
    end: int
    populators: list[Any]


def compile_once(
    rows: QuerySet[Any, Any], probes: list[Any], db: BaseDatabaseWrapper
) -> Compiled | None:
    """`rows`, built with `probes` where each request's inputs go, compiled for `db`; None
    when some probe is not found among the query's values (the ORM is asked then)."""
    compiler = rows.query.get_compiler(connection=db)
    sql, params = compiler.as_sql()
    sent = [adapt(probe, db) for probe in probes]
    slots = {at: sent.index(value) for at, value in enumerate(params) if value in sent}
    if set(slots.values()) != set(range(len(sent))):  # each input somewhere in the query
        return None
    # What ModelIterable reads from the compiler to build each object and its joined rows.
    select, info = compiler.select, compiler.klass_info
    converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
    if info is None or rows._iterable_class is not ModelIterable:  # a values query
        return Compiled(compiler, str(sql), list(params), slots, converters, None, [], 0, 0, [])
    fields = info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(info, select, compiler.using)
    model = rows.model
    return Compiled(
        compiler,
        str(sql),
        list(params),
        slots,
        converters,
        model,
        init_list,
        start,
        end,
        populators,
    )


_MOMENT: DateTimeField[Any, Any] = DateTimeField()


def adapt(value: Any, db: BaseDatabaseWrapper) -> Any:
    """A value as the ORM sends it in a lookup (a moment as a date-time field sends it)."""
    if isinstance(value, dt.datetime):
        return _MOMENT.get_db_prep_value(value, db)
    return value


def bound(compiled: Compiled, inputs: list[Any], db: BaseDatabaseWrapper) -> list[Any]:
    """The values `compiled.sql` is sent with for `inputs`: its probes' places filled."""
    params = list(compiled.params)
    for position, index in compiled.slots.items():
        params[position] = adapt(inputs[index], db)
    return params


def fetch(
    compiled: Compiled, inputs: list[Any], db: BaseDatabaseWrapper, planned: bool = True
) -> list[Any]:
    """The query's rows for `inputs`, as the database sends them. `planned=False` for a
    query whose best plan depends on the values (`planned_once` would come to keep one)."""
    with planned_once(db) if planned else db.cursor() as cursor:
        cursor.execute(compiled.sql, bound(compiled, inputs, db))
        return cursor.fetchall()


def values(
    compiled: Compiled, inputs: list[Any], db: BaseDatabaseWrapper, planned: bool = True
) -> list[Any]:
    """The rows of a values query for `inputs`, converted as the ORM converts them."""
    found = fetch(compiled, inputs, db, planned)
    if compiled.converters:
        found = list(compiled.compiler.apply_converters(found, compiled.converters))
    return found


def objects(
    compiled: Compiled, inputs: list[Any], db: BaseDatabaseWrapper, planned: bool = True
) -> list[Any]:
    """The objects of a model query for `inputs`, with their joined rows and annotations."""
    assert compiled.model is not None, "a values query: `values`"
    rows = values(compiled, inputs, db, planned)
    made = []
    annotations = compiled.compiler.annotation_col_map.items()
    for row in rows:
        one = compiled.model.from_db(
            db.alias, compiled.init_list, row[compiled.start : compiled.end]
        )
        for populator in compiled.populators:
            populator.populate(row, one)
        for name, at in annotations:  # as the ORM sets them
            setattr(one, name, row[at])
        made.append(one)
    return made
