"""Creating data subject requests and moving them safely between workers.

A request row is committed before any broker is touched; the task is enqueued after commit.
Workers *claim* a request (queued → running) and renew a heartbeat while they work; a request
whose worker died (stale heartbeat) or whose message never reached the broker is put back in
the queue by :func:`requeue_stuck`, run periodically. The claim makes a second run a no-op.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail_gdpr import activity, deadlines
from wagtail_gdpr.models import DataSubjectRequest, GdprSettings, MemberActivity

logger = logging.getLogger(__name__)


class RequestRefused(Exception):
    """The member may not make this request now; ``message`` says why, for them to read."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def lease() -> timedelta:
    """How long a worker may go without a heartbeat before its request is taken over."""
    return timedelta(seconds=int(getattr(settings, "WAGTAIL_GDPR_WORKER_LEASE_SECONDS", 300)))


def access_cooldown() -> timedelta:
    return timedelta(hours=float(getattr(settings, "WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS", 24)))


def response_days(request=None) -> int | None:
    """The answer period set for the request's site (or the default site)."""
    from wagtail.models import Site

    site = (
        getattr(request, "_wagtail_site", None) or Site.objects.filter(is_default_site=True).first()
    )
    return GdprSettings.for_site(site).response_days if site else None


def lock_request(dsr: DataSubjectRequest | int) -> DataSubjectRequest | None:
    """The request row, locked until the transaction ends; ``None`` if it is gone."""
    pk = dsr if isinstance(dsr, int) else dsr.pk
    return DataSubjectRequest.objects.select_for_update().filter(pk=pk).first()


def request_copy(user, *, request=None) -> DataSubjectRequest:
    """A logged-in member asks for a copy of their data (Art. 15 and 20).

    One open access request at a time, and not again within the cool-down after the last one.
    """
    now = timezone.now()
    with transaction.atomic():
        # Serialise a member's concurrent clicks on their own user row.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        mine = DataSubjectRequest.objects.filter(member=user, kind=DataSubjectRequest.ACCESS)
        if mine.filter(status__in=DataSubjectRequest.OPEN_STATUSES).exists():
            raise RequestRefused(_("A copy of your data is already being prepared."))
        last_done = mine.filter(status=DataSubjectRequest.DONE).order_by("-completed_at").first()
        if (
            last_done
            and last_done.completed_at
            and now - last_done.completed_at < access_cooldown()
        ):
            available = timezone.localtime(last_done.completed_at + access_cooldown())
            raise RequestRefused(
                _("You received a copy recently. You can ask for a new one after %(time)s.")
                % {"time": available.strftime("%Y-%m-%d %H:%M")}
            )
        dsr = DataSubjectRequest.objects.create(
            kind=DataSubjectRequest.ACCESS,
            status=DataSubjectRequest.QUEUED,
            member=user,
            contact_email=getattr(user, user.get_email_field_name(), "") or "",
            language=get_language() or settings.LANGUAGE_CODE,
            received_at=now,
            verified_at=now,  # logged in: identity is established by the login
            due_at=deadlines.due_date(now, response_days(request)),
        )
        activity.record(user, MemberActivity.REQUEST, detail=f"access #{dsr.pk}", request=request)
        transaction.on_commit(partial(enqueue, dsr.pk))
    return dsr


def task_for(dsr: DataSubjectRequest):
    from wagtail_gdpr import tasks

    return {
        DataSubjectRequest.ACCESS: tasks.build_access_report,
        DataSubjectRequest.ERASURE: tasks.run_erasure,
    }[dsr.kind]


def enqueue(request_id: int) -> bool:
    """Hand a queued request to a worker. A broker failure is logged; recovery retries later."""
    dsr = DataSubjectRequest.objects.filter(pk=request_id).first()
    if dsr is None:
        return False
    try:
        task_for(dsr).delay(request_id)
    except Exception as exc:  # the broker is unreachable; the row keeps the request safe
        logger.warning(
            "Could not enqueue privacy request #%s (%s); it stays queued for recovery.",
            request_id,
            type(exc).__name__,
        )
        return False
    DataSubjectRequest.objects.filter(pk=request_id).update(enqueued_at=timezone.now())
    return True


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


