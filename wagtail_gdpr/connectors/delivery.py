"""Sending one event: signed, with a timeout, a bounded answer, and growing pauses on failure.

The HTTP call runs outside any transaction; its result is recorded under a row lock. Every
attempt sends the same event id (the idempotency key), so a worker that dies after sending and
before recording causes a second delivery the receiver recognises, never a second request.
Failures wait ``base * 2**(attempt - 1)`` seconds (at most an hour), half of it random (jitter),
until the system's ``max_attempts``; then the event is kept as undeliverable for staff.
"""

from __future__ import annotations

import json
import logging
import random
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from wagtail_gdpr import connected_systems
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.connectors import answers, signing
from wagtail_gdpr.routes import default_site
from wagtail_gdpr.tables import ConnectorEvent

logger = logging.getLogger(__name__)

MAX_PAUSE_SECONDS = 3600
USER_AGENT = "wagtail-gdpr-connector/1"

DELIVERED = "delivered"
RETRY = "retry"
GAVE_UP = "gave up"
NOTHING_TO_DO = "nothing to do"


@dataclass
class Attempt:
    """What one delivery did: its outcome and, for a retry, the pause before the next one."""

    outcome: str
    pause: float = 0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could carry the signed event somewhere nobody declared: refuse it."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def pause_before(attempt: int, base: float, rng=random) -> float:
    """Exponential backoff with jitter: half the pause is fixed, half random."""
    ceiling = min(MAX_PAUSE_SECONDS, base * 2 ** max(0, attempt - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def callback_base() -> str:
    base = app_settings.CONNECTOR_CALLBACK_BASE_URL
    if not base:
        site = default_site()
        base = site.root_url if site else getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return str(base).rstrip("/")


def callback_url(event: ConnectorEvent) -> str:
    path = reverse("wagtail_gdpr:connector_answer", args=[event.idempotency_key])
    return callback_base() + path


def body_of(event: ConnectorEvent) -> bytes:
    return json.dumps(
        {**event.payload, "callback_url": callback_url(event)}, separators=(",", ":")
    ).encode()


def read_bounded(response, limit: int) -> bytes:
    data = response.read(limit + 1)
    if len(data) > limit:
        raise answers.InvalidAnswer("the answer is larger than allowed")
    return data


def post(system: connected_systems.ConnectedSystem, event: ConnectorEvent) -> tuple[int, bytes]:
    """``(HTTP status, answer body)``; raises ``OSError`` when the system cannot be reached."""
    body = body_of(event)
    request = urllib.request.Request(  # noqa: S310 (endpoint_problem() allowed https only)
        system.endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            signing.HEADER: signing.sign(system.secret, body),
            "Idempotency-Key": str(event.idempotency_key),
        },
    )
    limit = int(app_settings.CONNECTOR_MAX_RESPONSE_BYTES)
    try:
        with _opener.open(request, timeout=system.timeout) as response:  # noqa: S310 (https only)
            return response.status, read_bounded(response, limit)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, b""


def _failed(event_id: int, system, error: str, *, final: bool, now) -> Attempt:
    """Record a failed attempt: a pause before the next one, or, at the last, give up."""
    with transaction.atomic():
        event = ConnectorEvent.objects.select_for_update().get(pk=event_id)
        if event.status != ConnectorEvent.PENDING:
            return Attempt(NOTHING_TO_DO)
        attempts = event.attempts + 1
        if final or attempts >= system.max_attempts:
            ConnectorEvent.objects.filter(pk=event_id).update(
                status=ConnectorEvent.UNDELIVERABLE,
                attempts=attempts,
                last_error=error[:200],
                next_attempt_at=None,
                # The subject stays until staff send it again or close it (outbox).
            )
            answers.wake_copy_if_ready(event.request_id)
            logger.error(
                "An event for connected system %s could not be delivered (%s).",
                event.connector_key,
                error,
            )
            return Attempt(GAVE_UP)
        pause = pause_before(attempts, system.retry_base_seconds)
        ConnectorEvent.objects.filter(pk=event_id).update(
            attempts=attempts,
            last_error=error[:200],
            next_attempt_at=now + timedelta(seconds=pause),
        )
    logger.warning("Connected system %s did not take an event (%s).", event.connector_key, error)
    return Attempt(RETRY, pause)


def deliver(event_id: int, now=None) -> Attempt:
    """Send event ``event_id`` if it is still to be sent; record what the system answered."""
    now = now or timezone.now()
    event = ConnectorEvent.objects.filter(pk=event_id).first()
    if event is None or event.status != ConnectorEvent.PENDING:
        return Attempt(NOTHING_TO_DO)
    system = connected_systems.get(event.connector_key)
    if system is None:
        return _failed(event_id, None, "the connected system is no longer declared", final=True,
                       now=now)  # fmt: skip
    problem = connected_systems.endpoint_problem(system.endpoint)
    if problem:
        return _failed(event_id, system, problem, final=True, now=now)
    try:
        status, body = post(system, event)
    except answers.InvalidAnswer as exc:
        return _failed(event_id, system, str(exc), final=True, now=now)
    except (OSError, ValueError) as exc:  # refused, timed out, TLS, a broken response
        # The type only (of the cause a URLError wraps): messages may name hosts or people.
        cause = exc.reason if isinstance(getattr(exc, "reason", None), Exception) else exc
        return _failed(event_id, system, type(cause).__name__, final=False, now=now)
    if status in (408, 425, 429) or status >= 500:
        return _failed(event_id, system, f"HTTP {status}", final=False, now=now)
    if not 200 <= status < 300:
        # The system refuses the event itself (a bad signature, an unknown address): sending
        # it again will not help; staff look at it.
        return _failed(event_id, system, f"HTTP {status}", final=True, now=now)
    return _answered_at_once(event_id, system, body, now)


def _answered_at_once(event_id: int, system, body: bytes, now) -> Attempt:
    try:
        answer = json.loads(body) if body.strip() else {"status": answers.ACCEPTED}
        if isinstance(answer, dict) and "id" not in answer:
            answer = {**answer, "id": str(ConnectorEvent.objects.get(pk=event_id).idempotency_key)}
        answers.record(event_id, answer, later_allowed=True, now=now)
    except answers.AlreadyAnswered:
        pass  # the callback was quicker than this response
    except (ValueError, answers.InvalidAnswer) as exc:
        return _failed(event_id, system, f"invalid answer: {exc}", final=True, now=now)
    return Attempt(DELIVERED)


def due(now=None) -> list[int]:
    """Events whose next attempt is due, or that never reached a worker."""
    now = now or timezone.now()
    never_sent = Q(next_attempt_at__isnull=True, created_at__lt=now - timedelta(minutes=5))
    return list(
        ConnectorEvent.objects.filter(never_sent | Q(next_attempt_at__lte=now))
        .filter(status=ConnectorEvent.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
