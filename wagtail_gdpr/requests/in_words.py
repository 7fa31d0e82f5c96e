"""A request's status and its moments as people read them: one place, for pages and emails.

Moments are shown in the site's time zone (or the one a page activated) with the zone's name,
so that a date on a page, in an email and in the admin can be compared.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import readable
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest

#: The status as the requester reads it.
STATUS_FOR_REQUESTER = {
    R.UNVERIFIED: _("We are checking that the request is yours"),
    R.WAITING_FOR_MEMBER: _("Waiting for your answer"),
    R.QUEUED: _("Waiting to be processed"),
    R.RUNNING: _("Being processed"),
    R.IN_REVIEW: _("Being reviewed by our staff"),
    R.SCHEDULED: _("Scheduled"),
    R.DONE: _("Completed"),
    R.FAILED: _("Delayed: our staff are putting it right"),
    R.REFUSED: _("Refused"),
    R.CANCELLED: _("Cancelled"),
}


def moment(value: datetime | date | None, *, time: bool = True) -> str:
    """``value`` as a date and time with its zone ("27 Nov 2026, 21:30 CET"), or a date only;
    written by :mod:`wagtail_gdpr.readable`, as every other value members read."""
    if value is None or value == "":
        return ""
    if not time or not isinstance(value, datetime):
        return readable.day(value)
    return readable.moment(value)


def day(value: datetime | date | None) -> str:
    """The date of ``value`` in the reader's time zone."""
    return moment(value, time=False)


def status_for_requester(dsr: DataSubjectRequest) -> str:
    return str(STATUS_FOR_REQUESTER.get(dsr.status, dsr.get_status_display()))


def status_for_staff(dsr: DataSubjectRequest) -> str:
    """The status, and why a closed request was closed: "Cancelled (a duplicate of ...)"."""
    status = str(dsr.get_status_display())
    if dsr.closed_because and not dsr.is_open:
        return f"{status} ({str(dsr.get_closed_because_display()).lower()})"
    return status
