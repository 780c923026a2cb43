"""Background work: a task is enqueued as part of the transaction that causes it.

With the database backend the queue is a table, so the task's row commits or rolls
back with the change: a rolled-back decision leaves nothing to send, and a committed
one cannot lose its task to a crash just after the commit. Other backends (the
immediate one in tests) would act before the commit, so they get the task only once
the transaction has committed.
"""

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend


def enqueue_with_transaction(task, *args, **kwargs) -> None:
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
