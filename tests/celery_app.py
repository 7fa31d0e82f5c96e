"""The Celery app of the test suite, run as ``celery -A tests.celery_app worker``."""

from celery import Celery

app = Celery("wagtail_gdpr_tests")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
