"""Data subject requests (GDPR Art. 15 to 22) and the access reports they produce."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_gdpr.storage import get_report_storage


class DataSubjectRequest(models.Model):
    """One request from a data subject, and its way through the queue.

    Kept, minimised, after the member is erased: the proof that the request was honoured.
    """

    ACCESS = "access"
    PORTABILITY = "portability"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    OBJECTION = "objection"
    KINDS = [
        (ACCESS, _("Copy of my data (access)")),
        (PORTABILITY, _("Data to take elsewhere (portability)")),
        (RECTIFICATION, _("Correction")),
        (ERASURE, _("Erasure")),
        (RESTRICTION, _("Restriction of processing")),
        (OBJECTION, _("Objection")),
    ]

    UNVERIFIED = "unverified"
    WAITING_FOR_MEMBER = "waiting_for_member"
    QUEUED = "queued"
    RUNNING = "running"
    IN_REVIEW = "in_review"
    SCHEDULED = "scheduled"
    DONE = "done"
    FAILED = "failed"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    STATUSES = [
        (UNVERIFIED, _("Waiting for identity check")),
        (WAITING_FOR_MEMBER, _("Waiting for the requester's answer")),
        (QUEUED, _("Waiting to be processed")),
        (RUNNING, _("Being processed")),
        (IN_REVIEW, _("Being reviewed by staff")),
        (SCHEDULED, _("Scheduled")),
        (DONE, _("Completed")),
        (FAILED, _("Failed, staff are looking into it")),
        (REFUSED, _("Refused")),
        (CANCELLED, _("Cancelled")),
    ]
    OPEN_STATUSES = (UNVERIFIED, WAITING_FOR_MEMBER, QUEUED, RUNNING, IN_REVIEW, SCHEDULED, FAILED)

    # How the request reached us.
    ONLINE = "online"
    PUBLIC_FORM = "public_form"
    BY_EMAIL = "email"
    BY_LETTER = "letter"
    BY_PHONE = "phone"
    IN_PERSON = "in_person"
    CHANNELS = [
        (ONLINE, _("Privacy centre")),
        (PUBLIC_FORM, _("Request form on the site")),
        (BY_EMAIL, _("Email")),
        (BY_LETTER, _("Letter")),
        (BY_PHONE, _("Phone")),
        (IN_PERSON, _("In person")),
    ]
    #: The channels staff record a request from by hand.
    HAND_CHANNELS = (BY_EMAIL, BY_LETTER, BY_PHONE, IN_PERSON)

    # Why a request was closed without being carried out as asked (or was settled).
    DEALT_WITH = "dealt_with"
    WITHDRAWN = "withdrawn"
    DUPLICATE = "duplicate"
    NOT_A_REQUEST = "not_a_request"
    SETTLED_BY_ERASURE = "erasure"
    CLOSING_REASONS = [
        (DEALT_WITH, _("Dealt with")),
        (WITHDRAWN, _("Withdrawn by the requester")),
        (DUPLICATE, _("A duplicate of another request")),
        (NOT_A_REQUEST, _("Not a request about personal data")),
        (SETTLED_BY_ERASURE, _("Settled by the erasure of the member's data")),
    ]
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS)
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=QUEUED)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gdpr_requests",
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    verified_at = models.DateTimeField(_("identity verified"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    extended_until = models.DateTimeField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    #: A scheduled request (an erasure in its grace period) is carried out from this moment on.
    execute_after = models.DateTimeField(_("carry out after"), null=True, blank=True)
    #: The purpose a restriction or objection covers: a purpose slug, or "all".
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    #: An accepted restriction or objection that has not been lifted.
    in_force = models.BooleanField(_("in force"), default=False)
    #: Shown to staff only: why processing failed, without personal data.
    failure_reason = models.TextField(_("failure reason"), blank=True)
    #: Shown to the member when a request is refused.
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    enqueued_at = models.DateTimeField(_("handed to a worker"), null=True, blank=True)
    #: Renewed while a worker runs the request; a stale one means the worker died.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The legal clock (see ``wagtail_gdpr.deadlines``): the month runs from receipt, or from the
    # identity check for a request received unverified, and stands still while staff wait for
    # proof of identity.
    #: Set when a request received unverified is verified: the month runs from here.
    clock_started_at = models.DateTimeField(_("clock started"), null=True, blank=True)
    #: Set while the clock stands still, waiting for proof of identity.
    clock_paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    #: Time the clock stood still after it had started; already added to ``due_at``.
    paused_for = models.DurationField(_("clock paused for"), default=timedelta(0))
    #: The due date the staff reminder was sent for: sent once per due date.
    reminder_sent_for = models.DateTimeField(_("reminder sent for"), null=True, blank=True)
    #: The due date the "overdue" notice was sent for.
    overdue_notice_sent_for = models.DateTimeField(
        _("overdue notice sent for"), null=True, blank=True
    )
    received_via = models.CharField(
        _("received by"), max_length=20, choices=CHANNELS, default=ONLINE
    )
    #: The requester's name, for a request from someone without an account here.
    requester_name = models.CharField(_("requester's name"), max_length=200, blank=True)
    #: A postal address or phone number, for a request received without an email address.
    contact_details = models.TextField(_("other contact details"), blank=True)
    #: How the requester's identity was, or will be, checked.
    identity_check = models.TextField(_("identity check"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: Why it was closed, when it was not simply carried out (see ``CLOSING_REASONS``).
    closed_because = models.CharField(
        _("closed because"), max_length=20, choices=CLOSING_REASONS, blank=True
    )
    #: The erasure that settled this request.
    settled_by = models.ForeignKey(
        "self",
        verbose_name=_("settled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="settled",
    )
    #: A restriction is lifted from this moment on: the member was told before (Art. 18(3)).
    lift_after = models.DateTimeField(_("lifted from"), null=True, blank=True)

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["member", "kind", "status"]),
            models.Index(
                fields=["status", "execute_after"],
                condition=models.Q(status="scheduled"),
                name="gdpr_request_scheduled",
            ),
            models.Index(
                fields=["member", "kind"],
                condition=models.Q(in_force=True),
                name="gdpr_request_in_force",
            ),
        ]
        permissions = [("manage_requests", _("Can work the privacy request queue"))]

    def __str__(self):
        return _("%(kind)s request #%(pk)s") % {"kind": self.get_kind_display(), "pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RequestNote(models.Model):
    """A note on a request: staff's own, a question to the requester, or their answer.

    Notes may hold personal data: an erasure empties their text and keeps the line.
    """

    INTERNAL = "internal"
    TO_REQUESTER = "to_requester"
    FROM_REQUESTER = "from_requester"
    KINDS = [
        (INTERNAL, _("Internal note")),
        (TO_REQUESTER, _("Message to the requester")),
        (FROM_REQUESTER, _("Answer from the requester")),
    ]

    request = models.ForeignKey(
        DataSubjectRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="notes",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS, default=INTERNAL)
    text = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("note on a request")
        verbose_name_plural = _("notes on requests")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return _("%(kind)s on request #%(pk)s") % {
            "kind": self.get_kind_display(),
            "pk": self.request_id,
        }


def report_upload_to(instance, filename):
    # Unguessable and free of personal data: the member's name never appears in a path.
    return f"wagtail_gdpr/reports/{uuid.uuid4().hex}.zip"


class AccessReport(models.Model):
    """One access request's file, in private storage, for its owner to download until expiry."""

    request = models.OneToOneField(
        DataSubjectRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="report",
    )
    file = models.FileField(
        _("file"),
        storage=get_report_storage,
        upload_to=report_upload_to,
        max_length=255,
        blank=True,
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    last_downloaded_at = models.DateTimeField(_("last downloaded"), null=True, blank=True)
    purged_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("access report")
        verbose_name_plural = _("access reports")

    def __str__(self):
        return _("Report for request #%(pk)s") % {"pk": self.request_id}

    def is_available(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.file) and self.purged_at is None and self.expires_at > now
