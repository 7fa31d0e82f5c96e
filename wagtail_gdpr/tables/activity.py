from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberActivity(models.Model):
    """What a member did in the portal. Personal data itself: declared, exported and swept."""

    LOGIN = "login"
    LOGOUT = "logout"
    LOGIN_FAILED = "login_failed"
    DOWNLOAD = "download"
    CONSENT = "consent"
    REQUEST = "request"
    CHANGE = "change"
    KINDS = [
        (LOGIN, _("Logged in")),
        (LOGOUT, _("Logged out")),
        (LOGIN_FAILED, _("Wrong password entered")),
        (DOWNLOAD, _("Downloaded a copy of your data")),
        (CONSENT, _("Changed a consent choice")),
        (REQUEST, _("Made a privacy request")),
        (CHANGE, _("Changed your data")),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="gdpr_activity",
    )
    kind = models.CharField(_("what"), max_length=20, choices=KINDS)
    #: A short description without personal data, e.g. "Newsletter: withdrawn".
    detail = models.CharField(_("details"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=512, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("member activity")
        verbose_name_plural = _("member activity")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class VerifiedEmail(models.Model):
    """An address the member proved they control: data kept under it is theirs too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="gdpr_verified_emails",
    )
    email = models.EmailField(_("email address"))
    verified_at = models.DateTimeField(_("confirmed"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmed email address")
        verbose_name_plural = _("confirmed email addresses")
        constraints = [
            models.UniqueConstraint(fields=["user", "email"], name="gdpr_verified_email_once")
        ]

    def __str__(self):
        return str(_("Confirmed address #%(pk)s")) % {"pk": self.pk}
