"""The privacy notice page: its publications are the notice versions members acknowledge."""

import json

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from wagtail_gdpr.blocks import PrivacyNoticeBlock
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.consent import notices


class PrivacyNoticeMixin:
    """Behaviour of a page whose publications are notice versions.

    Mix it into your own page model (as ``wagtail.contrib.forms`` does with ``FormMixin``) if
    ``AbstractPrivacyNoticePage`` does not suit; provide ``summary`` and ``material_change``,
    and ``change_summary`` if editors are to say what changed.
    """

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["gdpr_base_template"] = app_settings.BASE_TEMPLATE
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
    change_summary = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_(
            "A sentence or two on what this publication changes. It is kept with the notice "
            "version, for the record. It is cleared after publishing."
        ),
    )
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
        MultiFieldPanel(
            [FieldPanel("change_summary"), FieldPanel("material_change")],
            heading=_("Publishing"),
        ),
    ]
    template = "wagtail_gdpr/privacy_notice_page.html"

    class Meta:
        abstract = True


class PrivacyNoticePage(AbstractPrivacyNoticePage):
    class Meta:
        verbose_name = _("privacy notice page")
        verbose_name_plural = _("privacy notice pages")
