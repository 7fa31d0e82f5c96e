"""The privacy notice page: its publications are the notice versions members acknowledge."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
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
    ``AbstractPrivacyNoticePage`` does not suit; provide ``summary``, ``material_change`` and
    ``change_summary``.
    """

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["gdpr_base_template"] = app_settings.BASE_TEMPLATE
        context["notice_version"] = notices.live_version(self.pk)
        return context

    def get_notice_summary(self) -> str:
        return self.summary

    def get_notice_text(self) -> str:
        """The notice as members read it, in plain text: title, summary and the rendered body.

        A version's SHA-256 is taken of this text, and the text is kept with the consent ledger,
        so that a member's copy can show the words they acknowledged.
        """
        parts = [self.title, self.get_notice_summary()]
        body = getattr(self, "body", None)
        locale = getattr(self, "locale", None)
        with translation.override(locale.language_code if locale else translation.get_language()):
            for block in body or ():
                parts.append(_plain_text(block.render(context={"page": self})))
        return "\n\n".join(part.strip() for part in parts if part and part.strip())

    def clean(self):
        super().clean()
        if getattr(self, "material_change", False) and not (self.change_summary or "").strip():
            raise ValidationError(
                {
                    "change_summary": _(
                        "Say in a few words what changed: members read it when they are asked "
                        "to acknowledge the notice again."
                    )
                }
            )


def _plain_text(html: str) -> str:
    """Rendered blocks as text: tags removed, one line per paragraph, spaces tidied."""
    text = strip_tags(
        str(html).replace("</p>", "</p>\n").replace("<br>", "\n").replace("</li>", "</li>\n")
    )
    lines = (" ".join(line.split()) for line in normalize_newlines(text).split("\n"))
    return "\n".join(line for line in lines if line)


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
    change_summary = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_(
            "Needed with a material change: a few plain sentences on what is new, shown to "
            "members when they are asked again and in their privacy centre. Kept with the "
            "notice version; cleared after publishing."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("material_change"), FieldPanel("change_summary")],
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
