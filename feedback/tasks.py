"""Background tasks of young people's voice (django-tasks); the work is in `services`."""

from django_tasks import task

from feedback import services


@task()
def concern_alert_send(concern_id: int) -> str:
    return services.concern_alert_send(concern_id=concern_id)
