"""The copy waits for connected systems, within limits, and includes what they sent.

A copy is built once every connected system has answered, given up, or passed its deadline. A
system that sent its data has a section of its own in the copy, labelled with its name; one that
did not is named in the copy as "not received by" its deadline, and staff are told with a note on
the request and by email (``wagtail_gdpr.staff.connector_alerts``). An answer that arrives later
is kept, and goes into the member's next copy where the system sends nothing in time for it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail_gdpr import readable
from wagtail_gdpr.connectors import answers, outbox
from wagtail_gdpr.requests import notes
from wagtail_gdpr.tables import ConnectorEvent


def must_wait(request_id: int, now=None) -> bool:
    """Should the copy of request ``request_id`` wait for a connected system's answer?"""
    return not answers.all_settled(request_id, now)


def close_overdue(request_id: int | None = None, now=None) -> int:
    """Events past their deadline without an answer: marked "not received", with a note on the
    request; the staff's email follows (``staff.connector_alerts``)."""
    now = now or timezone.now()
    overdue = ConnectorEvent.objects.filter(
        status__in=(ConnectorEvent.PENDING, ConnectorEvent.AWAITING_ANSWER), answer_by__lte=now
    )
    if request_id is not None:
        overdue = overdue.filter(request_id=request_id)
    closed = 0
    for event_id in overdue.values_list("pk", flat=True):
        with transaction.atomic():
            event = (
                ConnectorEvent.objects.select_for_update()
                .select_related("request")
                .filter(
                    pk=event_id, status__in=(ConnectorEvent.PENDING, ConnectorEvent.AWAITING_ANSWER)
                )  # fmt: skip
                .first()
            )
            if event is None:
                continue
            ConnectorEvent.objects.filter(pk=event_id).update(
                status=ConnectorEvent.NOT_RECEIVED,
                next_attempt_at=None,
                payload=outbox.minimise(event),  # a late answer needs the id, not the subject
            )
            notes.add(
                event.request,
                _("%(system)s did not answer by %(date)s. Ask them directly.")
                % {"system": event.connector_name, "date": readable.in_words(event.answer_by)},
                now=now,
            )
            answers.wake_copy_if_ready(event.request_id)
            closed += 1
    return closed


def arrived_late(event: ConnectorEvent) -> ConnectorEvent | None:
    """The same system's newest data about the same member, from an earlier request, if it
    arrived after that request's copy was made: it fills in this copy where the system sent
    nothing. Only the newest counts: data a later, timely answer replaced is never shown."""
    member_id = event.request.member_id
    if member_id is None:
        return None
    newest = (
        ConnectorEvent.objects.filter(
            request__member_id=member_id,
            request_id__lt=event.request_id,
            connector_key=event.connector_key,
            kind="access",
            answer=ConnectorEvent.DATA,
        )
        .select_related("request")
        .order_by("-answered_at", "-pk")
        .first()
    )
    made = newest.request.completed_at if newest is not None else None
    if newest is None or made is None or newest.answered_at <= made:
        return None
    return newest


def sections(request_id: int) -> list[dict]:
    """What each connected system adds to the copy: ``key, name, columns, rows, notes``."""
    found = []
    events = ConnectorEvent.objects.filter(request_id=request_id, kind="access")
    for event in events.select_related("request").order_by("connector_name"):
        key = f"system-{slugify(event.connector_key)}"
        late = arrived_late(event) if not event.answer else None  # it sent nothing in time
        if event.answer == ConnectorEvent.DATA or late is not None:
            table = (event if late is None else late).answer_data or {}
            said = [] if late is None else [
                _("Received on %(date)s, after an earlier copy of yours was made.")
                % {"date": readable.in_words(late.answered_at)}
            ]  # fmt: skip
            found.append({"key": key, "name": event.connector_name,
                          "columns": list(table.get("columns") or []),
                          "rows": list(table.get("rows") or []), "notes": said})  # fmt: skip
            continue
        if event.answer == ConnectorEvent.REFUSED:
            said = _("%(system)s did not send its data: %(reason)s") % {
                "system": event.connector_name,
                "reason": event.answer_reason,
            }
        else:
            said = _("Not received by %(date)s. We will add it to your next copy.") % {
                "date": readable.in_words(event.answer_by)
            }
        found.append({"key": key, "name": event.connector_name, "columns": [_("What happened")],
                      "rows": [[said]], "notes": [said]})  # fmt: skip
    return found
