"""The outbox: one event per connected system, written in the transaction of the request.

Nothing is sent here. The rows are committed with the request they are about; the delivery job
is handed to a worker once the transaction commits, and a periodic sweep finds any row whose job
was lost. An event carries the subject's own identifiers only (member id, verified addresses):
a connected system never sees other people's data, nor what other systems answered.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import audit, connected_systems, jobs
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.registry import verified_emails
from wagtail_gdpr.tables import ConnectorEvent, DataSubjectRequest

PROTOCOL_VERSION = 1
#: After staff send an event again, how long before the sweep takes it if no worker did.
RESEND_GRACE = timedelta(minutes=5)

#: The request kinds connected systems take part in, by the request's own kind.
KIND_OF_REQUEST = {
    DataSubjectRequest.ACCESS: connected_systems.ACCESS,
    DataSubjectRequest.PORTABILITY: connected_systems.ACCESS,
    DataSubjectRequest.ERASURE: connected_systems.ERASURE,
    DataSubjectRequest.RECTIFICATION: connected_systems.RECTIFICATION,
    DataSubjectRequest.RESTRICTION: connected_systems.RESTRICTION,
}


def subject_of(user) -> dict:
    """Who the event is about: the member's id and their verified addresses, nothing else."""
    return {"member_id": str(user.pk), "emails": sorted(verified_emails(user))}


def record(
    dsr: DataSubjectRequest,
    user,
    *,
    changes: list[dict] | None = None,
    purpose: str = "",
    now=None,
):
    """Write one event per connected system taking part in this kind of request.

    Call it inside the transaction that saves the request (or carries it out, for an erasure,
    while the member's addresses still exist). A second call for the same request adds nothing.
    Returns the events written.
    """
    kind = KIND_OF_REQUEST.get(dsr.kind)
    if kind is None or user is None:
        return []
    now = now or timezone.now()
    known = set(dsr.connector_events.values_list("connector_key", flat=True))
    subject = None
    written = []
    for system in connected_systems.taking_part_in(kind):
        if system.key in known:
            continue
        subject = subject or subject_of(user)
        event = ConnectorEvent(
            request=dsr,
            connector_key=system.key,
            connector_name=system.name,
            kind=kind,
            answer_by=now + system.answer_within,
        )
        event.payload = {
            "protocol": PROTOCOL_VERSION,
            "id": str(event.idempotency_key),
            "type": kind,
            "created_at": now.isoformat(),
            "answer_by": event.answer_by.isoformat(),
            "subject": subject,
            **({"changes": list(changes or ())} if kind == connected_systems.RECTIFICATION else {}),
            **({"purpose": str(purpose)} if kind == connected_systems.RESTRICTION else {}),
        }
        problem = connected_systems.endpoint_problem(system.endpoint)
        if problem:
            event.status, event.last_error = ConnectorEvent.UNDELIVERABLE, problem
        event.save()
        written.append(event)
        if not problem:
            jobs.send_on_commit(jobs.DELIVER_CONNECTOR_EVENT, event.pk)
    return written


def minimise(event: ConnectorEvent) -> dict:
    """The payload once answered: the subject's identifiers are no longer needed."""
    return {key: value for key, value in event.payload.items() if key not in ("subject", "changes")}


def can_send_again(event: ConnectorEvent) -> bool:
    """An event that could not be delivered, and still says whom it is about."""
    return event.status == ConnectorEvent.UNDELIVERABLE and "subject" in (event.payload or {})


def _undeliverable(event_id: int) -> ConnectorEvent:
    event = ConnectorEvent.objects.select_for_update().select_related("request").get(pk=event_id)
    if not can_send_again(event):
        raise Refused(_("Only an event that could not be delivered can be sent again or closed."))
    return event


def send_again(event_id: int, *, by=None, now=None) -> ConnectorEvent:
    """Send an undeliverable event again, as it was (the same idempotency key, so a system that
    did take it the first time takes it once), with a new deadline for its answer."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _undeliverable(event_id)
        system = connected_systems.get(event.connector_key)
        if system is None:
            raise Refused(_("This system is no longer connected, so nothing can be sent to it."))
        problem = connected_systems.endpoint_problem(system.endpoint)
        if problem:
            raise Refused(_("The system's address is refused: %(problem)s.") % {"problem": problem})
        answer_by = now + system.answer_within
        payload = {**event.payload, "answer_by": answer_by.isoformat()}
        ConnectorEvent.objects.filter(pk=event.pk).update(
            status=ConnectorEvent.PENDING,
            attempts=0,
            # Not "never sent": the sweep takes it only if this delivery is lost.
            next_attempt_at=now + RESEND_GRACE,
            last_error="",
            answer_by=answer_by,
            payload=payload,
        )
        audit.record(
            event.request, audit.CONNECTOR_EVENT_SENT_AGAIN, by, system=event.connector_key
        )
        jobs.send_on_commit(jobs.DELIVER_CONNECTOR_EVENT, event.pk)
    event.refresh_from_db()
    return event


def close_unsent(event_id: int, *, by=None) -> ConnectorEvent:
    """Staff tell the system another way: the event is closed and forgets whom it was about."""
    with transaction.atomic():
        event = _undeliverable(event_id)
        ConnectorEvent.objects.filter(pk=event.pk).update(payload=minimise(event))
        audit.record(event.request, audit.CONNECTOR_EVENT_CLOSED, by, system=event.connector_key)
    event.refresh_from_db()
    return event


def forget_subjects_of(user, *, but_request_id: int | None = None) -> int:
    """At erasure: the member's other events forget whom they were about and what the systems
    sent about them, and those not yet delivered are given up (the erasure's own events tell
    the systems). Returns how many changed."""
    events = ConnectorEvent.objects.filter(request__member=user).exclude(request_id=but_request_id)
    forgotten = 0
    for event in events.select_for_update():
        if "subject" not in (event.payload or {}) and event.answer_data is None:
            continue
        changes = {"payload": minimise(event), "answer_data": None}
        if event.status == ConnectorEvent.PENDING:
            changes.update(
                status=ConnectorEvent.UNDELIVERABLE,
                next_attempt_at=None,
                last_error="the member's data was erased",
            )
        ConnectorEvent.objects.filter(pk=event.pk).update(**changes)
        forgotten += 1
    return forgotten
