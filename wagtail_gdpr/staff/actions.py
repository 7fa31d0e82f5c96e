"""Staff actions on data subject requests (GDPR Art. 12 and 5(2)): the staff queue's rules.

Each action locks the request, checks that it is possible in the request's present state, makes
the change, tells the member where the law says they must be told, and records an entry of its
own in Wagtail's audit log (see :mod:`wagtail_gdpr.audit`). :data:`ACTIONS` is the one table of
them: what each is called, what it asks for, when it is possible and what it does. The admin
builds its buttons and forms from that table and calls :meth:`StaffAction.perform`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr import audit, rectification, restriction_objection
from wagtail_gdpr.erasure.plan import build_plan
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.requests import legal_clock, member_emails, worker_queue
from wagtail_gdpr.staff.people import can_manage
from wagtail_gdpr.tables import DataSubjectRequest

R = DataSubjectRequest
MAX_REASON_LENGTH = rectification.MAX_REASON_LENGTH
#: States in which staff may act on a request: open, and no worker is on it.
ACTIONABLE = (R.QUEUED, R.IN_REVIEW, R.SCHEDULED, R.FAILED)
COPY_KINDS = (R.ACCESS, R.PORTABILITY)
PROCESSING_KINDS = (R.RESTRICTION, R.OBJECTION)

# The actions' names, in the order their buttons appear.
ASSIGN = "assign"
VERIFY = "verify"
REQUEST_IDENTITY = "request_identity"
EXTEND = "extend"
APPROVE = "approve"
REJECT = "reject"
ACCEPT_PROCESSING = "accept_processing"
LIFT_PROCESSING = "lift_processing"
RUN_ERASURE = "run_erasure"
SCHEDULE_ERASURE = "schedule_erasure"
DELIVER = "deliver"
CLOSE = "close"
REFUSE = "refuse"

# How an action's button looks: its main step, another step, or one that cannot be undone.
PRIMARY = "primary"
SECONDARY = "secondary"
DESTRUCTIVE = "destructive"

# What an action asks staff for, by kind of input.
STAFF_MEMBER = "staff member"
DATE = "date"
DATE_TIME = "date and time"
REASON = "reason"  # required; the member reads it
NOTE = "note"  # optional; for the record


class ActionRefused(Refused):
    """The action is not possible now; ``message`` says why, for staff to read."""


@dataclass(frozen=True)
class Input:
    """One thing an action asks for."""

    name: str
    kind: str
    label: str
    help_text: str = ""


@dataclass(frozen=True)
class StaffAction:
    name: str
    #: The button.
    label: str
    #: The heading of the action's page.
    title: str
    explanation: str
    #: Shown once it is done.
    done: str
    #: ``possible(dsr, now)``: whether the request's present state allows it.
    possible: Callable
    #: ``run(dsr, user, **inputs)``: the service that does it.
    run: Callable
    inputs: tuple[Input, ...] = ()
    look: str = SECONDARY
    #: Why it is not possible now, when a request's state does not allow it.
    not_now: str = gettext_lazy("This is not possible in the request's present state.")
    #: ``initial(dsr, user)``: the values its form starts with.
    initial: Callable = field(default=lambda dsr, user: {})

    def is_possible(self, dsr, now: datetime | None = None) -> bool:
        return bool(self.possible(dsr, now or timezone.now()))

    def perform(self, dsr, user, data: dict):
        """Run the action with the values of its inputs; raises :class:`ActionRefused`."""
        return self.run(dsr, user, **{i.name: data.get(i.name) for i in self.inputs})


# -- when each action is possible ----------------------------------------------------------------


def _reviewing_correction(dsr) -> bool:
    return dsr.kind == R.RECTIFICATION and dsr.status == R.IN_REVIEW


def _ends_another_way(dsr) -> bool:
    """A copy is delivered, an erasure run or refused: they are not simply closed."""
    return dsr.kind in (*COPY_KINDS, R.ERASURE)


def _can_extend(dsr, now) -> bool:
    return (
        dsr.is_open
        and not legal_clock.is_paused(dsr)
        and dsr.extended_until is None
        and dsr.due_at is not None
        and now <= dsr.due_at
    )


def _can_erase(dsr, now) -> bool:
    return dsr.kind == R.ERASURE and dsr.status in ACTIONABLE and dsr.member_id is not None


# -- helpers -------------------------------------------------------------------------------------


def _require(dsr: DataSubjectRequest, action: str, now: datetime):
    entry = ACTIONS[action]
    if not entry.is_possible(dsr, now):
        raise ActionRefused(str(entry.not_now))


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
        _require(dsr, ASSIGN, timezone.now())
        dsr.assignee = assignee
        dsr.save(update_fields=["assignee"])
        audit.record(dsr, audit.ASSIGNED, user, assignee_id=assignee.pk if assignee else None)
    return dsr


def request_identity(dsr: DataSubjectRequest, user, now: datetime | None = None):
    """Staff need proof of identity before going on: the clock stops until it is given."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        _require(dsr, REQUEST_IDENTITY, now)
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
        _require(dsr, VERIFY, now)
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
        _require(dsr, RUN_ERASURE, now)
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
        _require(dsr, SCHEDULE_ERASURE, now)
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
        if not ACTIONS[REFUSE].is_possible(dsr, now):
            raise ActionRefused(_("This request can no longer be refused."))
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
        _require(dsr, DELIVER, now)
        _finish(dsr, user, audit.DELIVERED, "delivered by other means", note, now)
    return dsr


