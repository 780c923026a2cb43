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

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# What a memo keeps per key: the SQL, its parameters, and what turns the fetched rows into
# the answer. ("", (), None) for a queryset that can match nothing.
Compiled = tuple[str, tuple, Callable[[list[tuple]], object] | None]


class CompiledQueries:
    """A bounded, per-process memo of `key -> Compiled` (the least recently used goes
    first). One memo serves one kind of query: `count`, `rows` or `objects`."""

    def __init__(self, maxsize: int = 4096):
        self.maxsize = maxsize
        self._sql: OrderedDict[Hashable, Compiled] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, key: Hashable, build: Callable[[], QuerySet]) -> int:
        """How many rows `build()` gives, with its SQL built only the first time `key` is
        seen. `build()` must give the same SQL and parameters for the same key."""

        def compile_count(queryset: QuerySet) -> Compiled:
            sql, params = queryset.query.sql_with_params()
            counted = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608
            return counted, tuple(params), lambda fetched: fetched[0][0]

        return self._run(key, build, compile_count, empty=0)

    def rows(self, key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
        """The rows of `build()`, a `values_list()` queryset (plain tuples, values converted
        as the ORM converts them), with its SQL built only the first time `key` is seen."""

        def compile_rows(queryset: QuerySet) -> Compiled:
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()  # also sets what results_iter converts by

            def finish(fetched):
                return list(compiler.results_iter(results=[fetched], tuple_expected=True))

            return sql, tuple(params), finish

        return self._run(key, build, compile_rows, empty=[])

    def objects(self, key: Hashable, build: Callable[[], QuerySet]) -> list[Model]:
        """The model instances `build()` gives, made as Django's ModelIterable makes them
        (the model's fields, `select_related` objects, annotations), with its SQL built
        only the first time `key` is seen. No prefetching, no related manager's queryset."""

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
            annotations = compiler.annotation_col_map or {}

            def finish(fetched):
                made = []
                for row in compiler.results_iter(results=[fetched]):
                    obj = model.from_db(db, names, row[start:end])
                    for populator in populators:
                        populator.populate(row, obj)
                    for name, position in annotations.items():
                        setattr(obj, name, row[position])
                    made.append(obj)
                return made

            return sql, tuple(params), finish

        return self._run(key, build, compile_objects, empty=[])

    def _run(self, key, build, compile_, *, empty):
        sql, params, finish = self._compiled(key, build, compile_)
        if not sql:
            return empty
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return finish(fetched)

    def _compiled(self, key, build, compile_) -> Compiled:
        with self._lock:
            compiled = self._sql.get(key)
            if compiled is not None:
                self._sql.move_to_end(key)
                return compiled
        try:
            compiled = compile_(build())
        except EmptyResultSet:  # `.none()` (an inactive user's clubs): nothing, ever
            compiled = ("", (), None)
        with self._lock:
            self._sql[key] = compiled
            while len(self._sql) > self.maxsize:
                self._sql.popitem(last=False)
        return compiled

    def clear(self) -> None:
        with self._lock:
            self._sql.clear()
