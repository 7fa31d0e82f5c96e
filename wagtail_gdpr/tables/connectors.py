"""The company's other systems (connectors) and the outbox of events sent to them."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_gdpr.tables.requests import DataSubjectRequest


class Connector(models.Model):
    """A connected system declared in the admin (``WAGTAIL_GDPR_CONNECTORS`` declares others).

    The secret is shared with the other system only; it signs what we send and what they answer.
    """

    key = models.SlugField(
        _("key"), max_length=64, unique=True, help_text=_("A short name for machines: crm.")
    )
    name = models.CharField(
        _("name members read"),
        max_length=200,
        help_text=_("What members are told, e.g. 'Our customer service system'."),
    )
    endpoint = models.URLField(_("address (HTTPS)"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200)
    takes_access = models.BooleanField(_("sends its data for copies"), default=True)
    takes_erasure = models.BooleanField(_("erases on request"), default=True)
    takes_rectification = models.BooleanField(_("corrects on request"), default=True)
    takes_restriction = models.BooleanField(_("restricts on request"), default=True)
    timeout_seconds = models.PositiveIntegerField(_("seconds to wait for an answer"), default=10)
    max_attempts = models.PositiveIntegerField(_("attempts before giving up"), default=8)
    retry_base_seconds = models.PositiveIntegerField(
        _("first pause between attempts (seconds)"), default=30
    )
    answer_within_hours = models.PositiveIntegerField(_("hours it has to answer"), default=72)
    country = models.CharField(_("country (ISO code)"), max_length=2, blank=True)
    enabled = models.BooleanField(_("in use"), default=True)

    class Meta:
        app_label = "wagtail_gdpr"
        verbose_name = _("connected system")
        verbose_name_plural = _("connected systems")

    def __str__(self):
        return self.name


class ConnectorEvent(models.Model):
    """One event for one connected system about one request: the outbox row.

    Written in the transaction of the request it is about, sent after commit, retried until
    answered or given up on. ``idempotency_key`` is the event's id: every attempt sends it again.
    ``payload`` keeps the subject's identifiers only until the system has answered.
    """

    PENDING = "pending"
    AWAITING_ANSWER = "awaiting_answer"
    ANSWERED = "answered"
    UNDELIVERABLE = "undeliverable"
    NOT_RECEIVED = "not_received"
    STATUSES = [
        (PENDING, _("Being sent")),
        (AWAITING_ANSWER, _("Sent, waiting for the answer")),
        (ANSWERED, _("Answered")),
        (UNDELIVERABLE, _("Could not be delivered")),
        (NOT_RECEIVED, _("No answer by the deadline")),
    ]
    SETTLED = (ANSWERED, UNDELIVERABLE, NOT_RECEIVED)

    DATA = "data"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    ANSWERS = [(DATA, _("Sent its data")), (CONFIRMED, _("Confirmed")), (REFUSED, _("Refused"))]

    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.CASCADE, related_name="connector_events"
    )
    connector_key = models.CharField(max_length=64)
    connector_name = models.CharField(_("system"), max_length=200)
    #: The request's kind, in the request's own words (a copy's event is "access").
    KINDS = [
        (kind, label)
        for kind, label in DataSubjectRequest.KINDS
        if kind in ("access", "erasure", "rectification", "restriction")
    ]
    kind = models.CharField(_("kind of request"), max_length=20, choices=KINDS)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(default=dict)
    status = models.CharField(_("state"), max_length=20, choices=STATUSES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    answer_by = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=20, choices=ANSWERS, blank=True)
    answer_reason = models.TextField(blank=True)
    answer_data = models.JSONField(null=True, blank=True)
    staff_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "wagtail_gdpr"
        verbose_name = _("event for a connected system")
        verbose_name_plural = _("events for connected systems")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "connector_key"], name="one_event_per_system_and_request"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.connector_name} #{self.request_id}"
