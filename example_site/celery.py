"""Celery wiring of the example site, as an integrator would write it for their own project.

In your project package, next to ``settings.py``::

    # myproject/celery.py
    import os
    from celery import Celery

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myproject.settings")
    app = Celery("myproject")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks()  # finds wagtail_gdpr.tasks

    # myproject/__init__.py
    from .celery import app as celery_app

Then run a worker with ``celery -A myproject worker`` (and ``celery -A myproject beat`` for the
periodic tasks). Without ``REDIS_URL`` this site runs every task eagerly, in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings")

app = Celery("example_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
