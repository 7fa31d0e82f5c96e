"""A Celery beat schedule for the add-on's periodic tasks, to merge into a site's own.

::

    from wagtail_gdpr.schedule import BEAT_SCHEDULE
    app.conf.beat_schedule = {**BEAT_SCHEDULE, **app.conf.beat_schedule}

Sites that use cron instead run the management command named beside each entry.
"""

from celery.schedules import crontab

from wagtail_gdpr import jobs

BEAT_SCHEDULE = {
    # manage.py gdpr_discard_unconfirmed
    "wagtail-gdpr-discard-unconfirmed-requests": {
        "task": jobs.DISCARD_UNCONFIRMED_REQUESTS.name,
        "schedule": crontab(minute=20),
    },
    # manage.py gdpr_requeue_recipients
    "wagtail-gdpr-requeue-recipient-notices": {
        "task": jobs.REQUEUE_RECIPIENT_NOTICES.name,
        "schedule": crontab(minute="*/30"),
    },
    # manage.py gdpr_form_sweep_notice
    "wagtail-gdpr-form-sweep-notice": {
        "task": jobs.SEND_FORM_SWEEP_NOTICE.name,
        "schedule": crontab(minute=0, hour=3),
    },
    # manage.py gdpr_resume_breach_notices
    "wagtail-gdpr-resume-breach-notices": {
        "task": jobs.RESUME_BREACH_NOTICES.name,
        "schedule": crontab(minute="*/10"),
    },
    # manage.py gdpr_send_breach_reminders
    "wagtail-gdpr-send-breach-reminders": {
        "task": jobs.SEND_BREACH_REMINDERS.name,
        "schedule": crontab(minute="*/15"),
    },
    # manage.py gdpr_sweep_connectors
    "wagtail-gdpr-sweep-connector-events": {
        "task": jobs.SWEEP_CONNECTOR_EVENTS.name,
        "schedule": crontab(minute="*/5"),
    },
    # manage.py gdpr_retention
    "wagtail-gdpr-retention": {
        "task": jobs.RUN_RETENTION.name,
        "schedule": crontab(minute=30, hour=3),
    },
    # manage.py gdpr_requeue_requests
    "wagtail-gdpr-requeue-stuck-requests": {
        "task": jobs.REQUEUE_STUCK_REQUESTS.name,
        "schedule": crontab(minute="*/5"),
    },
    # manage.py gdpr_purge_reports
    "wagtail-gdpr-purge-expired-reports": {
        "task": jobs.PURGE_EXPIRED_REPORTS.name,
        "schedule": crontab(minute=7),
    },
    # manage.py gdpr_remove_files
    "wagtail-gdpr-remove-pending-files": {
        "task": jobs.REMOVE_PENDING_FILES.name,
        "schedule": crontab(minute="*/15"),
    },
    # manage.py gdpr_send_reminders
    "wagtail-gdpr-send-deadline-reminders": {
        "task": jobs.SEND_DEADLINE_REMINDERS.name,
        "schedule": crontab(minute=15),
    },
}
