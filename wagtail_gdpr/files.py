"""Deleting the stored files of erased data, durably and only after the erasure commits.

An anonymiser that empties a file field calls :func:`queue_file_removal` inside the erasure's
transaction. The queue row commits with the erasure; only then is the job sent that deletes the
file. If the broker is down, or the worker dies, the row stays and :func:`remove_pending_files`
(a periodic task and ``manage.py gdpr_remove_files``) finishes the job later.
"""

import logging

from django.apps import apps
from django.db import transaction

from wagtail_gdpr import jobs


def _queue():
    """The queue's table, looked up when used: anonymisers (and with them this module) must be
    importable before Django has loaded the models, so that a site can register its own."""
    return apps.get_model("wagtail_gdpr", "PendingFileRemoval")


logger = logging.getLogger(__name__)

REMOVED = "removed"
ALREADY_DONE = "already-done"
FAILED = "failed"


def queue_file_removal(field, file_name: str):
    removal = _queue().objects.create(
        model_label=field.model._meta.label, field_name=field.name, file_name=file_name
    )
    jobs.send_on_commit(jobs.REMOVE_STORED_FILE, removal.pk)
    return removal


def _storage_for(removal):
    model = apps.get_model(removal.model_label)
    return model._meta.get_field(removal.field_name).storage


def remove_file(removal_id: int) -> str:
    """Delete one queued file and its queue row. Safe to run twice or concurrently."""
    with transaction.atomic():
        removal = _queue().objects.select_for_update(skip_locked=True).filter(pk=removal_id).first()
        if removal is None:
            return ALREADY_DONE  # removed before, or another worker holds it right now
        try:
            _storage_for(removal).delete(removal.file_name)
        except Exception as exc:
            removal.attempts += 1
            removal.last_error = type(exc).__name__
            removal.save(update_fields=["attempts", "last_error"])
            logger.warning(
                "Removing stored file #%s failed (%s); it stays queued.",
                removal_id,
                type(exc).__name__,
            )
            return FAILED
        removal.delete()
        return REMOVED


def remove_pending_files(batch_size: int = 500) -> dict[str, int]:
    """Work through the whole queue: the catch-up after a broker outage or a dead worker."""
    counts = {REMOVED: 0, ALREADY_DONE: 0, FAILED: 0}
    last_id = 0
    while True:
        ids = list(
            _queue()
            .objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return counts
        for removal_id in ids:
            counts[remove_file(removal_id)] += 1
        last_id = ids[-1]
