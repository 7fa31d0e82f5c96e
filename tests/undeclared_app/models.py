from django.conf import settings
from django.db import models


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
