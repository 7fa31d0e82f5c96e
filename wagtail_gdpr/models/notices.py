"""Privacy notice pages and the versions their publications create."""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_gdpr.blocks import PrivacyNoticeBlock


class PrivacyNoticeMixin:
    """Behaviour of a page whose publications are notice versions.

    Mix it into your own page model (as ``wagtail.contrib.forms`` does with ``FormMixin``) if
    ``AbstractPrivacyNoticePage`` does not suit; provide ``summary`` and ``material_change``.
    """

    def get_context(self, request, *args, **kwargs):
        from wagtail_gdpr import notices
        from wagtail_gdpr.views.common import base_template

        context = super().get_context(request, *args, **kwargs)
        context["gdpr_base_template"] = base_template()
        context["notice_version"] = notices.live_version(self.pk)
        return context

    def get_notice_summary(self) -> str:
        return self.summary

    def get_notice_text(self) -> str:
        """The text a version's SHA-256 is taken of: title, summary and the body's content."""
        body = getattr(self, "body", None)
        raw = body.get_prep_value() if body is not None else []
        return json.dumps(
            {"title": self.title, "summary": self.get_notice_summary(), "body": raw},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )


class AbstractPrivacyNoticePage(PrivacyNoticeMixin, Page):
    summary = models.TextField(
        _("summary"),
        help_text=_("A few plain sentences shown to members when they are asked to acknowledge."),
    )
    body = StreamField(PrivacyNoticeBlock(), verbose_name=_("body"), blank=True)
    material_change = models.BooleanField(
        _("this publication is a material change"),
        default=False,
        help_text=_(
            "Tick it before publishing to ask every member to read and acknowledge the notice "
            "again at their next visit. It is cleared after publishing."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("material_change")], heading=_("Publishing")),
    ]
    template = "wagtail_gdpr/privacy_notice_page.html"

    class Meta:
        abstract = True


class PrivacyNoticePage(AbstractPrivacyNoticePage):
    class Meta:
        verbose_name = _("privacy notice page")
        verbose_name_plural = _("privacy notice pages")


class NoticeVersion(models.Model):
    """One publication of a notice page; material ones must be acknowledged again."""

    # DO_NOTHING: versions are proof and outlive the page.
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("notice page"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    number = models.PositiveIntegerField(_("version"))
    material = models.BooleanField(_("material change"))
    text_sha256 = models.CharField(_("SHA-256 of the notice"), max_length=64)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice version")
        verbose_name_plural = _("notice versions")
        ordering = ["page_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="gdpr_notice_version_number")
        ]

    def __str__(self):
        return _("Version %(number)s") % {"number": self.number}
