"""Staff work on data subject requests (GDPR Art. 12 and 5(2)): the actions of the queue.

Each action locks the request, checks that it is possible in the request's present state, makes
the change, tells the member where the law says they must be told, and records a Wagtail audit
log entry of its own with the acting user. Log entries name the request and what was done,
never a reason, a note or a value: those may hold personal data and stay on the request.
The admin views are thin callers of these functions.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from wagtail_gdpr import deadlines, emails, rectification, subject_requests
from wagtail_gdpr.models import DataSubjectRequest, GdprSettings

logger = logging.getLogger(__name__)

PERMISSION = "wagtail_gdpr.manage_requests"
#: Where the queue lives in the Wagtail admin (``/admin/gdpr/requests/``).
ADMIN_URL_BASE = "gdpr/requests"
MAX_REASON_LENGTH = rectification.MAX_REASON_LENGTH

# Audit log actions, registered in wagtail_hooks.py with the labels below.
ASSIGNED = "wagtail_gdpr.request_assigned"
IDENTITY_REQUESTED = "wagtail_gdpr.identity_requested"
IDENTITY_VERIFIED = "wagtail_gdpr.identity_verified"
EXTENDED = "wagtail_gdpr.deadline_extended"
ERASURE_RUN = "wagtail_gdpr.erasure_run"
ERASURE_SCHEDULED = "wagtail_gdpr.erasure_scheduled"
REFUSED = "wagtail_gdpr.request_refused"
DELIVERED = "wagtail_gdpr.delivered_otherwise"
CLOSED = "wagtail_gdpr.request_closed"
VIEWED_DATA = "wagtail_gdpr.viewed_data"
REMINDER_SENT = "wagtail_gdpr.reminder_sent"

#: (action, label, message) for the ``register_log_actions`` hook.
LOG_ACTIONS = [
    (ASSIGNED, gettext_lazy("Assign request"), gettext_lazy("Request assigned")),
    (
        IDENTITY_REQUESTED,
        gettext_lazy("Ask for proof of identity"),
        gettext_lazy("Proof of identity asked for; the clock is paused"),
    ),
    (
        IDENTITY_VERIFIED,
        gettext_lazy("Verify identity"),
        gettext_lazy("Identity verified; the clock runs"),
    ),
    (EXTENDED, gettext_lazy("Extend deadline"), gettext_lazy("Deadline extended")),
    (ERASURE_RUN, gettext_lazy("Run erasure"), gettext_lazy("Erasure handed to a worker")),
    (ERASURE_SCHEDULED, gettext_lazy("Schedule erasure"), gettext_lazy("Erasure scheduled")),
    (REFUSED, gettext_lazy("Refuse request"), gettext_lazy("Request refused")),
    (
        DELIVERED,
        gettext_lazy("Mark delivered by other means"),
        gettext_lazy("Copy delivered by other means"),
    ),
    (CLOSED, gettext_lazy("Close request"), gettext_lazy("Request closed")),
    (VIEWED_DATA, gettext_lazy("View personal data"), gettext_lazy("Personal data viewed")),
    (REMINDER_SENT, gettext_lazy("Send deadline reminder"), gettext_lazy("Deadline reminder sent")),
]

# Staff actions, in the order their buttons appear.
ASSIGN = "assign"
REQUEST_IDENTITY = "request_identity"
VERIFY = "verify"
EXTEND = "extend"
APPROVE = "approve"
REJECT = "reject"
RUN_ERASURE = "run_erasure"
SCHEDULE_ERASURE = "schedule_erasure"
DELIVER = "deliver"
CLOSE = "close"
REFUSE = "refuse"
ACCEPT_PROCESSING = "accept_processing"
LIFT_PROCESSING = "lift_processing"
ACTIONS = [
    ASSIGN,
    VERIFY,
    REQUEST_IDENTITY,
    EXTEND,
    APPROVE,
    REJECT,
    ACCEPT_PROCESSING,
    LIFT_PROCESSING,
    RUN_ERASURE,
    SCHEDULE_ERASURE,
    DELIVER,
    CLOSE,
    REFUSE,
]

R = DataSubjectRequest
#: States in which staff may act on a request: open, and no worker is on it.
ACTIONABLE = (R.QUEUED, R.IN_REVIEW, R.SCHEDULED, R.FAILED)
COPY_KINDS = (R.ACCESS, R.PORTABILITY)
PROCESSING_KINDS = (R.RESTRICTION, R.OBJECTION)


class ActionRefused(Exception):
    """The action is not possible now; ``message`` says why, for staff to read."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# -- who -----------------------------------------------------------------------------------------


def can_manage(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.has_perm(PERMISSION)))


def _permission():
    return Permission.objects.filter(
        codename="manage_requests", content_type__app_label="wagtail_gdpr"
    )


