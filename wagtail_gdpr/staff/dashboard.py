"""The counts the admin's home page shows staff who work the queue."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.tables import DataSubjectRequest


def summary(now: datetime | None = None, days: int = 7) -> dict:
    """Open, due within ``days`` days, overdue, and waiting for an identity check."""
    now = now or timezone.now()
    return {
        "open": DataSubjectRequest.objects.filter(
            status__in=DataSubjectRequest.OPEN_STATUSES
        ).count(),
        "due_soon": legal_clock.due_within(now, days).count(),
        "overdue": legal_clock.overdue(now).count(),
        "unverified": DataSubjectRequest.objects.filter(
            status=DataSubjectRequest.UNVERIFIED
        ).count(),
    }
