"""SQL the ORM built once, run again: for a small query asked on every page whose text and
parameters depend only on a few known values (a user's id and role, today's date, a
district).

Building a query through the ORM costs far more than running it when the query is
small and its filter rich: the menu's "Needs you" count took about 2 ms of Python to build
and 0.9 ms to run, on every coach's page. `CompiledQueries.count(key, build)` builds the
queryset once per `key` and process, keeps its SQL and parameters, and runs them each
time; `rows(key, build)` does the same for a `values_list()` queryset and gives its rows,
each value converted as the ORM would (dates on SQLite, say). Nothing read from the
database is kept: the answer is always today's data. The rule stays where it is (the
queryset `build` returns); the key must name everything the SQL depends on, which the
caller states next to it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler


class CompiledQueries:
    """A bounded, per-process memo of `key -> (sql, params, compiler)` (the least recently
    used goes first). One memo serves one kind of query: `count` or `rows`."""

    def __init__(self, maxsize: int = 4096):
        self.maxsize = maxsize
        self._sql: OrderedDict[Hashable, tuple[str, tuple, SQLCompiler | None]] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, key: Hashable, build: Callable[[], QuerySet]) -> int:
        """How many rows `build()` gives, with its SQL built only the first time `key` is
        seen. `build()` must give the same SQL and parameters for the same key."""

        def compile_count(queryset: QuerySet):
            sql, params = queryset.query.sql_with_params()
            return f"SELECT COUNT(*) FROM ({sql}) counted", tuple(params), None  # noqa: S608

        sql, params, _ = self._compiled(key, build, compile_count)
        if not sql:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def rows(self, key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
        """The rows of `build()`, a `values_list()` queryset (plain tuples, values converted
        as the ORM converts them), with its SQL built only the first time `key` is seen."""

        def compile_rows(queryset: QuerySet):
            compiler = queryset.query.get_compiler(using=queryset.db)
            sql, params = compiler.as_sql()  # also sets what results_iter converts by
            return sql, tuple(params), compiler

        sql, params, compiler = self._compiled(key, build, compile_rows)
        if not sql:
            return []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return list(compiler.results_iter(results=[fetched], tuple_expected=True))

    def _compiled(self, key, build, compile_):
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