def staff_members():
    """Everybody who may work the queue: holders of the permission, and superusers."""
    permission = _permission()
    return (
        get_user_model()
        ._default_manager.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permission)
            | Q(user_permissions__in=permission)
        )
        .distinct()
    )


def privacy_officers():
    """Who is reminded of deadlines: holders of the permission; superusers if nobody holds it."""
    permission = _permission()
    users = get_user_model()._default_manager.filter(is_active=True)
    holders = users.filter(
        Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    ).distinct()
    return holders if holders.exists() else users.filter(is_superuser=True)


# -- what is possible ----------------------------------------------------------------------------


def _ends_another_way(dsr) -> bool:
    """A copy is delivered, an erasure run or refused: they are not simply closed."""
    return dsr.kind in (*COPY_KINDS, R.ERASURE)


def available_actions(dsr: DataSubjectRequest, now: datetime | None = None) -> list[str]:
    """The actions staff may take on ``dsr`` in its present state, in button order."""
    now = now or timezone.now()
    status, kind = dsr.status, dsr.kind
    reviewing_correction = kind == R.RECTIFICATION and status == R.IN_REVIEW
    possible = {
        ASSIGN: dsr.is_open,
        VERIFY: status == R.UNVERIFIED,
        REQUEST_IDENTITY: status in ACTIONABLE,
        EXTEND: (
            dsr.is_open
            and not deadlines.is_paused(dsr)
            and dsr.extended_until is None
            and dsr.due_at is not None
            and now <= dsr.due_at
        ),
        APPROVE: reviewing_correction,
        REJECT: reviewing_correction,
        ACCEPT_PROCESSING: (
            kind in PROCESSING_KINDS
            and status in (R.QUEUED, R.IN_REVIEW)
            and dsr.member_id is not None
        ),
        LIFT_PROCESSING: (
            kind in PROCESSING_KINDS
            and status == R.DONE
            and bool((dsr.outcome or {}).get("active"))
        ),
        RUN_ERASURE: kind == R.ERASURE and status in ACTIONABLE and dsr.member_id is not None,
        SCHEDULE_ERASURE: (
            kind == R.ERASURE and status in ACTIONABLE and dsr.member_id is not None
        ),
        DELIVER: kind in COPY_KINDS and status in ACTIONABLE,
        CLOSE: (status in ACTIONABLE and not _ends_another_way(dsr) and not reviewing_correction),
        REFUSE: (status in ACTIONABLE or status == R.UNVERIFIED) and not reviewing_correction,
    }
    return [action for action in ACTIONS if possible[action]]


_NOT_NOW = {
    VERIFY: gettext_lazy("This request is not waiting for an identity check."),
    EXTEND: gettext_lazy("The deadline of this request cannot be extended now."),
    RUN_ERASURE: gettext_lazy("This erasure cannot be run now."),
    ACCEPT_PROCESSING: gettext_lazy(
        "Only an open restriction or objection linked to a member can be accepted."
    ),
    LIFT_PROCESSING: gettext_lazy("Only an accepted restriction or objection can be lifted."),
    SCHEDULE_ERASURE: gettext_lazy("This erasure cannot be scheduled now."),
    DELIVER: gettext_lazy("Only an open request for a copy of data can be marked delivered."),
    CLOSE: gettext_lazy(
        "This request cannot be closed: deliver, run, approve or refuse it instead."
    ),
}


def _require(dsr: DataSubjectRequest, action: str, now: datetime):
    if action not in available_actions(dsr, now):
        raise ActionRefused(
            str(_NOT_NOW.get(action) or _("This is not possible in the request's present state."))
        )


def _lock(dsr: DataSubjectRequest | int) -> DataSubjectRequest:
    locked = subject_requests.lock_request(dsr)
    if locked is None:
        raise ActionRefused(_("This request no longer exists."))
    return locked


def _log(dsr: DataSubjectRequest, action: str, user, **data):
    """An audit log entry naming the request and what was done; no personal data."""
    return log(
        instance=dsr, action=action, user=user, data={"request_id": dsr.pk, "kind": dsr.kind,
                                                       **data}
    )  # fmt: skip


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


def _site_settings():
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return GdprSettings.for_site(site) if site else None


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
        _log(dsr, ASSIGNED, user, assignee_id=assignee.pk if assignee else None)
    return dsr


