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
periodic tasks). Without ``REDIS_URL`` this site runs every task eagerly, in-process, and has no
beat schedule; with it, the add-on's periodic tasks (``wagtail_gdpr.schedule.BEAT_SCHEDULE``)
are merged into the site's own schedule.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings")

app = Celery("example_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def add_wagtail_gdpr_schedule(sender, **kwargs):
    """Merge the add-on's periodic tasks into the beat schedule; the site's own entries win."""
    if not os.environ.get("REDIS_URL"):
        return  # no broker, no beat: cron users run the management commands instead
    from wagtail_gdpr.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = {**BEAT_SCHEDULE, **(sender.conf.beat_schedule or {})}
