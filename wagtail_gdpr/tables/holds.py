from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalHoldQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now)


class LegalHold(models.Model):
    """Data that must not be erased or swept, e.g. while a legal claim is open.

    Either a whole member (``member``) or one record (``content_type`` and ``object_id``).
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="gdpr_legal_holds",
    )
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of record"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    reason = models.TextField(
        _("reason"), help_text=_("Shown to the member in the erasure plan; no personal data.")
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False)
                | (Q(content_type__isnull=False) & ~Q(object_id="")),
                name="gdpr_hold_has_a_target",
            )
        ]

    def __str__(self):
        return str(_("Legal hold #%(pk)s")) % {"pk": self.pk}

    def clean(self):
        if self.member_id is None and not (self.content_type_id and self.object_id):
            raise ValidationError(_("Choose a member, or a kind of record and its id."))

    @classmethod
    def for_record(cls, instance, **kwargs):
        return cls(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=str(instance.pk),
            **kwargs,
        )
