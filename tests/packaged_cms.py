"""An abstract model as a CMS package built on Wagtail ships it; tests treat this module as
installed from a package index (see ``test_checks``)."""

from django.db import models


class AbstractBranch(models.Model):
    """A location of the organisation: its address and phone are the organisation's own."""

    address = models.TextField(blank=True)
    phone_number = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)

    class Meta:
        abstract = True
