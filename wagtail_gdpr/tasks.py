"""Celery tasks. Each takes primary keys, re-reads state and calls a service; safe to repeat."""

from celery import shared_task

from wagtail_gdpr import files


@shared_task(bind=True, name="wagtail_gdpr.remove_stored_file", acks_late=True, max_retries=5)
def remove_stored_file(self, removal_id: int) -> str:
    outcome = files.remove_file(removal_id)
    if outcome == files.FAILED:
        raise self.retry(countdown=60 * 2**self.request.retries)
    return outcome


@shared_task(name="wagtail_gdpr.remove_pending_files", acks_late=True)
def remove_pending_files() -> dict[str, int]:
    return files.remove_pending_files()


@shared_task(name="wagtail_gdpr.build_access_report", acks_late=True, reject_on_worker_lost=True)
def build_access_report(request_id: int) -> str:
    from wagtail_gdpr import reports

    return reports.build_access_report(request_id)


@shared_task(name="wagtail_gdpr.requeue_stuck_requests", acks_late=True)
def requeue_stuck_requests() -> int:
    from wagtail_gdpr import subject_requests

    return subject_requests.requeue_stuck()


@shared_task(name="wagtail_gdpr.purge_expired_reports", acks_late=True)
def purge_expired_reports() -> int:
    from wagtail_gdpr import reports

    return reports.purge_expired()


@shared_task(
    bind=True,
    name="wagtail_gdpr.send_request_email",
    acks_late=True,
    max_retries=8,
)
def send_request_email(self, request_id: int, name: str) -> bool:
    from wagtail_gdpr import emails

    try:
        return emails.send_request_email(request_id, name)
    except OSError as exc:  # SMTP and connection errors: try again later
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2**self.request.retries)) from exc


@shared_task(name="wagtail_gdpr.run_erasure", acks_late=True, reject_on_worker_lost=True)
def run_erasure(request_id: int) -> str:
    from wagtail_gdpr import erasure

    return erasure.run_erasure_request(request_id)


@shared_task(name="wagtail_gdpr.run_retention", acks_late=True)
def run_retention() -> int:
    from wagtail_gdpr import retention

    return retention.sweep().pk


@shared_task(name="wagtail_gdpr.send_deadline_reminders", acks_late=True)
def send_deadline_reminders() -> dict[str, int]:
    from wagtail_gdpr import queue

    return queue.send_deadline_reminders()


@shared_task(bind=True, name="wagtail_gdpr.notify_recipients", acks_late=True, max_retries=8)
def notify_recipients(self, request_id: int) -> dict[str, int]:
    """Tell the recipients of a correction or erasure (Art. 19); retry those not reached."""
    from wagtail_gdpr import recipients

    counts = recipients.deliver(request_id)
    if counts.get(recipients.FAILED) and self.request.retries < self.max_retries:
        raise self.retry(countdown=recipients.retry_delay(self.request.retries))
    return counts


@shared_task(name="wagtail_gdpr.discard_unconfirmed_requests", acks_late=True)
def discard_unconfirmed_requests() -> int:
    from wagtail_gdpr import public_requests

    return public_requests.discard_unconfirmed()


@shared_task(name="wagtail_gdpr.requeue_recipient_notices", acks_late=True)
def requeue_recipient_notices() -> int:
    from wagtail_gdpr import recipients

    return recipients.requeue_unfinished()
