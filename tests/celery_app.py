"""The Celery app of the test suite, run as ``celery -A tests.celery_app worker``."""

from celery import Celery, signals

app = Celery("wagtail_gdpr_tests")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def forget_cached_content_types(task=None, **kwargs):
    """The suite flushes the test database between tests while a worker process lives on:
    content types come back with new ids, so the ids cached by an earlier task must not be used.

    Only in a worker. A task run eagerly in the test process keeps that process's cache, which
    Django already renews whenever it recreates content types; emptying it there breaks the
    restore of a serialized database (the browser journeys'), where Wagtail's approval task
    looks up its content type while it is being read back, and an empty cache would insert that
    content type before its own row is restored: a duplicate key.
    """
    if task is not None and task.request.is_eager:
        return
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
