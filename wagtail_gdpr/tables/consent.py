"""Consent purposes, the append-only consent ledger, and the state derived from it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index


class PurposeQuerySet(models.QuerySet):
    def originals(self):
        """One row per purpose: the first of its translations (the one members' answers are
        kept against, whatever language they read it in)."""
        earlier = ConsentPurpose.objects.filter(
            translation_key=models.OuterRef("translation_key"), pk__lt=models.OuterRef("pk")
        )
        return self.filter(~models.Exists(earlier))


class ConsentPurpose(TranslatableMixin, index.Indexed, models.Model):
    """Something a member may agree to, with the exact text they are shown.

    Translatable with Wagtail's i18n (and wagtail-localize): each language's text is a row of
    its own, sharing the purpose's ``translation_key``. Consent is kept against the original
    (:meth:`original`); the ledger records the language and the exact text shown. A translation
    whose ``version`` differs from the original's is out of date and not shown.
    """

    slug = models.SlugField(
        _("slug"),
        max_length=64,
        help_text=_("Used in code: has_consent(user, slug). The same in every language."),
    )
    name = models.CharField(_("name"), max_length=255)
    text = models.TextField(
        _("text shown"),
        help_text=_("Exactly what members read before they agree; kept with every consent."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_(
            "Raise it when the meaning of the text changes: earlier consents then no longer "
            "count and members are asked again."
        ),
    )
    required = models.BooleanField(
        _("needed to deliver the service"),
        default=False,
        help_text=_(
            "Members acknowledge it rather than consent to it, and cannot withdraw it: consent "
            "cannot be a condition of the service (GDPR Art. 7(4))."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("text"),
        FieldPanel("version"),
        FieldPanel("required"),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("text")]

    objects = PurposeQuerySet.as_manager()

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("consent purpose")
        verbose_name_plural = _("consent purposes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="gdpr_purpose_slug_per_locale")
        ]

    def __str__(self):
        return self.name

    def original(self) -> "ConsentPurpose":
        """The first of this purpose's translations: what consent is recorded against."""
        return (
            ConsentPurpose.objects.filter(translation_key=self.translation_key)
            .order_by("pk")
            .first()
            or self
        )

    def for_reader(self) -> "ConsentPurpose":
        """The text to show in the active language: its translation when it exists and is of the
        same version as this one, else this one."""
        translated = self.localized
        if translated.pk != self.pk and translated.version != self.version:
            return self
        return translated


class ConsentText(models.Model):
    """Every distinct text members were shown, by its SHA-256, so the ledger can prove it."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    text = models.TextField(_("text"))
    first_shown_at = models.DateTimeField(_("first shown at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")

    def __str__(self):
        return self.sha256


class LedgerQuerySet(models.QuerySet):
    """Refuses bulk changes: the ledger is only ever appended to."""

    def update(self, **kwargs):
        raise LedgerIsAppendOnly(_("Consent records cannot be changed."))

    def delete(self):
        raise LedgerIsAppendOnly(_("Consent records cannot be deleted."))

    def bulk_update(self, *args, **kwargs):
        raise LedgerIsAppendOnly(_("Consent records cannot be changed."))


class LedgerIsAppendOnly(ValidationError):
    pass


class ConsentRecord(models.Model):
    """One line of the consent ledger: who agreed (or withdrew, or acknowledged) what, and how.

    Rows are never changed or deleted by the application; ``ConsentState`` holds the current
    state derived from them.
    """

    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    ACKNOWLEDGED = "acknowledged"
    ACTIONS = [
        (GIVEN, _("consent given")),
        (WITHDRAWN, _("consent withdrawn")),
        (ACKNOWLEDGED, _("read and acknowledged")),
    ]

    SOURCE_GATE = "gate"
    SOURCE_BLOCK = "block"
    SOURCE_PRIVACY_CENTRE = "privacy_centre"
    SOURCE_API = "api"
    SOURCE_FORM = "form"
    SOURCE_FORM_LINK = "form_link"
    SOURCES = [
        (SOURCE_GATE, _("consent step at login")),
        (SOURCE_BLOCK, _("consent block on a page")),
        (SOURCE_PRIVACY_CENTRE, _("privacy centre")),
        (SOURCE_API, _("site code")),
        (SOURCE_FORM, _("a form on the site")),
        (SOURCE_FORM_LINK, _("the link in a form's confirmation email")),
    ]

    # No database constraint and no cascade: the ledger outlives an erased account as proof,
    # and deleting a user must never be blocked by it. Empty for a guest's answer on a form,
    # which is kept under the address they gave (``email``) instead.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    #: A guest's answer on a form: the address they gave, trimmed and in lower case. It becomes
    #: a member's once they confirm the address (the registry finds it under their addresses).
    email = models.EmailField(_("email address (guests)"), blank=True, db_index=True)
    purpose = models.ForeignKey(
        ConsentPurpose,
        verbose_name=_("purpose"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        help_text=_("Empty for an acknowledgement of the privacy notice."),
    )
    purpose_version = models.PositiveIntegerField(_("purpose version"), null=True, blank=True)
    notice_version = models.ForeignKey(
        "wagtail_gdpr.NoticeVersion",
        verbose_name=_("notice version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=ACTIONS)
    text_sha256 = models.CharField(_("SHA-256 of the text shown"), max_length=64)
    #: The language of the text shown (a purpose's translation, a notice page's locale).
    locale = models.CharField(_("language of the text shown"), max_length=16, blank=True)
    source = models.CharField(_("source"), max_length=32, choices=SOURCES)
    # DO_NOTHING: deleting the page must not rewrite the ledger; the id stays as history.
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address (truncated)"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent ledger")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise LedgerIsAppendOnly(_("Consent records cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly(_("Consent records cannot be deleted."))

    @property
    def text(self) -> str:
        shown = ConsentText.objects.filter(sha256=self.text_sha256).first()
        return shown.text if shown else ""


class ConsentState(models.Model):
    """The member's current answer per purpose: the last ledger line, kept for cheap reads.

    A guest's answer on a form has a state of its own, under the address they gave (no member).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="gdpr_consent_states",
    )
    email = models.EmailField(_("email address (guests)"), blank=True)
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.CASCADE, related_name="+")
    given = models.BooleanField()
    purpose_version = models.PositiveIntegerField()
    record = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent state")
        verbose_name_plural = _("consent states")
        constraints = [
            models.UniqueConstraint(fields=["user", "purpose"], name="gdpr_one_state_per_purpose"),
            models.UniqueConstraint(
                fields=["email", "purpose"],
                condition=models.Q(user__isnull=True),
                name="gdpr_one_guest_state_per_purpose",
            ),
        ]

    def __str__(self):
        return f"{self.purpose_id}: {self.given}"
