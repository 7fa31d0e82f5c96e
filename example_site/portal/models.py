from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MemberProfile(models.Model):
    """What a member tells us beyond the account itself, for deliveries and age checks."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member_profile",
        verbose_name=_("member"),
    )
    phone = models.CharField(_("phone number"), max_length=32, blank=True)
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")

    def __str__(self):
        return str(self.user)


class Order(models.Model):
    # SET_NULL, not CASCADE or PROTECT: deleting an account must neither remove accounting
    # records nor be blocked by them.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
        help_text=_("Empty for an order placed without an account."),
    )
    reference = models.CharField(_("order number"), max_length=32, unique=True)
    email = models.EmailField(_("email address"), help_text=_("Where order mails are sent."))
    shipping_address = models.TextField(_("shipping address"))
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(_("ordered"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self):
        return self.reference


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product_name = models.CharField(_("product"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    # The retention sweep counts from a date on the row itself, so the line keeps its order's.
    created_at = models.DateTimeField(_("ordered"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"

    @property
    def line_total(self):
        return self.quantity * self.unit_price


class SupportTicket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="support_tickets",
        verbose_name=_("member"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support ticket")
        verbose_name_plural = _("support tickets")

    def __str__(self):
        return self.subject

    def close(self):
        self.status = self.Status.CLOSED
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at"])


class NewsletterSubscription(models.Model):
    """The newsletter's mailing list: one row per member who currently agrees to receive it.

    The consent itself (the text shown, its version, every change and where it was made) lives
    in wagtail-gdpr's consent ledger, under the purpose ``newsletter``. This row follows it:
    ``portal.signals`` creates it when the member agrees and deletes it when they withdraw, so
    whatever sends the newsletter needs to read nothing else.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="newsletter_subscription",
        verbose_name=_("member"),
    )
    email = models.EmailField(_("email address"))
    subscribed_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    consent_given_at = models.DateTimeField(
        _("consent given"),
        default=timezone.now,
        help_text=_("When the member ticked the newsletter box; the subscription rests on it."),
    )

    class Meta:
        verbose_name = _("newsletter subscription")
        verbose_name_plural = _("newsletter subscriptions")

    def __str__(self):
        return self.email
