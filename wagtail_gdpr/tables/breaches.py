"""The personal-data breach register (GDPR Art. 33(5)): breaches, their history, the people
named as affected, the authority's notification and its supplements, and the members' notices.

A breach row carries its current facts in columns, so the register can be filtered; those
columns are only ever changed by ``wagtail_gdpr.breaches``, which writes every change as a
dated :class:`BreachEntry` first. Entries can be added, never changed or deleted.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HistoryIsAppendOnly(ValidationError):
    pass


def once_per_breach_and_person(prefix: str) -> list[models.UniqueConstraint]:
    """At most one row per breach and person: per member, and per address for the rows of
    people who are not members (named ``<prefix>_member_once`` and ``<prefix>_email_once``)."""
    return [
        models.UniqueConstraint(
            fields=["breach", "member"],
            condition=Q(member__isnull=False),
            name=f"{prefix}_member_once",
        ),
        models.UniqueConstraint(
            fields=["breach", "email"],
            condition=Q(member__isnull=True),
            name=f"{prefix}_email_once",
        ),
    ]


class Breach(models.Model):
    NO_RISK = "no_risk"
    RISK = "risk"
    HIGH_RISK = "high_risk"
    RISKS = [
        (NO_RISK, _("Unlikely to result in a risk")),
        (RISK, _("A risk to people's rights and freedoms")),
        (HIGH_RISK, _("A high risk to people's rights and freedoms")),
    ]

    title = models.CharField(_("short description"), max_length=200)
    nature = models.TextField(_("what happened"), blank=True)
    occurred_at = models.DateTimeField(_("happened"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("discovered"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True, db_index=True)
    #: Model labels of the declarations the breach touched (``"shop.Order"``).
    declarations = models.JSONField(_("declarations"), default=list, blank=True)
    #: ``"<model label>.<field>"`` of the fields touched; empty: every declared field.
    fields = models.JSONField(_("fields"), default=list, blank=True)
    window_start = models.DateTimeField(_("rows from"), null=True, blank=True)
    window_end = models.DateTimeField(_("rows until"), null=True, blank=True)
    #: True when only the people listed (:class:`BreachAffectedPerson`) are affected.
    listed_people_only = models.BooleanField(_("only the people listed"), default=False)
    #: The name of a filter a site registered with ``wagtail_gdpr_breach_filters``.
    site_filter = models.CharField(_("site-defined filter"), max_length=100, blank=True)
    cause = models.TextField(_("cause"), blank=True)
    containment = models.TextField(_("containment and remediation"), blank=True)
    consequences = models.TextField(_("likely consequences"), blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    risk = models.CharField(_("risk"), max_length=16, choices=RISKS, blank=True)
    risk_reasons = models.TextField(_("reasons for the risk assessment"), blank=True)
    delay_reason = models.TextField(_("reason for the delay"), blank=True)
    authority_notified_at = models.DateTimeField(_("authority notified"), null=True, blank=True)
    not_notifying_at = models.DateTimeField(
        _("decided not to notify the authority"), null=True, blank=True
    )
    people_notified_at = models.DateTimeField(_("people notified"), null=True, blank=True)
    #: The authority's notification as last edited: ``{item: text}`` of the Art. 33(3) items.
    authority_draft = models.JSONField(_("notification to the authority"), default=dict)
    #: What members read (what happened, what we did, what you can do).
    notice_what_happened = models.TextField(_("notice: what happened"), blank=True)
    notice_what_we_did = models.TextField(_("notice: what we did"), blank=True)
    notice_what_you_can_do = models.TextField(_("notice: what you can do"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data breach")
        verbose_name_plural = _("personal data breaches")
        ordering = ["-discovered_at"]

    def __str__(self):
        return _("Breach %(number)s: %(title)s") % {"number": self.pk, "title": self.title}


class HistoryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise HistoryIsAppendOnly(_("The breach history cannot be changed."))

    def delete(self):
        raise HistoryIsAppendOnly(_("The breach history cannot be deleted."))


class BreachEntry(models.Model):
    """One dated step in a breach's history: what changed, and who recorded it."""

    RECORDED = "recorded"
    CHANGED = "changed"
    ASSESSED = "assessed"
    AUTHORITY_NOTIFIED = "authority_notified"
    NOT_NOTIFYING = "not_notifying"
    SUPPLEMENT = "supplement"
    NOTICES_SENT = "notices_sent"
    DRAFT_EDITED = "draft_edited"
    CLOSED = "closed"
    KINDS = [
        (RECORDED, _("Recorded")),
        (CHANGED, _("Facts changed")),
        (ASSESSED, _("Risk assessed")),
        (DRAFT_EDITED, _("Notification draft edited")),
        (AUTHORITY_NOTIFIED, _("Authority notified")),
        (NOT_NOTIFYING, _("Decided not to notify the authority")),
        (SUPPLEMENT, _("Supplement sent to the authority")),
        (NOTICES_SENT, _("Notices to the people affected sent")),
        (CLOSED, _("Closed")),
    ]

    breach = models.ForeignKey(
        Breach, on_delete=models.CASCADE, related_name="entries", verbose_name=_("breach")
    )
    kind = models.CharField(_("step"), max_length=32, choices=KINDS)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: ``{field: new value}``, as recorded.
    changes = models.JSONField(_("changes"), default=dict)
    #: A supplement's or a decision's words.
    text = models.TextField(_("text"), blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("breach history entry")
        verbose_name_plural = _("breach history entries")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})" if self.at else self.kind

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise HistoryIsAppendOnly(_("The breach history cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoryIsAppendOnly(_("The breach history cannot be deleted."))


class BreachAffectedPerson(models.Model):
    """A person the officer named as affected: a member, or an address (a guest, a non-member)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="people")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = once_per_breach_and_person("gdpr_breach_person")

    def __str__(self):
        return _("A person affected by breach %(number)s") % {"number": self.breach_id}


#: A claim on a notice older than this belonged to a worker that stopped; another takes it over.
#: Sending one message must take less (the system check ``wagtail_gdpr.W006`` sees to it).
NOTICE_CLAIM_STALLS_AFTER = timedelta(minutes=10)


class BreachNotice(models.Model):
    """The notice to one affected person (Art. 34): one row each, so it is sent once.

    A member's notice is also shown in their privacy centre. A notice moves, each step
    committed on its own: waiting (``claimed_at`` empty) -> claimed by a worker (``claimed_at``
    and the worker's ``claim``) -> being sent (``sending_at``, set just before the message goes
    to the mail backend) -> sent (``sent_at``, with how: ``delivery``). A notice claimed but not
    being sent was never handed to the mail backend; only one being sent can be in doubt.
    """

    #: Sent once, by the worker that marked it.
    SENT = "sent"
    #: Its worker stopped after handing it over; the mail backend's record showed it accepted
    #: it, so it was not sent again.
    FOUND = "found"
    #: Its worker stopped after handing it over, and the mail backend cannot say whether it
    #: took it: sent again, with the same Message-ID.
    RESENT = "resent"
    DELIVERIES = [
        (SENT, _("Sent")),
        (FOUND, _("Found in the mail system's record after a stop")),
        (RESENT, _("Sent again after a stop, as the same message")),
    ]

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="notices")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.CASCADE,
        related_name="gdpr_breach_notices",
    )
    email = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: The claim of the worker holding the notice: a worker only marks a notice it still holds.
    claim = models.CharField(max_length=32, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivery = models.CharField(max_length=8, choices=DELIVERIES, blank=True)

    class Meta:
        constraints = once_per_breach_and_person("gdpr_breach_notice")

    def __str__(self):
        return _("Notice of breach %(number)s") % {"number": self.breach_id}
