"""Reminders of the 72 hours of a personal data breach (GDPR Art. 33(1)): the privacy officers
are emailed when a breach whose authority decision is outstanding has a day left, and once its
72 hours have passed. Each reminder is sent once per breach: Wagtail's audit log records it, in
the transaction that sends it, and a run finds there what was already sent."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from wagtail_gdpr import audit, mail, routes
from wagtail_gdpr.breaches import clock
from wagtail_gdpr.staff.people import admin_language, privacy_officers
from wagtail_gdpr.tables import Breach

logger = logging.getLogger(__name__)

#: How long before the 72 hours end the officers are reminded.
AHEAD = timedelta(hours=24)
DUE_SOON = "due_soon"
OVERDUE = "overdue"


def _already_sent(breach: Breach, kind: str) -> bool:
    return ModelLogEntry.objects.filter(
        action=audit.BREACH_REMINDED, object_id=str(breach.pk), data__reminder=kind
    ).exists()


def _remind(breach_id: int, kind: str, now: datetime) -> int:
    with transaction.atomic():
        breach = Breach.objects.select_for_update().filter(pk=breach_id).first()
        if breach is None or clock.is_decided(breach) or _already_sent(breach, kind):
            return 0
        sent = 0
        for user in privacy_officers():
            address = (getattr(user, user.get_email_field_name(), "") or "").strip()
            if not address:
                continue
            context = {
                "breach": breach,
                "deadline": clock.deadline(breach),
                "hours_left": max(0, int(clock.hours_left(breach, now))),
                "overdue": kind == OVERDUE,
                "breach_url": routes.admin_url(breach),
            }
            mail.send("breach_reminder", address, context, language=admin_language(user))
            sent += 1
        audit.record_breach(breach, audit.BREACH_REMINDED, None, reminder=kind, recipients=sent)
    return 1


def send_breach_reminders(now: datetime | None = None) -> dict[str, int]:
    """Remind the officers of breaches with a day left, and of those past their 72 hours."""
    now = now or timezone.now()
    counts = {DUE_SOON: 0, OVERDUE: 0, "failed": 0}
    soon = clock.due_within(now, int(AHEAD.total_seconds() // 3600)).exclude(
        pk__in=clock.overdue(now).values("pk")
    )
    for kind, breaches in ((DUE_SOON, soon), (OVERDUE, clock.overdue(now))):
        for pk in list(breaches.values_list("pk", flat=True)):
            try:
                counts[kind] += _remind(pk, kind, now)
            except OSError as exc:  # the mail server: the next run tries again
                counts["failed"] += 1
                logger.warning("Breach reminder #%s failed (%s).", pk, type(exc).__name__)
    return counts
