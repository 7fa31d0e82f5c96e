"""A Celery beat schedule for the add-on's periodic tasks, to merge into a site's own.

::

    from wagtail_gdpr.schedule import BEAT_SCHEDULE
    app.conf.beat_schedule = {**BEAT_SCHEDULE, **app.conf.beat_schedule}

Sites that use cron instead run the management command named beside each entry.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # manage.py gdpr_discard_unconfirmed
    "wagtail-gdpr-discard-unconfirmed-requests": {
        "task": "wagtail_gdpr.discard_unconfirmed_requests",
        "schedule": crontab(minute=20),
    },
    # manage.py gdpr_requeue_recipients
    "wagtail-gdpr-requeue-recipient-notices": {
        "task": "wagtail_gdpr.requeue_recipient_notices",
        "schedule": crontab(minute="*/30"),
    },
    # manage.py gdpr_retention
    "wagtail-gdpr-retention": {
        "task": "wagtail_gdpr.run_retention",
        "schedule": crontab(minute=30, hour=3),
    },
    # manage.py gdpr_requeue_requests
    "wagtail-gdpr-requeue-stuck-requests": {
        "task": "wagtail_gdpr.requeue_stuck_requests",
        "schedule": crontab(minute="*/5"),
    },
    # manage.py gdpr_purge_reports
    "wagtail-gdpr-purge-expired-reports": {
        "task": "wagtail_gdpr.purge_expired_reports",
        "schedule": crontab(minute=7),
    },
    # manage.py gdpr_remove_files
    "wagtail-gdpr-remove-pending-files": {
        "task": "wagtail_gdpr.remove_pending_files",
        "schedule": crontab(minute="*/15"),
    },
    # manage.py gdpr_send_reminders
    "wagtail-gdpr-send-deadline-reminders": {
        "task": "wagtail_gdpr.send_deadline_reminders",
        "schedule": crontab(minute=15),
    },
}
