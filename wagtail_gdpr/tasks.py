"""Celery tasks: each takes primary keys, re-reads state and calls one service; safe to repeat.

Services never call these directly: they name a job of :mod:`wagtail_gdpr.jobs`, which sends it
here through Celery, or runs it in-process where the site has no broker. A task run in-process
does not retry in place: there is nobody to wait for, and the periodic sweeps find what is left.
"""

from celery import shared_task

from wagtail_gdpr import files, jobs, public_requests, recipients
from wagtail_gdpr.access import report
from wagtail_gdpr.breaches import notices as breach_notices
from wagtail_gdpr.connectors import delivery, sweep
from wagtail_gdpr.erasure import execution, retention
from wagtail_gdpr.requests import member_emails, worker_queue
from wagtail_gdpr.staff import breach_reminders, connector_alerts, form_sweep, reminders


def _retry(task, countdown: int, exc: Exception | None = None):
    """Retry on a worker; in-process, let the failure stand (the caller logs it)."""
    if task.request.is_eager:
        if exc is not None:
            raise exc
        return None
    raise task.retry(countdown=countdown, **({"exc": exc} if exc is not None else {}))


@shared_task(bind=True, name=jobs.REMOVE_STORED_FILE.name, acks_late=True, max_retries=5)
def remove_stored_file(self, removal_id: int) -> str:
    outcome = files.remove_file(removal_id)
    if outcome == files.FAILED:
        _retry(self, countdown=60 * 2**self.request.retries)
    return outcome


@shared_task(name=jobs.REMOVE_PENDING_FILES.name, acks_late=True)
def remove_pending_files() -> dict[str, int]:
    return files.remove_pending_files()


@shared_task(name=jobs.BUILD_ACCESS_COPY.name, acks_late=True, reject_on_worker_lost=True)
def build_access_report(request_id: int) -> str:
    return report.build_access_report(request_id)


@shared_task(name=jobs.REQUEUE_STUCK_REQUESTS.name, acks_late=True)
def requeue_stuck_requests() -> int:
    return worker_queue.requeue_stuck()


@shared_task(name=jobs.PURGE_EXPIRED_REPORTS.name, acks_late=True)
def purge_expired_reports() -> int:
    return report.purge_expired()


@shared_task(bind=True, name=jobs.SEND_REQUEST_EMAIL.name, acks_late=True, max_retries=8)
def send_request_email(self, request_id: int, name: str) -> bool:
    try:
        return member_emails.send_now(request_id, name)
    except OSError as exc:  # SMTP and connection errors: try again later
        return _retry(self, countdown=min(3600, 30 * 2**self.request.retries), exc=exc)


@shared_task(name=jobs.RUN_ERASURE.name, acks_late=True, reject_on_worker_lost=True)
def run_erasure(request_id: int) -> str:
    return execution.run_erasure_request(request_id)


@shared_task(name=jobs.RUN_RETENTION.name, acks_late=True)
def run_retention() -> int:
    return retention.sweep().pk


@shared_task(name=jobs.SEND_DEADLINE_REMINDERS.name, acks_late=True)
def send_deadline_reminders() -> dict[str, int]:
    return reminders.send_deadline_reminders()


@shared_task(name=jobs.SEND_FORM_SWEEP_NOTICE.name, acks_late=True)
def send_form_sweep_notice() -> int:
    return form_sweep.send_form_sweep_notice()


@shared_task(bind=True, name=jobs.NOTIFY_RECIPIENTS.name, acks_late=True, max_retries=8)
def notify_recipients(self, request_id: int) -> dict[str, int]:
    """Tell the recipients of a correction or erasure (Art. 19); retry those not reached."""
    counts = recipients.deliver(request_id)
    if counts.get(recipients.FAILED) and self.request.retries < self.max_retries:
        _retry(self, countdown=recipients.retry_delay(self.request.retries))
    return counts


@shared_task(name=jobs.DISCARD_UNCONFIRMED_REQUESTS.name, acks_late=True)
def discard_unconfirmed_requests() -> int:
    return public_requests.discard_unconfirmed()


@shared_task(name=jobs.REQUEUE_RECIPIENT_NOTICES.name, acks_late=True)
def requeue_recipient_notices() -> int:
    return recipients.requeue_unfinished()


@shared_task(name=jobs.SEND_BREACH_NOTICES.name, acks_late=True)
def send_breach_notices(breach_id: int, first_pk: int, last_pk: int) -> int:
    """One batch of a breach's notices; a notice already sent is skipped, so a repeat is safe."""
    return breach_notices.send_batch(breach_id, first_pk, last_pk)


@shared_task(name=jobs.RESUME_BREACH_NOTICES.name, acks_late=True)
def resume_breach_notices() -> int:
    return breach_notices.resume()


@shared_task(name=jobs.SEND_BREACH_REMINDERS.name, acks_late=True)
def send_breach_reminders() -> dict[str, int]:
    return breach_reminders.send_breach_reminders()


@shared_task(bind=True, name=jobs.DELIVER_CONNECTOR_EVENT.name, acks_late=True)
def deliver_connector_event(self, event_id: int) -> str:
    """Send one event to a connected system; the service counts the attempts and gives up.

    The next attempt is a new message with a countdown (``send_task``: always through the
    broker, even where the app runs its own calls eagerly); in-process, the periodic sweep sends
    it when it is due.
    """
    attempt = delivery.deliver(event_id)
    if attempt.outcome == delivery.RETRY and not self.request.is_eager:
        self.app.send_task(self.name, args=(event_id,), countdown=attempt.pause)
    return attempt.outcome


@shared_task(name=jobs.SWEEP_CONNECTOR_EVENTS.name, acks_late=True)
def sweep_connector_events() -> dict[str, int]:
    counts = sweep.sweep()
    return {**counts, "staff_told": connector_alerts.tell_staff_of_silent_systems()}
