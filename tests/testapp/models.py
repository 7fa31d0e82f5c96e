"""Models that hold personal data in every shape the registry must handle."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractForm, AbstractFormField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from tests.packaged_cms import AbstractBranch
from wagtail_gdpr.models import FormPrivacyMixin


class Shop(models.Model):
    """Not personal data: a company's shared mailbox, excluded with a reason in gdpr.py."""

    name = models.CharField(max_length=100)
    contact_email = models.EmailField(blank=True)


class Order(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    email = models.EmailField(blank=True)
    shipping_address = models.TextField(blank=True)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(default=timezone.now)


class OrderNote(models.Model):
    """Reaches its member through the order: subject path ``order__customer``."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    nickname = models.CharField(max_length=40, null=True, blank=True)
    display_name = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    birth_date = models.DateField(null=True, blank=True)


class Visit(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    visited_at = models.DateTimeField(default=timezone.now)


class Attachment(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    upload = models.FileField(upload_to="attachments/", blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)


class Author(models.Model):
    """Not a member: a person named as the author of articles (declared with members=False)."""

    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    email = models.EmailField(blank=True)
    added_at = models.DateTimeField(default=timezone.now)


class Branch(AbstractBranch):
    """A page type a CMS package provides, subclassed by the site: its fields are the package's."""

    name = models.CharField(max_length=100)


@register_setting
class ShopSettings(BaseSiteSetting):
    """The organisation's own contact details, as a Wagtail site setting."""

    support_phone = models.CharField(max_length=40, blank=True)
    support_email = models.EmailField(blank=True)


class ContactField(AbstractFormField):
    page = ParentalKey("ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(FormPrivacyMixin, AbstractEmailForm):
    """A form page with the privacy tab: its submissions are an activity of their own."""

    landing_page_template = "testapp/contact_page_landing.html"


class PlainFormField(AbstractFormField):
    page = ParentalKey("PlainFormPage", on_delete=models.CASCADE, related_name="form_fields")


class PlainFormPage(AbstractForm):
    """A form page without the privacy tab: the site's default retention applies."""


class Booking(models.Model):
    """A field of every kind a copy writes; declared only by the tests that compare the copy's
    two writers (tests/test_copy_writers.py), so it leaves every other test's copy alone."""

    STATUSES = [("open", "Open"), ("paid", "Paid, with thanks"), ("cancelled", "=Cancelled")]
    SIZES = [(0, "None at all"), (1, "Small"), (2, 'Large, "extra"')]

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.SET_NULL)
    shop_named = models.ForeignKey(
        Shop, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=STATUSES, blank=True)
    size = models.IntegerField(choices=SIZES, null=True, blank=True)
    remark = models.TextField(blank=True)
    code = models.CharField(max_length=200, null=True, blank=True)
    seats = models.BigIntegerField(null=True, blank=True)
    confirmed = models.BooleanField(null=True, blank=True)
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    day = models.DateField(null=True, blank=True)
    moment = models.DateTimeField(null=True, blank=True)
    origin = models.GenericIPAddressField(null=True, blank=True)
    token = models.UUIDField(null=True, blank=True)
    ticket = models.FileField(upload_to="tickets/", max_length=300, blank=True)
    booked_on = models.DateField(default=timezone.localdate)
    booked_at = models.DateTimeField(default=timezone.now)
