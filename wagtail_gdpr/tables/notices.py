"""The versions a privacy notice page's publications create (the page types are in ``pages``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    change_summary = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_("The editor's summary of a material change, shown to members."),
    )
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
