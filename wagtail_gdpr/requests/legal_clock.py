"""The legal clock (GDPR Art. 12(3)): a request is due one calendar month after receipt.

The month runs from receipt, or, for a request received before the requester's identity was
established, from the identity check. It stands still while staff wait for proof of identity
(status "unverified", Art. 12(6)) and goes on where it stopped once it is given. While staff
wait for the requester's answer to a question (status "waiting for the requester"), it stands
still only where the site's law allows it (``WAGTAIL_GDPR_CLARIFICATION_STOPS_CLOCK``). It may
be extended once, by up to two further calendar months, with a reason the member is told within
the first month.

``due_at`` holds the due date with every pause already added; ``extended_until``, once set,
replaces it. The functions here compute from those fields and take ``now``, so that every rule
can be tested against a fixed clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr.errors import Refused
from wagtail_gdpr.periods import shift_months
from wagtail_gdpr.tables import DataSubjectRequest, GdprSettings

#: Art. 12(3): "extended by two further months".
MAX_EXTENSION_MONTHS = 2
#: The request's fields the clock's changes write; save them with ``update_fields``.
CLOCK_FIELDS = ["clock_started_at", "clock_paused_at", "paused_for", "due_at", "extended_until"]


class ExtensionRefused(Refused):
    """The deadline cannot be extended as asked; ``message`` says why, for staff to read."""


def response_days(request=None) -> int:
    """The answer period set for the request's site (or the default site)."""
    return GdprSettings.current(request).response_days


def _site_time(moment: datetime) -> datetime:
    """``moment`` on the site's clock (``TIME_ZONE``), whatever zone a staff member works in."""
    return timezone.localtime(moment, timezone.get_default_timezone())


def due_date(received_at: datetime, response_days: int | None = None) -> datetime:
    """One calendar month after receipt (31 January → 28/29 February), or ``response_days``.

    Site settings hold ``response_days``; 30 (the default) means "one calendar month".
    """
    local = _site_time(received_at) if timezone.is_aware(received_at) else received_at
    if response_days in (None, 30):
        return shift_months(local, 1)  # the calendar as the site's members live it
    return local + timedelta(days=response_days)


# -- one request -------------------------------------------------------------------------------


def is_paused(dsr) -> bool:
    """The clock stands still while the requester's identity is being checked, or while staff
    wait for an answer where the law lets the clock stop for it (``clock_paused_at`` set)."""
    return dsr.status == DataSubjectRequest.UNVERIFIED or dsr.clock_paused_at is not None


def has_started(dsr) -> bool:
    """False for a request received unverified whose identity has not been checked yet."""
    return not (is_paused(dsr) and dsr.clock_paused_at is None and dsr.clock_started_at is None)


def clock_start(dsr) -> datetime | None:
    """When the month began to run: receipt, or the identity check for an unverified request."""
    if not has_started(dsr):
        return None
    return dsr.clock_started_at or dsr.received_at


def compute_due(dsr, response_days: int | None = None) -> datetime | None:
    """The due date the request's clock fields give, before any extension.

    What ``due_at`` holds: one month from the clock's start, plus the time it stood still.
    """
    start = clock_start(dsr)
    if start is None:
        return None
    return _later(due_date(start, response_days), dsr.paused_for or timedelta(0))


def effective_due(dsr) -> datetime | None:
    """The date the answer is due: the extension if any, else ``due_at``; None while paused."""
    if is_paused(dsr):
        return None
    return dsr.extended_until or dsr.due_at


def time_left(dsr, now: datetime | None = None) -> timedelta | None:
    """What remains of the period; while paused, what remained when the clock stopped."""
    now = now or timezone.now()
    due = dsr.extended_until or dsr.due_at
    if due is None or not has_started(dsr):
        return None
    if is_paused(dsr):
        return due - (dsr.clock_paused_at or now)
    return due - now


def is_overdue(dsr, now: datetime | None = None) -> bool:
    """An open request past its due date (a paused clock is never overdue)."""
    now = now or timezone.now()
    due = effective_due(dsr)
    return bool(dsr.is_open and due is not None and now > due)


def due_soon(dsr, now: datetime | None = None, days: int = 7) -> bool:
    """An open request due within ``days`` days, not yet overdue."""
    now = now or timezone.now()
    due = effective_due(dsr)
    return bool(dsr.is_open and due is not None and now <= due <= now + timedelta(days=days))


# -- changes of the clock (the caller saves the request) ----------------------------------------


def pause(dsr, now: datetime) -> None:
    """Stop a running clock; :func:`resume` adds the time it stood still."""
    if has_started(dsr) and dsr.clock_paused_at is None:
        dsr.clock_paused_at = now


def _wall(moment: datetime) -> datetime:
    """The site's wall-clock time: a ten-day pause is ten days, summer time or not."""
    return _site_time(moment).replace(tzinfo=None) if timezone.is_aware(moment) else moment


def _later(moment: datetime | None, delta: timedelta) -> datetime | None:
    """``moment`` moved on by ``delta`` on the site's wall clock, keeping its time of day."""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        return moment + delta
    return timezone.make_aware(_wall(moment) + delta, timezone.get_default_timezone())


