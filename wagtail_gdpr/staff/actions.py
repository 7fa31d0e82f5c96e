"""Staff actions on data subject requests (GDPR Art. 12 and 5(2)), each as a service.

Each action locks the request, checks that it is possible in the request's present state (see
:mod:`wagtail_gdpr.staff.rules`), makes the change, tells the member where the law says they must
be told, and records an entry of its own in Wagtail's audit log (see :mod:`wagtail_gdpr.audit`).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail_gdpr import audit, clarification, rectification, restriction_objection
from wagtail_gdpr.erasure.plan import build_plan
from wagtail_gdpr.requests import in_words, legal_clock, member_emails, notes, worker_queue
from wagtail_gdpr.staff.people import can_manage
from wagtail_gdpr.staff.rules import (
    ACCEPT_PROCESSING,
    ADD_NOTE,
    ANNOUNCE_LIFT,
    ASK_REQUESTER,
    ASSIGN,
    CLOSE,
    DELIVER,
    LIFT_PROCESSING,
    LINK_MEMBER,
    MAKE_COPY,
    PROCESSING_KINDS,
    RECORD_ANSWER,
    REFUSE,
    REMIND_REQUESTER,
    REQUEST_IDENTITY,
    RUN_ERASURE,
    SCHEDULE_ERASURE,
    VERIFY,
    ActionRefused,
    closing_reasons,
    require,
)
from wagtail_gdpr.tables import DataSubjectRequest, RequestNote

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


def _note(dsr, user, text: str, now, *, kind=RequestNote.INTERNAL, required=False):
    """Keep ``text`` as a note on ``dsr`` (nothing for an empty optional note)."""
    try:
        text = notes.clean_text(text, required=required)
    except notes.NoteRefused as exc:
        raise ActionRefused(exc.message) from None
    return notes.add(dsr, text, author=user, kind=kind, now=now) if text else None


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


def link_member(dsr: DataSubjectRequest, user, member, now: datetime | None = None):
    """Staff found out whose request it is: it is linked to the member's account."""
    if member is None or not getattr(member, "pk", None):
        raise ActionRefused(_("Choose the member's account."))
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, LINK_MEMBER, now or timezone.now())
        dsr.member = member
        if not dsr.contact_email:
            dsr.contact_email = getattr(member, member.get_email_field_name(), "") or ""
        dsr.save(update_fields=["member", "contact_email"])
        audit.record(dsr, audit.MEMBER_LINKED, user)
    return dsr


def ask_requester(dsr: DataSubjectRequest, user, question: str, now: datetime | None = None):
    """Ask the requester for what the request lacks; they read it by email and online."""
    now = now or timezone.now()
    try:
        notes.clean_text(question)
    except notes.NoteRefused:
        raise ActionRefused(_("Write the question the requester should answer.")) from None
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, ASK_REQUESTER, now)
        clarification.ask(dsr, user, question, now)
    return dsr


def record_answer(dsr: DataSubjectRequest, user, answer: str, now: datetime | None = None):
    """The requester answered by post, phone or email: the request is back with staff."""
    now = now or timezone.now()
    try:
        notes.clean_text(answer)
    except notes.NoteRefused:
        raise ActionRefused(_("Write down what the requester answered.")) from None
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, RECORD_ANSWER, now)
        clarification.record_answer(dsr, user, answer, now)
    return dsr


def remind_requester(dsr: DataSubjectRequest, user, now: datetime | None = None):
    """Email the requester that we still wait for them."""
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, REMIND_REQUESTER, now or timezone.now())
        clarification.remind(dsr, user)
    return dsr


def add_note(dsr: DataSubjectRequest, user, note: str, now: datetime | None = None):
    """An internal note, for staff; the member can see it in a copy of their data."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, ADD_NOTE, now)
        _note(dsr, user, note, now, required=True)
        audit.record(dsr, audit.NOTE_ADDED, user)
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
                % {"date": in_words.moment(due)}
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


def _finish(dsr, user, action: str, decision: str, note: str, now, *, status=R.DONE, because=""):
    dsr.status = status
    dsr.completed_at = now
    dsr.clock_paused_at = None
    dsr.closed_because = because
    if status == R.DONE:
        dsr.progress = 100
    dsr.outcome = {**dsr.outcome, "decision": decision, "by": user.pk, "at": now.isoformat()}
    dsr.save(
        update_fields=["status", "completed_at", "clock_paused_at", "closed_because", "progress",
                       "outcome"]
    )  # fmt: skip
    _note(dsr, user, note, now)
    audit.record(dsr, action, user, **({"because": because} if because else {}))


def mark_delivered(dsr: DataSubjectRequest, user, note: str = "", now=None):
    """A copy was given by other means (post, in person): the request is answered."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, DELIVER, now)
        _finish(dsr, user, audit.DELIVERED, "delivered by other means", note, now)
    return dsr


