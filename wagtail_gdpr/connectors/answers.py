"""A connected system's answer: checked, then recorded once.

An answer comes in the response to the event (at once) or later, to the event's callback URL,
signed like the event. It is accepted once: a second answer to the same event is refused, so a
replayed callback changes nothing. What is stored is bounded and plain: rows of simple values for
a copy, a reason of limited length for a refusal.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from wagtail_gdpr import connected_systems
from wagtail_gdpr.connectors import outbox
from wagtail_gdpr.requests import worker_queue
from wagtail_gdpr.tables import ConnectorEvent, DataSubjectRequest

#: The answer that says "we will answer later, through the callback URL".
ACCEPTED = "accepted"
MAX_REASON = 1000
MAX_RECORDS = 10_000
MAX_FIELDS = 200
MAX_TEXT = 10_000
SCALARS = (str, int, float, bool, type(None))


class InvalidAnswer(ValueError):
    """The answer does not follow the protocol; the message says how, without its content."""


class AlreadyAnswered(Exception):
    """The event has its answer: a second one (a replay) is refused."""


def allowed_statuses(kind: str) -> tuple[str, ...]:
    if kind == connected_systems.ACCESS:
        return (ConnectorEvent.DATA, ConnectorEvent.REFUSED)
    return (ConnectorEvent.CONFIRMED, ConnectorEvent.REFUSED)


def _records(data) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise InvalidAnswer("data.records must be a list")
    records = data["records"]
    if len(records) > MAX_RECORDS:
        raise InvalidAnswer("too many records")
    for record in records:
        if not isinstance(record, dict) or len(record) > MAX_FIELDS:
            raise InvalidAnswer("each record must be an object of at most 200 fields")
        for name, value in record.items():
            if not isinstance(value, SCALARS) or len(str(name)) > 200:
                raise InvalidAnswer("record values must be strings, numbers, booleans or null")
            if isinstance(value, str) and len(value) > MAX_TEXT:
                raise InvalidAnswer("a record value is too long")
    return records


def as_table(records: list[dict]) -> dict:
    """Records as ``{"columns", "rows"}``: the columns in the order the system sent them
    (a JSON column of the database may reorder an object's keys, never a list)."""
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(str(name) for name in record))
    names = list(columns)
    return {"columns": names, "rows": [[record.get(n) for n in names] for record in records]}


def check(event: ConnectorEvent, answer, *, later_allowed: bool) -> dict:
    """The answer as it will be stored; :class:`InvalidAnswer` when it breaks the protocol."""
    if not isinstance(answer, dict):
        raise InvalidAnswer("the answer must be a JSON object")
    if answer.get("id") != str(event.idempotency_key):
        raise InvalidAnswer("the answer's id is not the event's")
    status = answer.get("status")
    if status == ACCEPTED and later_allowed:
        return {"status": ACCEPTED}
    if status not in allowed_statuses(event.kind):
        raise InvalidAnswer(f"status must be one of {', '.join(allowed_statuses(event.kind))}")
    reason = answer.get("reason", "")
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise InvalidAnswer("reason must be a text of at most 1000 characters")
    if status == ConnectorEvent.REFUSED and not reason.strip():
        raise InvalidAnswer("a refusal must give its reason")
    checked = {"status": status, "reason": reason.strip(), "data": None}
    if status == ConnectorEvent.DATA:
        checked["data"] = as_table(_records(answer.get("data")))
    return checked


def record(event_id: int, answer: dict, *, later_allowed: bool = False, now=None) -> str:
    """Check and store an answer to event ``event_id``; returns its status.

    ``later_allowed``: the answer came in the response to the event, where "accepted" (an answer
    will follow) is allowed. Raises :class:`InvalidAnswer` or :class:`AlreadyAnswered`.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = ConnectorEvent.objects.select_for_update().get(pk=event_id)
        if event.status == ConnectorEvent.ANSWERED:
            raise AlreadyAnswered()
        checked = check(event, answer, later_allowed=later_allowed)
        if not DataSubjectRequest.objects.filter(
            pk=event.request_id, member__isnull=False
        ).exists():
            checked["data"] = None  # the member's data was erased meanwhile: keep none of it
        if checked["status"] == ACCEPTED:
            ConnectorEvent.objects.filter(pk=event_id, status=ConnectorEvent.PENDING).update(
                status=ConnectorEvent.AWAITING_ANSWER, delivered_at=now, next_attempt_at=None
            )
            return ACCEPTED
        ConnectorEvent.objects.filter(pk=event_id).update(
            status=ConnectorEvent.ANSWERED,
            delivered_at=event.delivered_at or now,
            answered_at=now,
            next_attempt_at=None,
            answer=checked["status"],
            answer_reason=checked["reason"],
            answer_data=checked["data"],
            payload=outbox.minimise(event),
            last_error="",
        )
        wake_copy_if_ready(event.request_id)
    return checked["status"]


def all_settled(request_id: int, now=None) -> bool:
    """Has every connected system answered, given up, or passed its deadline?"""
    now = now or timezone.now()
    open_events = ConnectorEvent.objects.filter(request_id=request_id).exclude(
        status__in=ConnectorEvent.SETTLED
    )
    return not open_events.filter(answer_by__gt=now).exists()


def wake_copy_if_ready(request_id: int) -> bool:
    """A copy waiting for connected systems is sent to a worker once they have all answered."""
    waiting = DataSubjectRequest.objects.filter(
        pk=request_id,
        kind__in=(DataSubjectRequest.ACCESS, DataSubjectRequest.PORTABILITY),
        status=DataSubjectRequest.QUEUED,
    ).exists()
    if waiting and all_settled(request_id):
        worker_queue.enqueue_on_commit(request_id)
        return True
    return False
