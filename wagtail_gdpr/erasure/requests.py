"""A member asks for erasure: their password first, then, with a grace period, a wait they can
cancel; then a worker carries it out (``execution``).

The grace period is a site setting. A scheduled erasure waits in the worker queue until its
moment (``execute_after``) has come: see ``requests.worker_queue.release_scheduled``.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import activity, throttle
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.requests import intake, worker_queue
from wagtail_gdpr.requests.intake import RequestRefused
from wagtail_gdpr.tables import DataSubjectRequest, GdprSettings, MemberActivity

#: Wrong passwords allowed per member, and the window they are counted in (seconds): a
#: session left open must not become a way to guess the password, and then erase the account.
PASSWORD_TRIES = (5, 3600)
_PASSWORD_SCOPE = "erasure-password"  # noqa: S105 (a counter's name, not a password)


class WrongPassword(Refused):
    """The password does not match, or too many wrong ones were tried (``throttled``)."""

    def __init__(self, message, *, throttled: bool = False):
        super().__init__(message)
        self.throttled = throttled


def check_password(user, password: str, *, request=None) -> None:
    """Re-authentication before erasure. Raises :class:`WrongPassword`.

    Every try is counted before the password is checked, atomically, so parallel tries cannot
    pass the limit; a right password gives its try back.
    """
    limit, seconds = PASSWORD_TRIES
    if throttle.hit(_PASSWORD_SCOPE, str(user.pk), seconds) > limit:
        raise WrongPassword(
            _("Too many wrong passwords. Please try again in an hour."), throttled=True
        )
    if user.check_password(password):
        throttle.give_back(_PASSWORD_SCOPE, str(user.pk), seconds)
        return
    activity.record(
        user, MemberActivity.LOGIN_FAILED, detail="erasure confirmation", request=request
    )
    raise WrongPassword(_("That is not your password."))


def open_erasure(user) -> DataSubjectRequest | None:
    return DataSubjectRequest.objects.filter(
        member=user, kind=DataSubjectRequest.ERASURE, status__in=DataSubjectRequest.OPEN_STATUSES
    ).first()


def for_member(user, request_id) -> DataSubjectRequest | None:
    """The member's own erasure request ``request_id``; ``None`` for anybody else's."""
    return DataSubjectRequest.objects.filter(
        pk=request_id, member=user, kind=DataSubjectRequest.ERASURE
    ).first()


def request_erasure(user, *, request=None, now=None) -> DataSubjectRequest:
    """The member confirmed (after re-authenticating) that their data should be erased.

    With a grace period (site setting) the request waits, cancellable, until it is due;
    otherwise it is handed to a worker as soon as it is committed.
    """
    now = now or timezone.now()
    grace_days = GdprSettings.current(request).erasure_grace_days
    with transaction.atomic():
        intake.lock_member(user)
        if open_erasure(user) is not None:
            raise RequestRefused(_("You have already asked us to delete your data."))
        dsr = DataSubjectRequest.objects.create(
            kind=DataSubjectRequest.ERASURE,
            status=DataSubjectRequest.SCHEDULED if grace_days else DataSubjectRequest.QUEUED,
            execute_after=now + timedelta(days=grace_days),
            **intake.from_member(user, now, request=request),
        )
        activity.record(user, MemberActivity.REQUEST, detail=f"erasure #{dsr.pk}", request=request)
        if not grace_days:
            worker_queue.enqueue_on_commit(dsr.pk)
    return dsr


def cancel_erasure(user, request_id: int) -> bool:
    """Cancel an erasure that has not started; ``False`` when it is too late or not theirs."""
    return bool(
        DataSubjectRequest.objects.filter(
            pk=request_id,
            member=user,
            kind=DataSubjectRequest.ERASURE,
            status__in=(DataSubjectRequest.SCHEDULED, DataSubjectRequest.QUEUED),
        ).update(
            status=DataSubjectRequest.CANCELLED,
            completed_at=timezone.now(),
            closed_because=DataSubjectRequest.WITHDRAWN,
        )
    )
