"""The 72 hours from discovery (GDPR Art. 33(1)), and the decisions that must come first.

The authority is notified within 72 hours of the controller becoming aware of the breach; later,
the notification carries the reasons for the delay. Before notifying, or deciding not to, the
risk to people is assessed and recorded (Art. 33(1) and 34(1)), so that the decision has grounds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr.errors import Refused
from wagtail_gdpr.tables import Breach

HOURS = 72


def deadline(breach: Breach) -> datetime:
    return breach.discovered_at + timedelta(hours=HOURS)


def is_decided(breach: Breach) -> bool:
    """The authority has been notified, or the officer decided it need not be."""
    return bool(breach.authority_notified_at or breach.not_notifying_at)


def is_late(breach: Breach, now: datetime | None = None) -> bool:
    """Past the 72 hours: when the decision came after them, or is still to come."""
    decided = breach.authority_notified_at or breach.not_notifying_at
    return (decided or now or timezone.now()) > deadline(breach)


def hours_left(breach: Breach, now: datetime | None = None) -> float:
    return (deadline(breach) - (now or timezone.now())).total_seconds() / 3600


def open_undecided():
    """Breaches whose authority decision is still to be taken, soonest deadline first."""
    return Breach.objects.filter(
        authority_notified_at__isnull=True, not_notifying_at__isnull=True, closed_at__isnull=True
    ).order_by("discovered_at")


def due_within(now: datetime, hours: int):
    """Undecided breaches whose 72 hours end within ``hours``, or have ended."""
    return open_undecided().filter(discovered_at__lte=now - timedelta(hours=HOURS - hours))


def overdue(now: datetime):
    return open_undecided().filter(discovered_at__lt=now - timedelta(hours=HOURS))


def check_may_decide(breach: Breach, delay_reason: str, now: datetime | None = None) -> None:
    """Refuse a notification, or a decision not to notify, that lacks its grounds."""
    if not breach.risk or not breach.risk_reasons.strip():
        raise Refused(_("Record the risk assessment, with its reasons, first."))
    if is_late(breach, now) and not (delay_reason or breach.delay_reason).strip():
        raise Refused(_("More than 72 hours have passed: give the reason for the delay."))