def resume(dsr, now: datetime, response_days: int | None = None) -> None:
    """Start the clock of a request received unverified, or let a paused one run on.

    Call it as the identity is confirmed, before the status leaves "unverified".
    """
    if dsr.clock_paused_at is not None:
        stood_still = max(_wall(now) - _wall(dsr.clock_paused_at), timedelta(0))
        dsr.paused_for = (dsr.paused_for or timedelta(0)) + stood_still
        dsr.due_at = _later(dsr.due_at, stood_still)
        dsr.extended_until = _later(dsr.extended_until, stood_still)
        dsr.clock_paused_at = None
    elif not has_started(dsr):
        dsr.clock_started_at = now
        dsr.due_at = due_date(now, response_days)


def latest_extension(dsr) -> datetime | None:
    """The furthest the due date may be moved: two calendar months after it."""
    if dsr.due_at is None:
        return None
    return shift_months(_site_time(dsr.due_at), MAX_EXTENSION_MONTHS)


def _as_moment(until: date | datetime, like: datetime) -> datetime:
    """A date becomes that day at the due date's time of day, in the site's time zone."""
    if isinstance(until, datetime):
        return until if timezone.is_aware(until) else timezone.make_aware(until)
    local = _site_time(like)
    return timezone.make_aware(
        datetime.combine(until, local.time().replace(tzinfo=None)), local.tzinfo
    )


def check_extension(dsr, until: date | datetime, reason: str, now: datetime) -> datetime:
    """The new due date, or :class:`ExtensionRefused` when the extension is not allowed."""
    if not dsr.is_open:
        raise ExtensionRefused(_("This request is closed."))
    if dsr.extended_until is not None:
        raise ExtensionRefused(_("The deadline has already been extended; it can be only once."))
    if is_paused(dsr) or dsr.due_at is None:
        raise ExtensionRefused(
            _("The clock is not running while the identity is checked; verify it first.")
        )
    if not (reason or "").strip():
        raise ExtensionRefused(_("Give a reason: the member is told why the answer takes longer."))
    if now > dsr.due_at:
        raise ExtensionRefused(
            _("The member must be told of an extension within the first month; it is over.")
        )
    moment = _as_moment(until, dsr.due_at)
    if moment <= dsr.due_at:
        raise ExtensionRefused(_("The new due date must be later than the current one."))
    latest = latest_extension(dsr)
    if moment > latest:
        raise ExtensionRefused(
            _("A deadline can be extended by two months at most, to %(date)s.")
            % {"date": _site_time(latest).strftime("%Y-%m-%d")}
        )
    return moment


# -- many requests: the queue, the dashboard and the reminders ---------------------------------


def with_effective_due(queryset: QuerySet) -> QuerySet:
    """Annotate ``effective_due``: the extension if any, else ``due_at``."""
    if "effective_due" in queryset.query.annotations:
        return queryset
    return queryset.annotate(effective_due=Coalesce(F("extended_until"), F("due_at")))


def running(queryset: QuerySet | None = None) -> QuerySet:
    """Open requests whose clock is running, annotated with ``effective_due``."""
    model = DataSubjectRequest
    queryset = model.objects.all() if queryset is None else queryset
    running_statuses = [s for s in model.OPEN_STATUSES if s != model.UNVERIFIED]
    return with_effective_due(
        queryset.filter(status__in=running_statuses, clock_paused_at__isnull=True)
    )


def overdue(now: datetime | None = None, queryset: QuerySet | None = None) -> QuerySet:
    now = now or timezone.now()
    return running(queryset).filter(effective_due__lt=now)


def due_within(now: datetime | None, days: int, queryset: QuerySet | None = None) -> QuerySet:
    """Due in the next ``days`` days and not yet overdue."""
    now = now or timezone.now()
    return running(queryset).filter(
        effective_due__gte=now, effective_due__lte=now + timedelta(days=days)
    )


def _not_sent_for(field: str) -> Q:
    # Sent once per due date: an extension moves the date, and the reminder comes again.
    return Q(**{f"{field}__isnull": True}) | ~Q(**{field: F("effective_due")})


def reminders_due(now: datetime | None = None, days_before: int = 7) -> QuerySet:
    """Requests due within ``days_before`` days whose reminder has not been sent yet."""
    return (
        due_within(now, days_before)
        .filter(_not_sent_for("reminder_sent_for"))
        .order_by("effective_due", "pk")
    )


def overdue_notices_due(now: datetime | None = None) -> QuerySet:
    """Overdue requests whose "overdue" notice has not been sent yet."""
    return (
        overdue(now)
        .filter(_not_sent_for("overdue_notice_sent_for"))
        .order_by("effective_due", "pk")
    )


def record_reminder(request_id: int, due: datetime, *, overdue: bool = False) -> bool:
    """Mark the reminder for ``due`` as sent; False if another run has done so already."""
    field = "overdue_notice_sent_for" if overdue else "reminder_sent_for"
    rows = DataSubjectRequest.objects.filter(pk=request_id).filter(
        Q(**{f"{field}__isnull": True}) | ~Q(**{field: due})
    )
    return bool(rows.update(**{field: due}))
