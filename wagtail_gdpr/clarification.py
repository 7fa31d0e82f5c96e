"""Asking the requester for what a request lacks, and their answer (GDPR Art. 12(2) and (6)).

Staff ask from the queue (a question the requester reads, by email and in the privacy centre);
the request waits in the status "waiting for the requester". The requester answers in the
privacy centre, or staff record an answer that came another way; either way the request goes
back to staff. The legal clock stands still meanwhile only where the site's law allows it
(``WAGTAIL_GDPR_CLARIFICATION_STOPS_CLOCK``): proof of identity has its own step.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import audit
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.requests import legal_clock, member_emails, notes, worker_queue
from wagtail_gdpr.tables import DataSubjectRequest, RequestNote

R = DataSubjectRequest
#: The kinds whose request names a purpose, and may be answered with one.
PURPOSE_KINDS = (R.RESTRICTION, R.OBJECTION)


class AnswerRefused(Refused):
    """The answer cannot be taken; ``message`` is for the requester to read."""


def clock_stops() -> bool:
    return bool(app_settings.CLARIFICATION_STOPS_CLOCK)


def ask(dsr: DataSubjectRequest, staff_user, question: str, now: datetime) -> RequestNote:
    """Put ``question`` to the requester; the caller holds the request's lock and saves nothing.

    The requester is emailed once the transaction commits.
    """
    note = notes.add(dsr, question, author=staff_user, kind=RequestNote.TO_REQUESTER, now=now)
    dsr.status = R.WAITING_FOR_MEMBER
    if clock_stops():
        legal_clock.pause(dsr, now)
    dsr.save(update_fields=["status", "clock_paused_at"])
    audit.record(dsr, audit.REQUESTER_ASKED, staff_user, clock_stopped=clock_stops())
    member_emails.send_after_commit(dsr.pk, "request_question")
    return note


def _back_to_staff(dsr: DataSubjectRequest, now: datetime) -> None:
    if dsr.clock_paused_at is not None:
        legal_clock.resume(dsr, now, legal_clock.response_days())
    dsr.status = R.IN_REVIEW
    dsr.save(update_fields=["status", "purpose", *legal_clock.CLOCK_FIELDS])


def record_answer(dsr: DataSubjectRequest, staff_user, text: str, now: datetime) -> RequestNote:
    """An answer that came by post, phone or email; the caller holds the request's lock."""
    note = notes.add(dsr, text, author=staff_user, kind=RequestNote.FROM_REQUESTER, now=now)
    _back_to_staff(dsr, now)
    audit.record(dsr, audit.ANSWER_RECEIVED, staff_user, by_staff=True)
    return note


def answer(request_id: int, member, text: str, *, purpose: str = "", now=None) -> RequestNote:
    """The member answers their own request in the privacy centre.

    ``purpose`` (a purpose slug the caller's form offered) completes a restriction or objection
    that named none.
    """
    now = now or timezone.now()
    with transaction.atomic():
        dsr = worker_queue.lock_request(int(request_id))
        if dsr is None or dsr.member_id != getattr(member, "pk", None):
            raise AnswerRefused(_("We could not find this request among yours."))
        if dsr.status != R.WAITING_FOR_MEMBER:
            raise AnswerRefused(_("We are not waiting for an answer to this request."))
        try:
            note = notes.add(dsr, text, author=member, kind=RequestNote.FROM_REQUESTER, now=now)
        except notes.NoteRefused as exc:
            raise AnswerRefused(exc.message) from None
        if purpose and dsr.kind in PURPOSE_KINDS and not dsr.purpose:
            dsr.purpose = purpose
        _back_to_staff(dsr, now)
        audit.record(dsr, audit.ANSWER_RECEIVED, member, by_staff=False)
    return note


def needs_purpose(dsr: DataSubjectRequest) -> bool:
    """A restriction or objection that names no purpose yet."""
    return dsr.kind in PURPOSE_KINDS and not dsr.purpose


def awaits_confirmation(dsr: DataSubjectRequest) -> bool:
    """A request from the public form whose sender has not opened the emailed link yet."""
    payload = dsr.payload or {}
    confirmation = payload.get("confirmation") or {}
    return (
        dsr.status == R.UNVERIFIED
        and payload.get("source") == "public_form"
        and not confirmation.get("used_at")
    )


def remind(dsr: DataSubjectRequest, staff_user) -> None:
    """Remind the requester that we wait for them: their answer, or proof of identity."""
    audit.record(dsr, audit.REQUESTER_REMINDED, staff_user)
    member_emails.send_after_commit(dsr.pk, "request_reminder")
