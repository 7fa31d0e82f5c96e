"""A member asks for a copy of their data (GDPR Art. 15 and 20).

One open request for a copy at a time, and not again within the cool-down after the last one.
The request is committed first; a job builds the copy once the commit is done.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import activity, readable, throttle
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.connectors import outbox
from wagtail_gdpr.requests import intake, worker_queue
from wagtail_gdpr.requests.intake import RequestRefused
from wagtail_gdpr.tables import DataSubjectRequest, MemberActivity

#: Requests for a copy one member may send, whatever their outcome: each one locks the member's
#: rows and may start a worker.
REQUESTS_PER_MEMBER = "5/h"


class TooManyRequests(RequestRefused):
    """Too many requests for a copy in a short time."""


def cooldown() -> timedelta:
    return timedelta(hours=float(app_settings.ACCESS_COOLDOWN_HOURS))


def request_copy(user, *, request=None) -> DataSubjectRequest:
    if throttle.over_limit("copy-request", str(user.pk), REQUESTS_PER_MEMBER):
        raise TooManyRequests(_("You have asked for a copy several times in a short while. "
                                "Please try again in an hour."))  # fmt: skip
    now = timezone.now()
    with transaction.atomic():
        intake.lock_member(user)
        mine = DataSubjectRequest.objects.filter(member=user, kind=DataSubjectRequest.ACCESS)
        if mine.filter(status__in=DataSubjectRequest.OPEN_STATUSES).exists():
            raise RequestRefused(_("A copy of your data is already being prepared."))
        last_done = mine.filter(status=DataSubjectRequest.DONE).order_by("-completed_at").first()
        if last_done and last_done.completed_at and now - last_done.completed_at < cooldown():
            available = last_done.completed_at + cooldown()
            raise RequestRefused(
                _("You received a copy recently. You can ask for a new one after %(time)s.")
                % {"time": readable.in_words(available)}
            )
        dsr = DataSubjectRequest.objects.create(
            kind=DataSubjectRequest.ACCESS,
            status=DataSubjectRequest.QUEUED,
            **intake.from_member(user, now, request=request),
        )
        activity.record(user, MemberActivity.REQUEST, detail=f"access #{dsr.pk}", request=request)
        outbox.record(dsr, user, now=now)  # the company's other systems are asked too
        worker_queue.enqueue_on_commit(dsr.pk)
    return dsr


def latest(user) -> DataSubjectRequest | None:
    """The member's latest request for a copy, with its file."""
    return (
        DataSubjectRequest.objects.filter(member=user, kind=DataSubjectRequest.ACCESS)
        .select_related("report")
        .order_by("-received_at")
        .first()
    )


def for_member(user, request_id) -> DataSubjectRequest | None:
    """The member's own request for a copy ``request_id``; ``None`` for anybody else's."""
    return (
        DataSubjectRequest.objects.filter(
            pk=request_id,
            member=user,
            kind__in=(DataSubjectRequest.ACCESS, DataSubjectRequest.PORTABILITY),
        )
        .select_related("report")
        .first()
    )
