"""A tool, not the product: the county-scale benchmark (a synthetic dataset, a load run, a report).

- `seed`: a deterministic synthetic dataset, written fast (COPY on PostgreSQL,
  `bulk_create` elsewhere), consistent with what the services would have written.
- `pages`: the benchmarked pages, who asks for them and how (shared by the
  query counter, the load driver and the tests).
- `queries`: SQL queries per request, counted in-process with the test client.
- `load`: the load driver (locust, headless), run in its own process: it
  imports no Django, only talks HTTP to 127.0.0.1.
- `report`: machine, versions and the summary JSON.
- `views`: the floor, a page that renders a tiny template after one query.

`python manage.py bench --scale tiny|county|national` runs it all; see
docs/performance.md.
"""
