"""WSGI entry point: `gunicorn coproduce.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")

application = get_wsgi_application()

# Garbage collection for a long-lived server process (docs/performance.md). A county
# dashboard request makes about half a million objects, and Python's full collections,
# which then ran on about every other request, walked every object Django had loaded at
# start-up too (~85,000 modules, classes, views, URL patterns...): 50-90 ms of a 250 ms
# page. Those live as long as the process: freeze them out of the collector's way. County
# dashboard through gunicorn, 2 users, 30 s, alternating runs: p95 416 and 334 ms
# without, 289 and 296 ms with.
get_resolver().url_patterns  # noqa: B018 - import every view now, to freeze them too
gc.collect()
gc.freeze()
