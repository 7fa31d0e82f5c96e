"""Form pages with a privacy tab: each form its own processing activity, found and swept fast."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from wagtail.contrib.forms.models import FormSubmission

from tests.consent_helpers import configure, make_member, make_purpose, make_superuser
from tests.form_helpers import add_contact_page, add_plain_form, submit, verify
from tests.testapp.models import ContactField, ContactPage, PlainFormPage
from wagtail_gdpr import inventory
from wagtail_gdpr.access import live_summary
from wagtail_gdpr.access.report import declared_sections
from wagtail_gdpr.erasure import retention
from wagtail_gdpr.erasure.execution import delete_rows
from wagtail_gdpr.form_privacy import addresses
from wagtail_gdpr.models import FormSubmissionAddress
from wagtail_gdpr.registry import CONSENT, LEGITIMATE_INTERESTS, registry
from wagtail_gdpr.staff import form_sweep

pytestmark = pytest.mark.django_db


def contact(**privacy):
    values = {
        "privacy_purpose": "To answer your question",
        "privacy_lawful_basis": LEGITIMATE_INTERESTS,
        "privacy_keep_for": 30,
        "privacy_keep_unit": "days",
        **privacy,
    }
    return add_contact_page(**values)


# -- 1. the privacy tab and its validation -----------------------------------------------------


def _tabs(model):
    return {str(tab.heading): tab for tab in model.get_edit_handler().children}


def test_a_form_page_with_the_mixin_has_a_privacy_tab_and_one_without_has_none():
    tabs = _tabs(ContactPage)
    assert list(tabs)[:2] == ["Content", "Privacy"]
    fields = set(tabs["Privacy"].get_form_options()["fields"])
    assert {
        "privacy_purpose",
        "privacy_lawful_basis",
        "privacy_keep_for",
        "privacy_keep_unit",
        "privacy_storage",
        "privacy_consent_purpose",
    } <= fields
    assert "Privacy" not in _tabs(PlainFormPage)


def _errors(page) -> dict:
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    return {name: " ".join(messages) for name, messages in caught.value.message_dict.items()}


def test_a_retention_above_the_sites_maximum_is_refused_with_a_message():
    configure(form_retention_max=90, form_retention_max_unit="days")
    page = contact()
    page.privacy_keep_for, page.privacy_keep_unit = 4, "months"
    message = _errors(page)["privacy_keep_for"]
    assert "at most 90 days" in message
    assert "Choose a shorter period" in message
    page.privacy_keep_for, page.privacy_keep_unit = 90, "days"
    page.full_clean()  # the maximum itself is allowed
    page.privacy_keep_for = 91
    assert "privacy_keep_for" in _errors(page)
    page.privacy_keep_for = 0
    assert "at least one day" in _errors(page)["privacy_keep_for"]


def test_an_empty_period_means_the_sites_default():
    configure(form_retention=6, form_retention_unit="months")
    page = contact(privacy_keep_for=None)
    page.full_clean()
    assert page.privacy_retention().months == 6
    assert page.privacy_retention().days == 0


def test_only_emailing_needs_an_address_to_email_to():
    page = contact()
    page.privacy_storage = "email_only"
    assert "address to email" in _errors(page)["privacy_storage"]
    page.to_address = "office@example.com"
    page.full_clean()


def test_a_purpose_needed_for_the_service_is_not_asked_for_with_a_box():
    page = contact()
    page.privacy_consent_purpose = make_purpose("terms", required=True)
    assert "privacy_consent_purpose" in _errors(page)
    page.privacy_consent_purpose = make_purpose("newsletter")
    page.full_clean()


# -- 2. each form its own processing activity ------------------------------------------------


def _entries():
    return {entry["name"]: entry for entry in inventory.build_inventory()}


def test_each_form_with_the_tab_is_its_own_entry_in_the_inventory_and_the_record():
    contact()
    add_contact_page(
        "Job application",
        "jobs",
        privacy_purpose="To consider your application",
        privacy_lawful_basis=CONSENT,
        privacy_keep_for=6,
        privacy_keep_unit="months",
    )
    add_plain_form()
    configure(form_retention=2, form_retention_unit="years")
    entries = _entries()
    assert entries["Contact us"]["purpose"] == "To answer your question"
    assert entries["Contact us"]["lawful_basis"] == LEGITIMATE_INTERESTS
    assert entries["Contact us"]["retention"]["days"] == 30
    assert "30 days" in entries["Contact us"]["retention"]["in_words"]
    assert entries["Job application"]["retention"]["months"] == 6
    assert entries["Job application"]["lawful_basis"] == CONSENT
    # Forms without the tab keep the built-in purpose, with the site's default retention.
    other = entries["Other form submissions"]
    assert other["purpose"] == "Answering what you sent us through a form on the site"
    assert other["retention"]["years"] == 2
    record = inventory.as_markdown(inventory.build_inventory())
    assert "Contact us" in record and "To consider your application" in record


def test_without_form_pages_with_the_tab_the_builtin_entry_stays_with_the_default_retention():
    entries = _entries()
    assert "Form submissions" in entries
    assert entries["Form submissions"]["retention"]["months"] == 12


def test_the_member_reads_each_form_by_name_in_my_data_and_in_the_copy():
    member = make_member("alice")
    verify(member, "alice@example.com")
    page = contact()
    plain = add_plain_form()
    submit(page, "Alice@Example.com", message="Where is my order?")
    submit(page, "bob@example.com", message="Not Alice's")
    submit(plain, "alice@example.com")
    summary = {item.name: item for item in live_summary(member)}
    assert summary["Contact us"].count == 1
    assert summary["Contact us"].purpose == "To answer your question"
    assert "30 days" in summary["Contact us"].retention
    assert summary["Other form submissions"].count == 1
    sections = {section.name: section for section in declared_sections(member)}
    assert sections["Contact us"].count == 1
    assert sections["Contact us"].key == "form-contact"
    assert sections["Contact us"].facts["purpose"] == "To answer your question"
    assert sections["Other form submissions"].count == 1


# -- 3. the index of addresses -----------------------------------------------------------------


def test_a_submission_is_indexed_by_its_normalised_addresses_when_it_is_saved():
    page = contact()
    submission = submit(page, "  Alice@Example.COM ", message="write to carol@example.com")
    assert list(
        FormSubmissionAddress.objects.filter(submission_id=submission.pk).values_list(
            "email", "page_id"
        )
    ) == [("alice@example.com", page.pk)]  # an address in free text is no email field


def test_a_persons_submissions_are_one_query_whatever_the_number_of_email_fields():
    member = make_member("alice")
    page = contact()
    ContactField.objects.create(page=page, label="Other email", field_type="email")
    ContactField.objects.create(page=page, label="Note", field_type="singleline")
    first = submit(page, "alice@example.com")
    second = submit(page, "bob@example.com", other_email="ALICE@example.com")
    submit(page, "bob@example.com", note="alice@example.com")  # not an email field
    declaration = registry.get(FormSubmission)
    with CaptureQueriesContext(connection) as queries:
        rows = list(declaration.rows_for(member, ["Alice@example.com", "old@example.com"]))
    assert len(queries.captured_queries) == 1
    assert "form_data" not in queries.captured_queries[0]["sql"].split("WHERE", 1)[1]
    assert [row.pk for row in rows] == [first.pk, second.pk]


def test_the_backfill_indexes_older_submissions_once():
    page = contact()
    plain = add_plain_form()
    first = submit(page, "alice@example.com")
    second = submit(plain, "Bob@example.com")
    submit(page, "", message="no address")
    FormSubmissionAddress.objects.all().delete()
    written = addresses.backfill(FormSubmission, FormSubmissionAddress, None, batch_size=1)
    assert written == 2
    assert set(FormSubmissionAddress.objects.values_list("submission_id", "email")) == {
        (first.pk, "alice@example.com"),
        (second.pk, "bob@example.com"),
    }
    addresses.backfill(FormSubmission, FormSubmissionAddress, None)  # again: nothing twice
    assert FormSubmissionAddress.objects.count() == 2


def test_erasing_submissions_removes_their_addresses():
    page = contact()
    submission = submit(page, "alice@example.com")
    delete_rows(registry.get(FormSubmission), [submission.pk])
    assert not FormSubmission.objects.filter(pk=submission.pk).exists()
    assert not FormSubmissionAddress.objects.exists()


# -- 4. retention per form ---------------------------------------------------------------------


def test_the_sweep_removes_each_forms_submissions_past_that_forms_period():
    configure(form_retention=12, form_retention_unit="months")
    page = contact()
    plain = add_plain_form()
    old = submit(page, "a@example.com", days_ago=31)
    young = submit(page, "b@example.com", days_ago=29)
    plain_old = submit(plain, "c@example.com", days_ago=400)
    plain_young = submit(plain, "d@example.com", days_ago=31)
    run = retention.sweep(batch_size=1)
    left = set(FormSubmission.objects.values_list("pk", flat=True))
    assert left == {young.pk, plain_young.pk}
    assert run.counts[f"wagtailforms.FormSubmission:{page.pk}"] == {"deleted": 1}
    assert run.counts["wagtailforms.FormSubmission"] == {"deleted": 1}
    assert set(FormSubmissionAddress.objects.values_list("submission_id", flat=True)) == left
    assert old.pk not in left and plain_old.pk not in left


def test_the_sweep_counts_from_the_moment_it_is_given():
    page = contact()
    submission = submit(page, "a@example.com")
    retention.sweep(now=timezone.now() + timedelta(days=29))
    assert FormSubmission.objects.filter(pk=submission.pk).exists()
    retention.sweep(now=timezone.now() + timedelta(days=31))
    assert not FormSubmission.objects.filter(pk=submission.pk).exists()


def test_the_sweep_tidies_addresses_of_submissions_deleted_elsewhere():
    page = contact(privacy_keep_for=None)
    submission = submit(page, "a@example.com")
    FormSubmission.objects.filter(pk=submission.pk).delete()  # as the admin's delete does
    assert FormSubmissionAddress.objects.exists()
    retention.sweep()
    assert not FormSubmissionAddress.objects.exists()


def test_staff_are_told_ahead_which_forms_submissions_go_and_how_many(mailoutbox):
    configure(form_sweep_notice_days=7, form_retention=12, form_retention_unit="months")
    officer = make_superuser("officer")
    page = contact()
    add_plain_form()
    submit(page, "a@example.com", days_ago=25)  # goes in five days
    submit(page, "b@example.com", days_ago=24)
    submit(page, "c@example.com", days_ago=10)  # not within the week
    assert form_sweep.send_form_sweep_notice() == 1
    [message] = mailoutbox
    assert message.to == [officer.email]
    assert message.subject == "2 form submissions will be deleted soon"
    assert "Contact us: 2" in message.body
    assert "next 7 days" in message.body
    assert "Other form submissions" not in message.body  # nothing of theirs goes


def test_nothing_is_sent_when_no_submission_goes_within_the_window(mailoutbox):
    make_superuser("officer")
    page = contact()
    submit(page, "a@example.com", days_ago=1)
    assert form_sweep.send_form_sweep_notice(days=7) == 0
    assert call_command_output("gdpr_form_sweep_notice", "--days", "30") == "Told 1 people."
    assert len(mailoutbox) == 1


def call_command_output(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_the_submissions_listing_shows_when_each_submission_goes(client):
    client.force_login(make_superuser("admin"))
    page = contact()
    submit(page, "a@example.com", days_ago=10)
    response = client.get(reverse("wagtailforms:list_submissions", args=[page.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Deleted on" in text
    day = timezone.localdate() + timedelta(days=20)
    assert formats.date_format(day, "DATE_FORMAT") in text


# -- 6. "only email them" ----------------------------------------------------------------------


def _send(client, page, **answers):
    data = {"your_email": "guest@example.com", "message": "Hello", **answers}
    return client.post(page.url, data)


def test_a_stored_submission_tells_the_sender_until_when_it_is_kept(client):
    page = contact()
    response = _send(client, page)
    assert response.status_code == 200
    submission = FormSubmission.objects.get(page=page)
    until = formats.date_format(timezone.localdate() + timedelta(days=30), "DATE_FORMAT")
    assert f"We keep your answers for 30 days, until {until}" in response.content.decode()
    assert FormSubmissionAddress.objects.filter(
        submission_id=submission.pk, email="guest@example.com"
    ).exists()


def test_only_emailing_writes_no_submission_and_the_notice_says_so(client, mailoutbox):
    page = contact(privacy_storage="email_only", to_address="office@example.com")
    response = _send(client, page)
    assert response.status_code == 200
    assert not FormSubmission.objects.exists()
    assert not FormSubmissionAddress.objects.exists()
    assert "emailed to us and not stored on this site" in response.content.decode()
    [message] = mailoutbox
    assert message.to == ["office@example.com"] and "Hello" in message.body


class _Form:
    def __init__(self, **cleaned):
        self.cleaned_data = cleaned
        self.fields = {}


def test_uploaded_files_follow_the_same_rule(monkeypatch):
    stored = []
    monkeypatch.setattr(
        ContactPage, "store_submission_files", lambda self, form, sub: stored.append(sub)
    )
    monkeypatch.setattr(ContactPage, "send_mail", lambda self, form: stored.append(form))
    page = contact(privacy_storage="email_only", to_address="office@example.com")
    upload = SimpleUploadedFile("cv.pdf", b"%PDF")
    form = _Form(your_email="guest@example.com", cv=upload)
    assert page.process_form_submission(form) is None
    assert stored == [form]  # emailed, never stored
    assert "cv" not in form.cleaned_data
    page.privacy_storage = "store"
    submission = page.process_form_submission(_Form(your_email="guest@example.com"))
    assert stored[-1] == submission  # stored with the submission
