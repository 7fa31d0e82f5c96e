"""The periodic sweep: events whose next attempt is due are sent again; deadlines are kept."""

from __future__ import annotations

from django.utils import timezone

from wagtail_gdpr import jobs
from wagtail_gdpr.connectors import copies, delivery


def sweep(now=None) -> dict[str, int]:
    """Send the due events again, and close those past their deadline. Safe to run any time."""
    now = now or timezone.now()
    resent = 0
    for event_id in delivery.due(now):
        jobs.send(jobs.DELIVER_CONNECTOR_EVENT, event_id)
        resent += 1
    return {"resent": resent, "not_received": copies.close_overdue(now=now)}
