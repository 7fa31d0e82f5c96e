from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.models import LockableMixin, RevisionMixin


class Subscriber(models.Model):
    """Not declared at all."""

    email = models.EmailField()
    office_email = models.EmailField(blank=True)  # excluded with a reason in gdpr.py
    title = models.CharField(max_length=100)

    class Meta:
        app_label = "undeclared_app"


class Ticket(models.Model):
    """Declared, but its ``phone`` field is missing from the declaration's ``fields``."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    subject_line = models.CharField(max_length=200)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        app_label = "undeclared_app"


class Announcement(LockableMixin, RevisionMixin, models.Model):
    """A snippet with Wagtail's locking and revisions: their fields are the CMS's bookkeeping."""

    title = models.CharField(max_length=100)

    class Meta:
        app_label = "undeclared_app"


class EnquiryPage(AbstractEmailForm):
    """A form page: to_address, from_address and subject configure its email, they hold no one."""

    class Meta:
        app_label = "undeclared_app"


class ContactField(AbstractFormField):
    page = ParentalKey(EnquiryPage, on_delete=models.CASCADE, related_name="form_fields")

    class Meta:
        app_label = "undeclared_app"


class StaffMember(models.Model):
    """People who are not members: declared with ``members=False`` in gdpr.py."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    role = models.CharField(max_length=100)

    class Meta:
        app_label = "undeclared_app"
