"""Models that hold personal data in every shape the registry must handle."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from tests.packaged_cms import AbstractBranch


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
