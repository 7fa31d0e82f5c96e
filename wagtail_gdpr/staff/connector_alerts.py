"""Telling staff when a connected system did not answer a request by its deadline.

The connectors' sweep marks such an event "not received" and notes it on the request; here the
privacy officers are emailed about it, each in their admin language, once per event: which
system, which request (with a link to it in the queue), and the deadline it missed. The mark and
the mail commit or roll back together: a mail that fails is tried again at the next run. Run by
the periodic job ``wagtail_gdpr.sweep_connector_events`` and ``manage.py gdpr_sweep_connectors``.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from wagtail_gdpr import mail, routes
from wagtail_gdpr.staff.people import admin_language, privacy_officers
from wagtail_gdpr.tables import ConnectorEvent

logger = logging.getLogger(__name__)


def _officers() -> list[tuple[object, str]]:
    found, seen = [], set()
    for user in privacy_officers():
        address = (getattr(user, user.get_email_field_name(), "") or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            found.append((user, address))
    return found


def _tell(event_id: int, officers, now: datetime) -> bool:
    with transaction.atomic():
        event = (
            ConnectorEvent.objects.select_for_update(of=("self",))
            .select_related("request")
            .filter(
                pk=event_id, status=ConnectorEvent.NOT_RECEIVED, staff_told_at__isnull=True
            )  # fmt: skip
            .first()
        )
        if event is None:
            return False  # another run told them
        context = {
            "event": event,
            "request_obj": event.request,
            "queue_url": routes.admin_url(event.request),
        }
        for user, address in officers:
            mail.send("connector_not_received", address, context, language=admin_language(user))
        ConnectorEvent.objects.filter(pk=event_id).update(staff_told_at=now)
    return True


def tell_staff_of_silent_systems(now: datetime | None = None) -> int:
    """Email the privacy officers about each system that did not answer by its deadline and
    that they were not told of yet; returns how many such events they were told of."""
    now = now or timezone.now()
    silent = ConnectorEvent.objects.filter(
        status=ConnectorEvent.NOT_RECEIVED, staff_told_at__isnull=True
    ).order_by("pk")
    event_ids = list(silent.values_list("pk", flat=True))
    if not event_ids:
        return 0
    officers = _officers()
    if not officers:
        logger.warning("No privacy officer has an email address to be told of silent systems.")
        return 0
    told = sum(_tell(event_id, officers, now) for event_id in event_ids)
    logger.info("Staff told of %d events without an answer by their deadline.", told)
    return told
