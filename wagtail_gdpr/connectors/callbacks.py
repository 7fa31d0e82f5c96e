"""A connected system's later answer, through the event's callback URL.

Authenticated by the signature of the system the event was sent to (compared in constant time,
refused when older than ``WAGTAIL_GDPR_CONNECTOR_SIGNATURE_TOLERANCE_SECONDS``), bounded in size
by the caller, and accepted once: a replay of an accepted callback is refused.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from wagtail_gdpr import connected_systems
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.connectors import answers, signing
from wagtail_gdpr.tables import ConnectorEvent

logger = logging.getLogger(__name__)


@dataclass
class Reply:
    """What the callback's caller is told: an HTTP status and a short reason for machines."""

    status: int
    message: str


def max_bytes() -> int:
    return int(app_settings.CONNECTOR_MAX_RESPONSE_BYTES)


def receive(event_id: str, signature: str, body: bytes) -> Reply:
    """Check and record the answer ``body`` to event ``event_id`` (its idempotency key)."""
    if len(body) > max_bytes():
        return Reply(413, "too large")
    try:
        event = ConnectorEvent.objects.filter(idempotency_key=event_id).first()
    except ValidationError:
        event = None
    system = connected_systems.get(event.connector_key) if event else None
    if event is None or system is None:
        return Reply(404, "no such event")
    tolerance = int(app_settings.CONNECTOR_SIGNATURE_TOLERANCE_SECONDS)
    try:
        signing.verify(system.secret, signature, body, tolerance)
    except signing.BadSignature as exc:
        logger.warning("A callback for connected system %s was refused: %s.", system.key, exc)
        return Reply(401, "bad signature")
    try:
        answer = json.loads(body)
        status = answers.record(event.pk, answer)
    except answers.AlreadyAnswered:
        logger.warning("A second answer from connected system %s was refused.", system.key)
        return Reply(409, "already answered")
    except answers.InvalidAnswer as exc:
        return Reply(400, str(exc))
    except ValueError:
        return Reply(400, "not JSON")
    return Reply(200, status)
