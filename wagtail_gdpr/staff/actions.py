"""Staff actions on data subject requests (GDPR Art. 12 and 5(2)), each as a service.

Each action locks the request, checks that it is possible in the request's present state (see
:mod:`wagtail_gdpr.staff.rules`), makes the change, tells the member where the law says they must
be told, and records an entry of its own in Wagtail's audit log (see :mod:`wagtail_gdpr.audit`).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import audit, rectification, restriction_objection
from wagtail_gdpr.erasure.plan import build_plan
from wagtail_gdpr.requests import legal_clock, member_emails, worker_queue
from wagtail_gdpr.staff.people import can_manage
from wagtail_gdpr.staff.rules import (
    ACCEPT_PROCESSING,
    ASSIGN,
    CLOSE,
    DELIVER,
    LIFT_PROCESSING,
    REFUSE,
    REQUEST_IDENTITY,
    RUN_ERASURE,
    SCHEDULE_ERASURE,
    VERIFY,
    ActionRefused,
    require,
)
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest
MAX_REASON_LENGTH = rectification.MAX_REASON_LENGTH


# -- helpers -------------------------------------------------------------------------------------


def _lock(dsr: DataSubjectRequest | int) -> DataSubjectRequest:
    locked = worker_queue.lock_request(dsr)
    if locked is None:
        raise ActionRefused(_("This request no longer exists."))
    return locked


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _clean_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(message)
    if len(reason) > MAX_REASON_LENGTH:
        raise ActionRefused(
            _("Please keep the reason under %(count)d characters.") % {"count": MAX_REASON_LENGTH}
        )
    return reason


# -- the actions ---------------------------------------------------------------------------------


def assign(dsr: DataSubjectRequest, user, assignee) -> DataSubjectRequest:
    """Give the request to a staff member (``None`` takes it back to nobody)."""
    if assignee is not None and not can_manage(assignee):
        raise ActionRefused(_("Requests can only be given to staff who may work the queue."))
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, ASSIGN, timezone.now())
        dsr.assignee = assignee
        dsr.save(update_fields=["assignee"])
        audit.record(dsr, audit.ASSIGNED, user, assignee_id=assignee.pk if assignee else None)
    return dsr


def request_identity(dsr: DataSubjectRequest, user, now: datetime | None = None):
    """Staff need proof of identity before going on: the clock stops until it is given."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, REQUEST_IDENTITY, now)
        legal_clock.pause(dsr, now)
        dsr.status = R.UNVERIFIED
        dsr.save(update_fields=["status", "clock_paused_at"])
        audit.record(dsr, audit.IDENTITY_REQUESTED, user)
    return dsr


def _status_after_verification(dsr: DataSubjectRequest) -> str:
    # Copies are made by a worker; everything else waits for a decision by staff.
    return R.QUEUED if dsr.kind == R.ACCESS else R.IN_REVIEW


def verify_identity(dsr: DataSubjectRequest, user, now: datetime | None = None):
    """The requester is who they say they are: the clock starts, or goes on where it stopped."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, VERIFY, now)
        legal_clock.resume(dsr, now, legal_clock.response_days())
        dsr.verified_at = now
        dsr.status = _status_after_verification(dsr)
        dsr.save(update_fields=["status", "verified_at", *legal_clock.CLOCK_FIELDS])
        audit.record(
            dsr, audit.IDENTITY_VERIFIED, user, due_at=_iso(legal_clock.effective_due(dsr))
        )
        if dsr.status == R.QUEUED:
            worker_queue.enqueue_on_commit(dsr.pk)
    return dsr


def extend(
    dsr: DataSubjectRequest, user, until: date | datetime, reason: str, now=None
) -> DataSubjectRequest:
    """Extend the deadline once, by two months at most (Art. 12(3)); the member is told why."""
    now = now or timezone.now()
    reason = _clean_reason(reason, _("Give a reason: the member is told why the answer is late."))
    with transaction.atomic():
        dsr = _lock(dsr)
        try:
            new_due = legal_clock.check_extension(dsr, until, reason, now)
        except legal_clock.ExtensionRefused as exc:
            raise ActionRefused(exc.message) from None
        dsr.extended_until = new_due
        dsr.extension_reason = reason
        dsr.save(update_fields=["extended_until", "extension_reason"])
        audit.record(
            dsr, audit.EXTENDED, user, due_at=_iso(dsr.due_at), extended_until=_iso(new_due)
        )
        member_emails.send_after_commit(dsr.pk, "request_extended")
    return dsr


def approve_correction(dsr: DataSubjectRequest, user) -> DataSubjectRequest:
    """Apply a proposed correction (logged by ``rectification`` as a correction approval)."""
    try:
        return rectification.approve(dsr, user)
    except rectification.CorrectionRefused as exc:
        raise ActionRefused(exc.message) from None


def reject_correction(dsr: DataSubjectRequest, user, reason: str) -> DataSubjectRequest:
    """Refuse a proposed correction; the member reads ``reason``."""
    try:
        return rectification.reject(dsr, user, reason)
    except rectification.CorrectionRefused as exc:
        raise ActionRefused(exc.message) from None


def _erasure_blocked(dsr: DataSubjectRequest, now: datetime) -> str:
    return build_plan(dsr.member, now).blocked_by


def run_erasure_now(dsr: DataSubjectRequest, user, now: datetime | None = None):
    """Hand the erasure to a worker as soon as this transaction commits."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, RUN_ERASURE, now)
        blocked_by = _erasure_blocked(dsr, now)
        if blocked_by:
            raise ActionRefused(
                _("A legal hold stops this erasure (%(reason)s): refuse it, or end the hold.")
                % {"reason": blocked_by}
            )
        dsr.status = R.QUEUED
        dsr.execute_after = now
        dsr.enqueued_at = None
        dsr.failure_reason = ""
        dsr.save(update_fields=["status", "execute_after", "enqueued_at", "failure_reason"])
        audit.record(dsr, audit.ERASURE_RUN, user)
        worker_queue.enqueue_on_commit(dsr.pk)
    return dsr