def request_identity(dsr: DataSubjectRequest, user, now: datetime | None = None):
    """Staff need proof of identity before going on: the clock stops until it is given."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        _require(dsr, REQUEST_IDENTITY, now)
        deadlines.pause(dsr, now)
        dsr.status = R.UNVERIFIED
        dsr.save(update_fields=["status", "clock_paused_at"])
        _log(dsr, IDENTITY_REQUESTED, user)
    return dsr


def _status_after_verification(dsr: DataSubjectRequest) -> str:
    # Copies are made by a worker; everything else waits for a decision by staff.
    return R.QUEUED if dsr.kind == R.ACCESS else R.IN_REVIEW


def verify_identity(dsr: DataSubjectRequest, user, now: datetime | None = None):
    """The requester is who they say they are: the clock starts, or goes on where it stopped."""
    now = now or timezone.now()
    settings_obj = _site_settings()
    with transaction.atomic():
        dsr = _lock(dsr)
        _require(dsr, VERIFY, now)
        deadlines.resume(dsr, now, settings_obj.response_days if settings_obj else None)
        dsr.verified_at = now
        dsr.status = _status_after_verification(dsr)
        dsr.save(
            update_fields=[
                "status",
                "verified_at",
                "clock_started_at",
                "clock_paused_at",
                "paused_for",
                "due_at",
                "extended_until",
            ]
        )
        _log(dsr, IDENTITY_VERIFIED, user, due_at=_iso(deadlines.effective_due(dsr)))
        if dsr.status == R.QUEUED:
            transaction.on_commit(partial(subject_requests.enqueue, dsr.pk))
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
            new_due = deadlines.check_extension(dsr, until, reason, now)
        except deadlines.ExtensionRefused as exc:
            raise ActionRefused(exc.message) from None
        dsr.extended_until = new_due
        dsr.extension_reason = reason
        dsr.save(update_fields=["extended_until", "extension_reason"])
        _log(dsr, EXTENDED, user, due_at=_iso(dsr.due_at), extended_until=_iso(new_due))
        emails.send_after_commit(dsr.pk, "request_extended")
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
    from wagtail_gdpr import erasure

    return erasure.build_plan(dsr.member, now).blocked_by


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
        dsr.payload = {**dsr.payload, "execute_after": now.astimezone(UTC).isoformat()}
        dsr.enqueued_at = None
        dsr.failure_reason = ""
        dsr.save(update_fields=["status", "payload", "enqueued_at", "failure_reason"])
        _log(dsr, ERASURE_RUN, user)
        transaction.on_commit(partial(subject_requests.enqueue, dsr.pk))
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
        due = deadlines.effective_due(dsr)
        if due is not None and when > due:
            raise ActionRefused(
                _("The erasure must be carried out before the answer is due, on %(date)s.")
                % {"date": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
            )
        dsr.status = R.SCHEDULED
        dsr.payload = {**dsr.payload, "execute_after": when.astimezone(UTC).isoformat()}
        dsr.failure_reason = ""
        dsr.save(update_fields=["status", "payload", "failure_reason"])
        _log(dsr, ERASURE_SCHEDULED, user, execute_after=_iso(when))
    return dsr


def refuse(dsr: DataSubjectRequest, user, reason: str, now: datetime | None = None):
    """Refuse the request (Art. 12(4)): the member reads ``reason`` and is emailed."""
    now = now or timezone.now()
    reason = _clean_reason(reason, _("Give a reason: the member is told why."))
    with transaction.atomic():
        dsr = _lock(dsr)
        if dsr.kind == R.RECTIFICATION and dsr.status == R.IN_REVIEW:
            raise ActionRefused(_("Reject the proposed correction instead."))
        if REFUSE not in available_actions(dsr, now):
            raise ActionRefused(_("This request can no longer be refused."))
        dsr.status = R.REFUSED
        dsr.refusal_reason = reason
        dsr.completed_at = now
        dsr.clock_paused_at = None
        dsr.outcome = {**dsr.outcome, "decision": "refused", "by": user.pk, "at": now.isoformat()}
        dsr.save(
            update_fields=["status", "refusal_reason", "completed_at", "clock_paused_at", "outcome"]
        )
        _log(dsr, REFUSED, user)
        emails.send_after_commit(dsr.pk, "request_refused")
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
    _log(dsr, action, user)


def mark_delivered(dsr: DataSubjectRequest, user, note: str = "", now=None):
    """A copy was given by other means (post, in person): the request is answered."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        _require(dsr, DELIVER, now)
        _finish(dsr, user, DELIVERED, "delivered by other means", note, now)
    return dsr


def accept_processing(dsr: DataSubjectRequest, user):
    """Accept a restriction or objection: ``processing_allowed`` says no from now on."""
    from wagtail_gdpr import processing

    _require(dsr, ACCEPT_PROCESSING, timezone.now())
    try:
        return processing.accept(dsr, user)
    except processing.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def lift_processing(dsr: DataSubjectRequest, user):
    """End an accepted restriction or objection; the member is told."""
    from wagtail_gdpr import processing

    _require(dsr, LIFT_PROCESSING, timezone.now())
    lift = processing.lift_restriction if dsr.kind == R.RESTRICTION else processing.lift_objection
    try:
        return lift(dsr, user)
    except processing.ProcessingRequestRefused as exc:
        raise ActionRefused(exc.message) from exc