def accept_processing(dsr: DataSubjectRequest, user):
    """Accept a restriction or objection: ``processing_allowed`` says no from now on."""
    _require(dsr, ACCEPT_PROCESSING, timezone.now())
    try:
        return restriction_objection.accept(dsr, user)
    except restriction_objection.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def lift_processing(dsr: DataSubjectRequest, user):
    """End an accepted restriction or objection; the member is told."""
    _require(dsr, LIFT_PROCESSING, timezone.now())
    try:
        return restriction_objection.lift(dsr, user)
    except restriction_objection.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def close(dsr: DataSubjectRequest, user, note: str = "", now=None):
    """The request has been dealt with (e.g. processing restricted, an objection honoured)."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        _require(dsr, CLOSE, now)
        _finish(dsr, user, audit.CLOSED, "closed", note, now)
    return dsr


# -- the table -----------------------------------------------------------------------------------


def _initial_assignee(dsr, user) -> dict:
    return {"assignee": dsr.assignee_id or user.pk}


def _initial_extension(dsr, user) -> dict:
    latest = legal_clock.latest_extension(dsr)
    return {"until": latest.date()} if latest else {}  # the most the law allows


def _initial_schedule(dsr, user) -> dict:
    when = timezone.localtime() + timedelta(days=1)
    return {"when": when.replace(minute=0, second=0, microsecond=0)}


_REASON_READ = gettext_lazy("Reason (the member reads it)")
_NOTE = Input(
    "note",
    NOTE,
    gettext_lazy("Note for the record"),
    gettext_lazy("What was done. Staff see it; keep personal data out of it."),
)

ACTIONS: dict[str, StaffAction] = {
    action.name: action
    for action in [
        StaffAction(
            ASSIGN,
            gettext_lazy("Assign"),
            gettext_lazy("Assign the request"),
            gettext_lazy("Give the request to someone who works the queue."),
            gettext_lazy("Request assigned."),
            possible=lambda dsr, now: dsr.is_open,
            run=lambda dsr, user, assignee: assign(dsr, user, assignee),
            inputs=(Input("assignee", STAFF_MEMBER, gettext_lazy("Assign to")),),
            initial=_initial_assignee,
        ),
        StaffAction(
            VERIFY,
            gettext_lazy("Verify identity"),
            gettext_lazy("Confirm the requester's identity"),
            gettext_lazy(
                "You have checked that the requester is who they say they are. The legal clock "
                "starts now, or goes on where it stopped."
            ),
            gettext_lazy("Identity verified; the clock runs."),
            possible=lambda dsr, now: dsr.status == R.UNVERIFIED,
            run=lambda dsr, user: verify_identity(dsr, user),
            look=PRIMARY,
            not_now=gettext_lazy("This request is not waiting for an identity check."),
        ),
        StaffAction(
            REQUEST_IDENTITY,
            gettext_lazy("Ask for proof of identity"),
            gettext_lazy("Wait for proof of identity"),
            gettext_lazy(
                "You need more information to be sure who the requester is (GDPR Art. 12(6)). "
                "The legal clock stands still until you verify the identity. Contact the "
                "requester yourself and say what you need."
            ),
            gettext_lazy("The clock is paused until the identity is verified."),
            possible=lambda dsr, now: dsr.status in ACTIONABLE,
            run=lambda dsr, user: request_identity(dsr, user),
        ),
        StaffAction(
            EXTEND,
            gettext_lazy("Extend deadline"),
            gettext_lazy("Extend the deadline"),
            gettext_lazy(
                "Once only, by two months at most, when the request is complex or there are "
                "many (GDPR Art. 12(3)). The member is emailed the new date and your reason."
            ),
            gettext_lazy("Deadline extended; the member is told why."),
            possible=_can_extend,
            run=lambda dsr, user, until, reason: extend(dsr, user, until, reason),
            inputs=(
                Input("until", DATE, gettext_lazy("New due date")),
                Input(
                    "reason", REASON, gettext_lazy("Reason for the extension (the member reads it)")
                ),
            ),
            not_now=gettext_lazy("The deadline of this request cannot be extended now."),
            initial=_initial_extension,
        ),
        StaffAction(
            APPROVE,
            gettext_lazy("Approve correction"),
            gettext_lazy("Approve the correction"),
            gettext_lazy(
                "The proposed value replaces the value now held, and the member is emailed."
            ),
            gettext_lazy("Correction applied; the member is told."),
            possible=lambda dsr, now: _reviewing_correction(dsr),
            run=lambda dsr, user: approve_correction(dsr, user),
            look=PRIMARY,
            not_now=gettext_lazy("This correction is no longer waiting for review."),
        ),
        StaffAction(
            REJECT,
            gettext_lazy("Reject correction"),
            gettext_lazy("Reject the correction"),
            gettext_lazy("The member is emailed your reason."),
            gettext_lazy("Correction rejected; the member is told why."),
            possible=lambda dsr, now: _reviewing_correction(dsr),
            run=lambda dsr, user, reason: reject_correction(dsr, user, reason),
            inputs=(Input("reason", REASON, _REASON_READ),),
            look=DESTRUCTIVE,
            not_now=gettext_lazy("This correction is no longer waiting for review."),
        ),
        StaffAction(
            ACCEPT_PROCESSING,
            gettext_lazy("Accept"),
            gettext_lazy("Accept the restriction or objection"),
            gettext_lazy(
                "From now on the purpose it names may not run for this member: "
                "processing_allowed() answers no. The member is told."
            ),
            gettext_lazy("Restriction or objection accepted."),
            possible=lambda dsr, now: (
                dsr.kind in PROCESSING_KINDS
                and dsr.status in (R.QUEUED, R.IN_REVIEW)
                and dsr.member_id is not None
            ),
            run=lambda dsr, user: accept_processing(dsr, user),
            look=PRIMARY,
            not_now=gettext_lazy(
                "Only an open restriction or objection linked to a member can be accepted."
            ),
        ),
        StaffAction(
            LIFT_PROCESSING,
            gettext_lazy("Lift"),
            gettext_lazy("Lift the restriction or objection"),
            gettext_lazy("The purpose may run again for this member. The member is told."),
            gettext_lazy("Restriction or objection lifted."),
            possible=lambda dsr, now: (
                dsr.kind in PROCESSING_KINDS and dsr.status == R.DONE and dsr.in_force
            ),
            run=lambda dsr, user: lift_processing(dsr, user),
            not_now=gettext_lazy("Only an accepted restriction or objection can be lifted."),
        ),
        StaffAction(
            RUN_ERASURE,
            gettext_lazy("Run erasure now"),
            gettext_lazy("Run the erasure now"),
            gettext_lazy(
                "The member's data is erased as the plan says, and the receipt emailed. "
                "This cannot be undone."
            ),
            gettext_lazy(
                "The erasure has started; the member is sent the receipt when it is done."
            ),
            possible=_can_erase,
            run=lambda dsr, user: run_erasure_now(dsr, user),
            look=DESTRUCTIVE,
            not_now=gettext_lazy("This erasure cannot be run now."),
        ),
        StaffAction(
            SCHEDULE_ERASURE,
            gettext_lazy("Schedule erasure"),
            gettext_lazy("Schedule the erasure"),
            gettext_lazy("The erasure is carried out at the time you choose, before it is due."),
            gettext_lazy("Erasure scheduled."),
            possible=_can_erase,
            run=lambda dsr, user, when: schedule_erasure(dsr, user, when),
            inputs=(Input("when", DATE_TIME, gettext_lazy("Carry out the erasure at")),),
            not_now=gettext_lazy("This erasure cannot be scheduled now."),
            initial=_initial_schedule,
        ),
        StaffAction(
            DELIVER,
            gettext_lazy("Mark delivered"),
            gettext_lazy("Mark the copy delivered by other means"),
            gettext_lazy(
                "The member received their data another way (by post, in person). "
                "The request is completed."
            ),
            gettext_lazy("Request marked delivered."),
            possible=lambda dsr, now: dsr.kind in COPY_KINDS and dsr.status in ACTIONABLE,
            run=lambda dsr, user, note: mark_delivered(dsr, user, note or ""),
            inputs=(_NOTE,),
            not_now=gettext_lazy(
                "Only an open request for a copy of data can be marked delivered."
            ),
        ),
        StaffAction(
            CLOSE,
            gettext_lazy("Close"),
            gettext_lazy("Close the request"),
            gettext_lazy("The request has been dealt with. The request is completed."),
            gettext_lazy("Request closed."),
            possible=lambda dsr, now: (
                dsr.status in ACTIONABLE
                and not _ends_another_way(dsr)
                and not _reviewing_correction(dsr)
            ),
            run=lambda dsr, user, note: close(dsr, user, note or ""),
            inputs=(_NOTE,),
            not_now=gettext_lazy(
                "This request cannot be closed: deliver, run, approve or refuse it instead."
            ),
        ),
        StaffAction(
            REFUSE,
            gettext_lazy("Refuse"),
            gettext_lazy("Refuse the request"),
            gettext_lazy(
                "The member is emailed your reason, and told they may complain to the "
                "supervisory authority or go to court (GDPR Art. 12(4))."
            ),
            gettext_lazy("Request refused; the member is told why."),
            possible=lambda dsr, now: (
                (dsr.status in ACTIONABLE or dsr.status == R.UNVERIFIED)
                and not _reviewing_correction(dsr)
            ),
            run=lambda dsr, user, reason: refuse(dsr, user, reason),
            inputs=(Input("reason", REASON, _REASON_READ),),
            look=DESTRUCTIVE,
            not_now=gettext_lazy("This request can no longer be refused."),
        ),
    ]
}


def available_actions(dsr: DataSubjectRequest, now: datetime | None = None) -> list[str]:
    """The actions staff may take on ``dsr`` in its present state, in button order."""
    now = now or timezone.now()
    return [name for name, action in ACTIONS.items() if action.is_possible(dsr, now)]


# -- staff looking at personal data --------------------------------------------------------------


def record_view(dsr: DataSubjectRequest, user, what: str = "request"):
    """Staff opened a member's request or report: that is processing, and it is logged."""
    return audit.record(dsr, audit.VIEWED_DATA, user, viewed=what)


def open_report(dsr: DataSubjectRequest, user):
    """The access report's file, opened for staff, and the viewing logged."""
    report = getattr(dsr, "report", None) if dsr.kind in COPY_KINDS else None
    if report is None or not report.is_available():
        raise ActionRefused(_("There is no report to download for this request."))
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise ActionRefused(_("The report's file is missing.")) from None
    record_view(dsr, user, "report")
    return report, handle
