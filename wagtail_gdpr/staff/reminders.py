"""Deadline reminders: staff are emailed before a request is due, and once it is overdue.

Each reminder is sent once per due date (an extension moves the date, and the reminder comes
again), to the request's assignee and the privacy officers, each in their own admin language.
The mark and the mail commit or roll back together: a reminder whose mail fails is tried again
at the next run.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from wagtail_gdpr import audit, mail, routes
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.staff.people import admin_language, privacy_officers
from wagtail_gdpr.tables import DataSubjectRequest, GdprSettings

logger = logging.getLogger(__name__)


def _recipients(dsr: DataSubjectRequest) -> list:
    people = [dsr.assignee] if dsr.assignee and dsr.assignee.is_active else []
    people += list(privacy_officers())
    seen, unique = set(), []
    for user in people:
        address = (getattr(user, user.get_email_field_name(), "") or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            unique.append((user, address))
    return unique


def _send(name: str, dsr: DataSubjectRequest, due: datetime, now: datetime) -> int:
    """One message per recipient, in their own admin language. Raises on SMTP failure."""
    recipients = _recipients(dsr)
    for user, address in recipients:
        context = {
            "request_obj": dsr,
            "due": due,
            "days_left": (timezone.localdate(due) - timezone.localdate(now)).days,
            "queue_url": routes.admin_url(dsr),
            "recipient": user,
        }
        mail.send(name, address, context, language=admin_language(user))
    return len(recipients)


def _remind(request_id: int, *, overdue: bool, now: datetime) -> bool:
    """Send one reminder, once: the mark and the mail commit or roll back together."""
    with transaction.atomic():
        dsr = (
            legal_clock.with_effective_due(DataSubjectRequest.objects.filter(pk=request_id))
            .select_for_update(of=("self",))
            .select_related("assignee")
            .first()
        )
        due = legal_clock.effective_due(dsr) if dsr else None
        still_due = dsr is not None and due is not None and dsr.is_open
        if not still_due or overdue != (now > due):
            return False
        if not legal_clock.record_reminder(request_id, due, overdue=overdue):
            return False  # another run sent it
        name = "deadline_overdue" if overdue else "deadline_reminder"
        sent_to = _send(name, dsr, due, now)
        audit.record(
            dsr,
            audit.REMINDER_SENT,
            None,
            due_at=due.isoformat(),
            overdue=overdue,
            recipients=sent_to,
        )
    return True


def send_deadline_reminders(now: datetime | None = None, days_before: int | None = None) -> dict:
    """Remind staff of requests due soon and of overdue ones; each reminder is sent once."""
    now = now or timezone.now()
    if days_before is None:
        days_before = GdprSettings.current().reminder_days_before
    sent = {"reminders": 0, "overdue": 0, "failed": 0}
    batches = [
        ("reminders", False, legal_clock.reminders_due(now, days_before)),
        ("overdue", True, legal_clock.overdue_notices_due(now)),
    ]
    for key, is_overdue, queryset in batches:
        for pk in list(queryset.values_list("pk", flat=True)):
            try:
                if _remind(pk, overdue=is_overdue, now=now):
                    sent[key] += 1
            except OSError as exc:  # the mail server: try again next time
                sent["failed"] += 1
                logger.warning("Reminder for request #%s failed (%s).", pk, type(exc).__name__)
    return sent
