"""The worker queue: handing requests to workers, and moving them safely between workers.

A request row is committed before any job is sent; the job is sent after commit. Workers *claim*
a request (queued → running) and renew a heartbeat while they work; a request whose worker died
(stale heartbeat) or whose job never reached the broker is sent again by :func:`requeue_stuck`,
run periodically. The claim makes a second run a no-op.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from wagtail_gdpr import jobs
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.tables import DataSubjectRequest

logger = logging.getLogger(__name__)

#: The job that carries out each kind of request a worker runs.
JOBS = {
    DataSubjectRequest.ACCESS: jobs.BUILD_ACCESS_COPY,
    DataSubjectRequest.PORTABILITY: jobs.BUILD_ACCESS_COPY,
    DataSubjectRequest.ERASURE: jobs.RUN_ERASURE,
}


def lease() -> timedelta:
    """How long a worker may go without a heartbeat before its request is taken over."""
    return timedelta(seconds=int(app_settings.WORKER_LEASE_SECONDS))


def lock_request(dsr: DataSubjectRequest | int) -> DataSubjectRequest | None:
    """The request row, locked until the transaction ends; ``None`` if it is gone."""
    pk = dsr if isinstance(dsr, int) else dsr.pk
    return DataSubjectRequest.objects.select_for_update().filter(pk=pk).first()


def enqueue(request_id: int) -> bool:
    """Hand a queued request to a worker. A broker failure is logged; recovery retries later."""
    kind = DataSubjectRequest.objects.filter(pk=request_id).values_list("kind", flat=True).first()
    if kind not in JOBS:
        return False
    DataSubjectRequest.objects.filter(pk=request_id).update(enqueued_at=timezone.now())
    if jobs.send(JOBS[kind], request_id):
        return True
    # Not handed over: the next recovery run sends it again.
    DataSubjectRequest.objects.filter(pk=request_id, status=DataSubjectRequest.QUEUED).update(
        enqueued_at=None
    )
    return False


def enqueue_on_commit(request_id: int) -> None:
    """:func:`enqueue` once the current transaction commits."""
    transaction.on_commit(partial(enqueue, request_id))


def claim(request_id: int) -> DataSubjectRequest | None:
    """Take a request for this worker, or ``None`` if it is done or a live worker holds it."""
    now = timezone.now()
    claimable = Q(status=DataSubjectRequest.QUEUED) | Q(
        status=DataSubjectRequest.RUNNING, heartbeat_at__lt=now - lease()
    )
    taken = DataSubjectRequest.objects.filter(claimable, pk=request_id).update(
        status=DataSubjectRequest.RUNNING,
        attempts=F("attempts") + 1,
        heartbeat_at=now,
        progress=0,
        failure_reason="",
    )
    return DataSubjectRequest.objects.get(pk=request_id) if taken else None


def claim_with_member(request_id: int) -> tuple[DataSubjectRequest | None, str]:
    """Claim a request whose work is about its member.

    ``(request, "")`` to go on; ``(None, "skipped")`` when it is done or another worker has it;
    ``(None, "failed")`` when the member's account is gone (the request is marked failed).
    """
    dsr = claim(request_id)
    if dsr is None:
        return None, "skipped"
    if dsr.member is None:
        mark_failed(request_id, "the member's account no longer exists")
        return None, "failed"
    return dsr, ""


def heartbeat(request_id: int, progress: int):
    DataSubjectRequest.objects.filter(pk=request_id, status=DataSubjectRequest.RUNNING).update(
        heartbeat_at=timezone.now(), progress=max(0, min(99, progress))
    )


def mark_failed(request_id: int, reason: str):
    """For staff: ``reason`` names what failed, never personal data.

    When the failure was the database connection itself (a restarted server, a terminated
    backend), the mark is written on a new connection.
    """

    def mark():
        DataSubjectRequest.objects.filter(pk=request_id).update(
            status=DataSubjectRequest.FAILED, failure_reason=reason[:2000], heartbeat_at=None
        )

    try:
        mark()
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        connection.close()
        mark()
    logger.error("Privacy request #%s failed: %s", request_id, reason)


def _release(now) -> list[int]:
    """Move the scheduled requests whose moment has come to the queue; send each on commit."""
    due = list(
        DataSubjectRequest.objects.filter(
            Q(execute_after__lte=now) | Q(execute_after__isnull=True),
            kind__in=list(JOBS),
            status=DataSubjectRequest.SCHEDULED,
        ).values_list("pk", flat=True)
    )
    DataSubjectRequest.objects.filter(pk__in=due, status=DataSubjectRequest.SCHEDULED).update(
        status=DataSubjectRequest.QUEUED, enqueued_at=None
    )
    for pk in due:
        enqueue_on_commit(pk)
    return due


def release_scheduled(now=None) -> int:
    """Scheduled requests whose moment has come join the queue (one without a moment at once).

    Erasures wait here for their grace period, or for the time staff chose. Returns the count.
    """
    return len(_release(now or timezone.now()))


def requeue_stuck(now=None) -> int:
    """Send requests that never reached a worker, or whose worker died, again; release the
    scheduled ones whose moment has come first. Returns how many were released or sent again.

    A request is marked as handed over just before it is sent, so that a worker quicker than
    this process never finds it marked as waiting; a send that fails takes the mark back."""
    now = now or timezone.now()
    released = set(_release(now))
    stale = now - lease()
    never_sent = Q(status=DataSubjectRequest.QUEUED) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale)
    )
    dead_worker = Q(status=DataSubjectRequest.RUNNING, heartbeat_at__lt=stale)
    ids = DataSubjectRequest.objects.filter(never_sent | dead_worker, kind__in=list(JOBS))
    ids = [pk for pk in ids.order_by("pk").values_list("pk", flat=True) if pk not in released]
    return len(released) + sum(1 for pk in ids if enqueue(pk))