def close(dsr: DataSubjectRequest, user, note: str = "", now=None):
    """The request has been dealt with (e.g. processing restricted, an objection honoured)."""
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        _require(dsr, CLOSE, now)
        _finish(dsr, user, CLOSED, "closed", note, now)
    return dsr


# -- staff looking at personal data --------------------------------------------------------------


def record_view(dsr: DataSubjectRequest, user, what: str = "request"):
    """Staff opened a member's request or report: that is processing, and it is logged."""
    return _log(dsr, VIEWED_DATA, user, viewed=what)


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


def admin_url(dsr: DataSubjectRequest) -> str:
    """The request's page in the admin, as a full URL for emails."""
    path = reverse(f"{ADMIN_URL_BASE.replace('/', '_')}_modeladmin_inspect", args=[dsr.pk])
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + path


# -- reminders -----------------------------------------------------------------------------------


def reminder_days_before() -> int:
    settings_obj = _site_settings()
    return settings_obj.reminder_days_before if settings_obj else 7


def _language_of(user) -> str:
    try:
        from wagtail.users.models import UserProfile

        return UserProfile.get_for_user(user).get_preferred_language()
    except Exception:  # no profile table, or no preference: the site's language
        return settings.LANGUAGE_CODE


def _staff_recipients(dsr: DataSubjectRequest) -> list:
    recipients = [dsr.assignee] if dsr.assignee and dsr.assignee.is_active else []
    recipients += list(privacy_officers())
    seen, unique = set(), []
    for user in recipients:
        address = (getattr(user, user.get_email_field_name(), "") or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            unique.append((user, address))
    return unique


def _send_staff_email(name: str, dsr: DataSubjectRequest, due: datetime, now: datetime) -> int:
    """One message per recipient, in their own admin language. Raises on SMTP failure."""
    recipients = _staff_recipients(dsr)
    for user, address in recipients:
        context = {
            "request_obj": dsr,
            "due": due,
            "days_left": (timezone.localdate(due) - timezone.localdate(now)).days,
            "queue_url": admin_url(dsr),
            "recipient": user,
            "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        }
        subject, text, html = emails.render_message(name, context, _language_of(user))
        message = EmailMultiAlternatives(subject, text, to=[address])
        message.attach_alternative(html, "text/html")
        message.send()
    return len(recipients)


def _remind(request_id: int, *, overdue: bool, now: datetime) -> bool:
    """Send one reminder, once: the mark and the mail commit or roll back together."""
    with transaction.atomic():
        dsr = (
            deadlines.with_effective_due(DataSubjectRequest.objects.filter(pk=request_id))
            .select_for_update(of=("self",))
            .select_related("assignee")
            .first()
        )
        due = deadlines.effective_due(dsr) if dsr else None
        still_due = dsr is not None and due is not None and dsr.is_open
        if not still_due or overdue != (now > due):
            return False
        if not deadlines.record_reminder(request_id, due, overdue=overdue):
            return False  # another run sent it
        name = "deadline_overdue" if overdue else "deadline_reminder"
        sent_to = _send_staff_email(name, dsr, due, now)
        _log(dsr, REMINDER_SENT, None, due_at=_iso(due), overdue=overdue, recipients=sent_to)
    return True


def send_deadline_reminders(now: datetime | None = None, days_before: int | None = None) -> dict:
    """Remind staff of requests due soon and of overdue ones; each reminder is sent once.

    A reminder whose mail fails is not marked, and is tried again at the next run.
    """
    now = now or timezone.now()
    if days_before is None:
        days_before = reminder_days_before()
    sent = {"reminders": 0, "overdue": 0, "failed": 0}
    batches = [
        ("reminders", False, deadlines.reminders_due(now, days_before)),
        ("overdue", True, deadlines.overdue_notices_due(now)),
    ]
    for key, is_overdue, queryset in batches:
        for pk in list(queryset.values_list("pk", flat=True)):
            try:
                if _remind(pk, overdue=is_overdue, now=now):
                    sent[key] += 1
            except OSError as exc:  # the mail server: try again next time
                sent["failed"] += 1
                logger.warning("Reminder for request #%s failed (%s).", pk, type(exc).__name__)
    return sent


# -- the dashboard -------------------------------------------------------------------------------


def summary(now: datetime | None = None, days: int = 7) -> dict:
    """Counts for the dashboard panel: open, due within ``days`` days, overdue."""
    now = now or timezone.now()
    return {
        "open": DataSubjectRequest.objects.filter(status__in=R.OPEN_STATUSES).count(),
        "due_soon": deadlines.due_within(now, days).count(),
        "overdue": deadlines.overdue(now).count(),
        "unverified": DataSubjectRequest.objects.filter(status=R.UNVERIFIED).count(),
    }