def accept_processing(dsr: DataSubjectRequest, user, purpose: str | None = None):
    """Accept a restriction or objection for ``purpose`` (else the one the member named): the
    site's processing checks answer no for it from now on."""
    try:
        with transaction.atomic():
            dsr = _lock(dsr)
            require(dsr, ACCEPT_PROCESSING, timezone.now())
            return restriction_objection.accept(dsr, user, purpose=purpose or None)
    except restriction_objection.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def announce_lift(dsr: DataSubjectRequest, user, when, reason: str, now=None):
    """Tell the member when, and why, a restriction will be lifted (Art. 18(3))."""
    now = now or timezone.now()
    if isinstance(when, date) and not isinstance(when, datetime):
        when = timezone.make_aware(datetime.combine(when, datetime.min.time()))
    try:
        with transaction.atomic():
            dsr = _lock(dsr)
            require(dsr, ANNOUNCE_LIFT, now)
            return restriction_objection.announce_lift(dsr, user, when, reason, now=now)
    except restriction_objection.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def lift_processing(dsr: DataSubjectRequest, user):
    """End an accepted restriction or objection; the member is told."""
    try:
        with transaction.atomic():
            dsr = _lock(dsr)
            require(dsr, LIFT_PROCESSING, timezone.now())
            return restriction_objection.lift(dsr, user)
    except restriction_objection.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def make_copy(dsr: DataSubjectRequest, user, now: datetime | None = None):
    """Hand the request to a worker, which prepares the member's copy and emails them."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, MAKE_COPY, now)
        dsr.status = R.QUEUED
        dsr.enqueued_at = None
        dsr.failure_reason = ""
        dsr.save(update_fields=["status", "enqueued_at", "failure_reason"])
        audit.record(dsr, audit.COPY_STARTED, user)
        worker_queue.enqueue_on_commit(dsr.pk)
    return dsr


def close(dsr: DataSubjectRequest, user, note: str = "", now=None, *, reason: str = R.DEALT_WITH):
    """Close the request: dealt with (completed), or withdrawn, a duplicate or not a request
    about personal data (cancelled). ``note`` is kept as an internal note."""
    now = now or timezone.now()
    reason = reason or R.DEALT_WITH
    with transaction.atomic():
        dsr = _lock(dsr)
        require(dsr, CLOSE, now)
        if reason not in closing_reasons(dsr):
            raise ActionRefused(
                _("Deliver, run, approve or refuse this request instead.")
                if reason == R.DEALT_WITH
                else _("Choose why the request is closed.")
            )
        done = reason == R.DEALT_WITH
        _finish(
            dsr, user, audit.CLOSED, "closed", note, now,
            status=R.DONE if done else R.CANCELLED, because=reason,
        )  # fmt: skip
    return dsr


# -- a request received by letter, phone, email or in person -------------------------------------


def add_request(
    user,
    *,
    kind: str,
    received_via: str,
    received_at: datetime,
    identity_verified: bool,
    identity_check: str,
    member=None,
    requester_name: str = "",
    contact_email: str = "",
    contact_details: str = "",
    details: str = "",
    purpose: str = "",
    language: str = "",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Record a request received outside the site, with the legal clock.

    The clock runs from ``received_at`` when the requester's identity was clear on receipt;
    otherwise the request waits for the identity check, and the clock starts then.
    """
    now = now or timezone.now()
    if kind not in dict(R.KINDS):
        raise ActionRefused(_("Choose what the requester asks for."))
    if received_via not in R.HAND_CHANNELS:
        raise ActionRefused(_("Choose how the request was received."))
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > now:
        raise ActionRefused(_("The date received cannot be in the future."))
    requester_name = (requester_name or "").strip()
    if member is None and not requester_name:
        raise ActionRefused(_("Choose the member's account, or give the requester's name."))
    contact_email = (contact_email or "").strip().lower()
    if member is not None and not contact_email:
        contact_email = getattr(member, member.get_email_field_name(), "") or ""
    contact_details = (contact_details or "").strip()
    if not (contact_email or contact_details):
        raise ActionRefused(_("Give an email address or other contact details for the answer."))
    identity_check = _clean_reason(
        identity_check,
        _("Say how the identity was checked, or how it will be.")
        if identity_verified
        else _("Say how the identity will be checked."),
    )
    fields = {
        "kind": kind,
        "member": member,
        "contact_email": contact_email,
        "requester_name": requester_name[:200],
        "contact_details": contact_details[:MAX_REASON_LENGTH],
        "language": language or get_language() or settings.LANGUAGE_CODE,
        "received_at": received_at,
        "received_via": received_via,
        "identity_check": identity_check,
        "added_by": user,
        "purpose": purpose if kind in PROCESSING_KINDS else "",
        "payload": {"message": details.strip()[:MAX_REASON_LENGTH]} if details.strip() else {},
    }
    if identity_verified:
        fields.update(
            status=R.IN_REVIEW,
            verified_at=now,
            due_at=legal_clock.due_date(received_at, legal_clock.response_days()),
        )
    else:
        fields.update(status=R.UNVERIFIED)
    with transaction.atomic():
        dsr = R.objects.create(**fields)
        audit.record(dsr, audit.ADDED_BY_HAND, user, received_via=received_via,
                     identity_verified=identity_verified)  # fmt: skip
    return dsr
