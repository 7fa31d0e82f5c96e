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