def heartbeat(request_id: int, progress: int):
    DataSubjectRequest.objects.filter(pk=request_id, status=DataSubjectRequest.RUNNING).update(
        heartbeat_at=timezone.now(), progress=max(0, min(99, progress))
    )


def mark_failed(request_id: int, reason: str):
    """For staff: ``reason`` names what failed, never personal data."""
    DataSubjectRequest.objects.filter(pk=request_id).update(
        status=DataSubjectRequest.FAILED, failure_reason=reason[:2000], heartbeat_at=None
    )
    logger.error("Privacy request #%s failed: %s", request_id, reason)


def requeue_stuck(now=None) -> int:
    """Re-enqueue requests that never reached a worker, or whose worker died. Returns the count."""
    now = now or timezone.now()
    stale = now - lease()
    release_due_erasures(now)
    kinds = [DataSubjectRequest.ACCESS, DataSubjectRequest.ERASURE]
    never_sent = Q(status=DataSubjectRequest.QUEUED) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale)
    )
    dead_worker = Q(status=DataSubjectRequest.RUNNING, heartbeat_at__lt=stale)
    ids = list(
        DataSubjectRequest.objects.filter(never_sent | dead_worker, kind__in=kinds)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in ids if enqueue(pk))


def request_erasure(user, *, request=None, now=None) -> DataSubjectRequest:
    """The member confirmed (after re-authenticating) that their data should be erased.

    With a grace period (site setting) the request waits, cancellable, until it is due;
    otherwise it is handed to a worker as soon as it is committed.
    """
    from wagtail.models import Site

    now = now or timezone.now()
    site = (
        getattr(request, "_wagtail_site", None) or Site.objects.filter(is_default_site=True).first()
    )
    grace_days = GdprSettings.for_site(site).erasure_grace_days if site else 0
    with transaction.atomic():
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        if DataSubjectRequest.objects.filter(
            member=user,
            kind=DataSubjectRequest.ERASURE,
            status__in=DataSubjectRequest.OPEN_STATUSES,
        ).exists():
            raise RequestRefused(_("You have already asked us to delete your data."))
        execute_after = now + timedelta(days=grace_days)
        dsr = DataSubjectRequest.objects.create(
            kind=DataSubjectRequest.ERASURE,
            status=DataSubjectRequest.SCHEDULED if grace_days else DataSubjectRequest.QUEUED,
            member=user,
            contact_email=getattr(user, user.get_email_field_name(), "") or "",
            language=get_language() or settings.LANGUAGE_CODE,
            received_at=now,
            verified_at=now,  # the member re-entered their password
            due_at=deadlines.due_date(now, response_days(request)),
            payload={"execute_after": execute_after.astimezone(UTC).isoformat()},
        )
        activity.record(user, MemberActivity.REQUEST, detail=f"erasure #{dsr.pk}", request=request)
        if not grace_days:
            transaction.on_commit(partial(enqueue, dsr.pk))
    return dsr


def cancel_erasure(user, request_id: int) -> bool:
    """Cancel an erasure that has not started; ``False`` when it is too late or not theirs."""
    return bool(
        DataSubjectRequest.objects.filter(
            pk=request_id,
            member=user,
            kind=DataSubjectRequest.ERASURE,
            status__in=(DataSubjectRequest.SCHEDULED, DataSubjectRequest.QUEUED),
        ).update(status=DataSubjectRequest.CANCELLED, completed_at=timezone.now())
    )


def _is_due(execute_after: str | None, now) -> bool:
    """Compared as moments, not as text: the stored offset may differ from now's."""
    moment = parse_datetime(execute_after or "")
    return moment is None or moment <= now


def release_due_erasures(now=None) -> int:
    """Scheduled erasures whose grace period is over go to the queue."""
    now = now or timezone.now()
    due = [
        dsr.pk
        for dsr in DataSubjectRequest.objects.filter(
            kind=DataSubjectRequest.ERASURE, status=DataSubjectRequest.SCHEDULED
        )
        if _is_due(dsr.payload.get("execute_after"), now)
    ]
    released = DataSubjectRequest.objects.filter(
        pk__in=due, status=DataSubjectRequest.SCHEDULED
    ).update(status=DataSubjectRequest.QUEUED)
    for pk in due:
        transaction.on_commit(partial(enqueue, pk))
    return released
