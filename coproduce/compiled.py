"""SQL the ORM built once, run again: for a small query asked on every page whose text and
parameters depend only on a few known values (a user's id and role, today's date, a
district).

Building a query through the ORM costs far more than running it when the query is
small and its filter rich: the menu's "Needs you" count took about 2 ms of Python to build
and 0.9 ms to run, on every coach's page. `CompiledQueries.count(key, build)` builds the
queryset once per `key` and process, keeps its SQL and parameters, and runs them each
time; `rows(key, build)` does the same for a `values_list()` queryset and gives its rows,
each value converted as the ORM would (dates on SQLite, say), and `objects(key, build)`
for a queryset of model instances, made as Django makes them (`select_related` and
annotations included). Nothing read from the database is kept: the answer is always
today's data. The rule stays where it is (the
queryset `build` returns); the key must name everything the SQL depends on, which the
caller states next to it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators


class Compiled(NamedTuple):
    """What a memo keeps per key: the database, the SQL and its parameters, and what turns
    the fetched rows into the answer (`finish(rows, connection)`). Only what that needs is
    kept (the columns' converters, the related objects' populators), not the compiler and
    its query. An empty `sql`: a queryset that can match nothing."""

    db: str
    sql: str
    params: tuple
    finish: Callable[[list[tuple], object], object] | None


class CompiledQueries:
    """A bounded, per-process memo of `key -> Compiled` (the least recently used goes
    first). One memo serves one kind of query: `count`, `rows` or `objects`."""

    def __init__(self, maxsize: int = 1024):
        self.maxsize = maxsize
        self._sql: OrderedDict[Hashable, Compiled] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, key: Hashable, build: Callable[[], QuerySet]) -> int:
        """How many rows `build()` gives, with its SQL built only the first time `key` is
        seen. `build()` must give the same SQL and parameters for the same key."""

        def compile_count(queryset: QuerySet) -> Compiled:
            sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
            counted = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608
            return Compiled(queryset.db, counted, tuple(params), _first_value)

        return self._run(key, build, compile_count, empty=0)

    def rows(self, key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
        """The rows of `build()`, a `values_list()` queryset (plain tuples, values converted
        as the ORM converts them), with its SQL built only the first time `key` is seen."""

        def compile_rows(queryset: QuerySet) -> Compiled:
            if queryset._iterable_class is not ValuesListIterable:
                raise ValueError("rows() takes a values_list() queryset, neither flat nor named.")
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()  # also sets the columns selected
            selected = _selected(compiler)

            def finish(fetched, connection):
                return [tuple(row) for row in selected(fetched, connection)]

            return Compiled(queryset.db, sql, tuple(params), finish)

        return self._run(key, build, compile_rows, empty=[])

    def objects(self, key: Hashable, build: Callable[[], QuerySet]) -> list[Model]:
        """The model instances `build()` gives, made as Django's ModelIterable makes them
        (the model's fields, `select_related` objects, annotations), with its SQL built
        only the first time `key` is seen. No prefetching, no related manager's queryset.
        A key that found nothing keeps no SQL: made-up slugs or ids in URLs take no place
        from real ones."""

        def compile_objects(queryset: QuerySet) -> Compiled:
            if (
                queryset._iterable_class is not ModelIterable
                or queryset._prefetch_related_lookups
                or queryset._known_related_objects
            ):
                raise ValueError("objects() takes a plain queryset of model instances.")
            db = queryset.db
            compiler = queryset.query.get_compiler(using=db)
            sql, params = compiler.as_sql()  # also sets select, klass_info, annotations
            klass_info, select = compiler.klass_info, compiler.select
            model, fields = klass_info["model"], klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            names = [column[0].target.attname for column in select[start:end]]
            populators = get_related_populators(klass_info, select, db)
            annotations = tuple((compiler.annotation_col_map or {}).items())
            selected = _selected(compiler)

            def finish(fetched, connection):
                made = []
                for row in selected(fetched, connection):
                    obj = model.from_db(db, names, row[start:end])
                    for populator in populators:
                        populator.populate(row, obj)
                    for name, position in annotations:
                        setattr(obj, name, row[position])
                    made.append(obj)
                return made

            return Compiled(db, sql, tuple(params), finish)

        made = self._run(key, build, compile_objects, empty=[])
        if not made:
            with self._lock:
                self._sql.pop(key, None)
        return made

    def _run(self, key, build, compile_, *, empty):
        compiled = self._compiled(key, build, compile_)
        if not compiled.sql:
            return empty
        connection = connections[compiled.db]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params)
            fetched = cursor.fetchall()
        return compiled.finish(fetched, connection)

    def _compiled(self, key, build, compile_) -> Compiled:
        with self._lock:
            compiled = self._sql.get(key)
            if compiled is not None:
                self._sql.move_to_end(key)
                return compiled
        queryset = build()
        try:
            compiled = compile_(queryset)
        except EmptyResultSet:  # `.none()` (an inactive user's clubs): nothing, ever
            compiled = Compiled(queryset.db, "", (), None)
        with self._lock:
            self._sql[key] = compiled
            while len(self._sql) > self.maxsize:
                self._sql.popitem(last=False)
        return compiled

    def clear(self) -> None:
        with self._lock:
            self._sql.clear()


def _first_value(fetched, connection):
    return fetched[0][0]


def _selected(compiler):
    """What Django's compiler does to fetched rows before they become answers, as a function
    of the rows and a connection that keeps none of the compiler: only the selected columns
    (Django may select more, to order by), each converted by the columns' converters."""
    width = compiler.col_count
    trim = compiler.has_extra_select
    converters = tuple(
        compiler.get_converters([column[0] for column in compiler.select[0:width]]).items()
    )

    def selected(fetched, connection):
        rows = [row[0:width] for row in fetched] if trim else fetched
        if not converters:
            return rows
        out = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            out.append(row)
        return out

    return selected
