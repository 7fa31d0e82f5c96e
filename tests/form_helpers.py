"""Form pages with and without the privacy tab, and their submissions."""

from datetime import timedelta

from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from tests.testapp.models import ContactField, ContactPage, PlainFormField, PlainFormPage
from wagtail_gdpr.models import VerifiedEmail


def home():
    return Site.objects.get(is_default_site=True).root_page


def add_contact_page(title="Contact us", slug="contact", **privacy) -> ContactPage:
    page = ContactPage(title=title, slug=slug, **privacy)
    home().add_child(instance=page)
    ContactField.objects.create(page=page, label="Your email", field_type="email")
    ContactField.objects.create(page=page, label="Message", field_type="multiline")
    return page


def add_plain_form(title="Competition", slug="competition") -> PlainFormPage:
    page = PlainFormPage(title=title, slug=slug)
    home().add_child(instance=page)
    PlainFormField.objects.create(page=page, label="Email address", field_type="email")
    return page


def submit(page, email, *, days_ago=0, key=None, **answers) -> FormSubmission:
    key = key or ("your_email" if isinstance(page, ContactPage) else "email_address")
    submission = FormSubmission.objects.create(page=page, form_data={key: email, **answers})
    if days_ago:
        FormSubmission.objects.filter(pk=submission.pk).update(
            submit_time=timezone.now() - timedelta(days=days_ago)
        )
    return submission


def verify(user, email):
    VerifiedEmail.objects.create(user=user, email=email)