def schedule_erasure(dsr: DataSubjectRequest, user, when: datetime, now: datetime | None = None):
    """Carry the erasure out at ``when``, which must come before the answer is due."""
    now = now or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, SCHEDULE_ERASURE, now)
        if when <= now:
            raise ActionRefused(_("Choose a time in the future, or run the erasure now."))
        due = legal_clock.effective_due(dsr)
        if due is not None and when > due:
            raise ActionRefused(
                _("The erasure must be carried out before the answer is due, on %(date)s.")
                % {"date": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
            )
        dsr.status = R.SCHEDULED
        dsr.execute_after = when
        dsr.failure_reason = ""
        dsr.save(update_fields=["status", "execute_after", "failure_reason"])
        audit.record(dsr, audit.ERASURE_SCHEDULED, user, execute_after=_iso(when))
    return dsr


def refuse(dsr: DataSubjectRequest, user, reason: str, now: datetime | None = None):
    """Refuse the request (Art. 12(4)): the member reads ``reason`` and is emailed."""
    now = now or timezone.now()
    reason = _clean_reason(reason, _("Give a reason: the member is told why."))
    with transaction.atomic():
        dsr = _lock(dsr)
        if dsr.kind == R.RECTIFICATION and dsr.status == R.IN_REVIEW:
            raise ActionRefused(_("Reject the proposed correction instead."))
        require(dsr, REFUSE, now)
        dsr.status = R.REFUSED
        dsr.refusal_reason = reason
        dsr.completed_at = now
        dsr.clock_paused_at = None
        dsr.outcome = {**dsr.outcome, "decision": "refused", "by": user.pk, "at": now.isoformat()}
        dsr.save(
            update_fields=["status", "refusal_reason", "completed_at", "clock_paused_at", "outcome"]
        )
        audit.record(dsr, audit.REFUSED, user)
        member_emails.send_after_commit(dsr.pk, "request_refused")
    return dsr


def _finish(dsr: DataSubjectRequest, user, action: str, decision: str, note: str, now):
    note = (note or "").strip()
    if len(note) > MAX_REASON_LENGTH:
        raise ActionRefused(
            _("Please keep the note under %(count)d characters.") % {"count": MAX_REASON_LENGTH}
        )
    dsr.status = R.DONE
    dsr.completed_at = now
    dsr.progress = 100
    dsr.outcome = {**dsr.outcome, "decision": decision, "by": user.pk, "at": now.isoformat()}
    if note:
        dsr.outcome["note"] = note
    dsr.save(update_fields=["status", "completed_at", "progress", "outcome"])
    audit.record(dsr, action, user)


def mark_delivered(dsr: DataSubjectRequest, user, note: str = "", now=None):
    """A copy was given by other means (post, in person): the request is answered."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, DELIVER, now)
        _finish(dsr, user, audit.DELIVERED, "delivered by other means", note, now)
    return dsr


def accept_processing(dsr: DataSubjectRequest, user):
    """Accept a restriction or objection: ``processing_allowed`` says no from now on."""
    require(dsr, ACCEPT_PROCESSING, timezone.now())
    try:
        return restriction_objection.accept(dsr, user)
    except restriction_objection.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def lift_processing(dsr: DataSubjectRequest, user):
    """End an accepted restriction or objection; the member is told."""
    require(dsr, LIFT_PROCESSING, timezone.now())
    try:
        return restriction_objection.lift(dsr, user)
    except restriction_objection.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def close(dsr: DataSubjectRequest, user, note: str = "", now=None):
    """The request has been dealt with (e.g. processing restricted, an objection honoured)."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, CLOSE, now)
        _finish(dsr, user, audit.CLOSED, "closed", note, now)
    return dsr
