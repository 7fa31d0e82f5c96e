"""Background work: the one way the add-on hands work to a worker, or does it in this process.

Services name a :class:`Job` and its primary-key arguments; they never import Celery tasks.
Where the site's Celery app has a broker, the job goes to Celery, to the task of the same name in
``wagtail_gdpr.tasks``; otherwise it runs in this process, right away. Either way it is sent
only after the current transaction commits (:func:`send_on_commit`), so a worker never looks for
a row that is not there yet, and a rollback sends nothing.

Nothing is ever sent to a broker nobody configured: a site without a Celery app (or whose app
has no ``broker_url``) runs every job in-process. ``WAGTAIL_GDPR_JOBS`` can force either way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from celery import current_app
from django.db import transaction

from wagtail_gdpr.conf import app_settings

logger = logging.getLogger(__name__)

AUTO = "auto"
CELERY = "celery"
IN_PROCESS = "in-process"
BACKENDS = (AUTO, CELERY, IN_PROCESS)

#: When the broker cannot be reached: run the job in this process now...
RUN_HERE = "run here"
#: ...or leave it: the row that records the work is found again by a periodic sweep.
LEAVE_FOR_SWEEP = "leave for the sweep"


@dataclass(frozen=True)
class Job:
    """A kind of background work: the name of its Celery task, and what to do without a broker."""

    name: str
    if_broker_down: str = LEAVE_FOR_SWEEP


# Started by members and staff, after the change that needs them commits.
BUILD_ACCESS_COPY = Job("wagtail_gdpr.build_access_report")
RUN_ERASURE = Job("wagtail_gdpr.run_erasure")
SEND_REQUEST_EMAIL = Job("wagtail_gdpr.send_request_email", if_broker_down=RUN_HERE)
REMOVE_STORED_FILE = Job("wagtail_gdpr.remove_stored_file")
NOTIFY_RECIPIENTS = Job("wagtail_gdpr.notify_recipients", if_broker_down=RUN_HERE)
SEND_BREACH_NOTICES = Job("wagtail_gdpr.send_breach_notices")
DELIVER_CONNECTOR_EVENT = Job("wagtail_gdpr.deliver_connector_event")

# Periodic: Celery beat (see ``wagtail_gdpr.schedule``) or the management command of each.
RUN_RETENTION = Job("wagtail_gdpr.run_retention")
REQUEUE_STUCK_REQUESTS = Job("wagtail_gdpr.requeue_stuck_requests")
PURGE_EXPIRED_REPORTS = Job("wagtail_gdpr.purge_expired_reports")
REMOVE_PENDING_FILES = Job("wagtail_gdpr.remove_pending_files")
SEND_DEADLINE_REMINDERS = Job("wagtail_gdpr.send_deadline_reminders")
SEND_FORM_SWEEP_NOTICE = Job("wagtail_gdpr.send_form_sweep_notice")
DISCARD_UNCONFIRMED_REQUESTS = Job("wagtail_gdpr.discard_unconfirmed_requests")
REQUEUE_RECIPIENT_NOTICES = Job("wagtail_gdpr.requeue_recipient_notices")
RESUME_BREACH_NOTICES = Job("wagtail_gdpr.resume_breach_notices")
SEND_BREACH_REMINDERS = Job("wagtail_gdpr.send_breach_reminders")
SWEEP_CONNECTOR_EVENTS = Job("wagtail_gdpr.sweep_connector_events")

#: Every periodic job: the beat schedule's entries, and what ``manage.py gdpr_run_periodic``
#: runs in-process on a site without a worker.
PERIODIC = (
    RUN_RETENTION,
    REQUEUE_STUCK_REQUESTS,
    PURGE_EXPIRED_REPORTS,
    REMOVE_PENDING_FILES,
    SEND_DEADLINE_REMINDERS,
    SEND_FORM_SWEEP_NOTICE,
    DISCARD_UNCONFIRMED_REQUESTS,
    REQUEUE_RECIPIENT_NOTICES,
    RESUME_BREACH_NOTICES,
    SEND_BREACH_REMINDERS,
    SWEEP_CONNECTOR_EVENTS,
)


class ConfigurationError(ValueError):
    pass


def broker_configured(app=None) -> bool:
    """Does the site's Celery app name a broker (``CELERY_BROKER_URL`` or ``broker_url``)?"""
    app = app or current_app
    return bool(app.conf.broker_write_url or app.conf.broker_url)


def backend() -> str:
    """``"celery"`` or ``"in-process"``: where jobs go now."""
    chosen = app_settings.JOBS
    if chosen not in BACKENDS:
        raise ConfigurationError(
            f"WAGTAIL_GDPR_JOBS must be one of {', '.join(BACKENDS)}, not {chosen!r}"
        )
    if chosen != AUTO:
        return chosen
    if current_app.conf.task_always_eager or not broker_configured():
        return IN_PROCESS
    return CELERY


def task_of(job: Job):
    """The Celery task of ``job``; ``wagtail_gdpr.tasks`` registers them when Django starts."""
    return current_app.tasks[job.name]


def run_here(job: Job, *args) -> bool:
    """Run the job now, in this process.

    A failure is logged and does not reach the caller, whose own work has committed; unless the
    site asked Celery to pass failures on (``CELERY_TASK_EAGER_PROPAGATES``), as tests do.
    """
    # Celery re-raises here when the task's app sets task_eager_propagates.
    result = task_of(job).apply(args=args)
    if result.failed():
        # The type only: the message may hold personal data.
        logger.error(
            "Background job %s failed in-process (%s).", job.name, type(result.result).__name__
        )
        return False
    return True


def run_periodic_here() -> dict[str, bool]:
    """Run every periodic job once, in this process: ``{task name: done}``. For sites without
    a worker and beat, from cron or ``manage.py gdpr_run_periodic --every``; each job is
    idempotent, so running it more often than its beat schedule is safe."""
    return {job.name: run_here(job) for job in PERIODIC}


def send(job: Job, *args) -> bool:
    """Hand the job to a worker, or run it here; True when it was handed over or done.

    When the broker cannot be reached, the job runs here if it is :data:`RUN_HERE`, and is
    otherwise left to the periodic sweep that finds its work in the database.
    """
    if backend() == IN_PROCESS:
        return run_here(job, *args)
    try:
        task_of(job).apply_async(args=args)
    except Exception as exc:  # the broker is unreachable; the database keeps the work safe
        if job.if_broker_down == RUN_HERE:
            logger.warning(
                "Could not hand %s to a worker (%s); running it here.", job.name,
                type(exc).__name__,
            )  # fmt: skip
            return run_here(job, *args)
        logger.warning(
            "Could not hand %s to a worker (%s); it stays queued for the sweep.", job.name,
            type(exc).__name__,
        )  # fmt: skip
        return False
    return True


def send_on_commit(job: Job, *args) -> None:
    """:func:`send` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(send, job, *args))
