"""Journey 9: an editor gives the contact form a 30-day retention and a consent box in its
Privacy tab; a guest sends it, ticks the box and reads until when it is kept; the guest signs up,
confirms the address and finds the submission under the form's own name in "My data" and the
consent, given on the form, in "My consents"; 31 days later the sweep has deleted the submission
and the consent and its proof stay.

With ``WAGTAIL_GDPR_DOCS_SCREENSHOTS=1`` the Privacy tab is written to ``docs/images/``."""

import os
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.contrib.forms.models import FormSubmission

from example_site.home.models import FormPage
from tests.conftest import REPO_ROOT
from tests.journeys.steps import centre_nav, log_in_to_admin, main_nav, sent_mail
from wagtail_gdpr.erasure import retention
from wagtail_gdpr.models import ConsentRecord

pytestmark = pytest.mark.browser

GUEST = "guest.gunnar@example.net"
#: The seeded purpose the form asks for, and the start of its exact text.
PURPOSE = "Product research"
PURPOSE_TEXT = re.compile("^Invite me, at most four times a year")


def test_a_form_keeps_answers_as_long_as_its_editor_said(portal, browsers, task_worker):
    contact = FormPage.objects.get(slug="contact", locale__language_code="en")

    # 1. The editor sets the form's purpose and a 30-day retention.
    editor = browsers.new_page()
    log_in_to_admin(editor, portal)
    editor.goto(portal(f"/admin/pages/{contact.pk}/edit/"))
    editor.get_by_role("tab", name="Privacy").click()
    editor.get_by_role("textbox", name="Why we ask").fill("To answer your question")
    editor.get_by_role("spinbutton", name="Keep submissions for").fill("30")
    editor.get_by_role("combobox", name="Unit").select_option("days")
    editor.get_by_role("button", name="Choose consent purpose").click()
    editor.get_by_role("dialog").get_by_role("link", name=PURPOSE).click()
    expect(editor.get_by_role("dialog")).to_be_hidden()
    if os.environ.get("WAGTAIL_GDPR_DOCS_SCREENSHOTS"):
        editor.screenshot(path=str(REPO_ROOT / "docs" / "images" / "form-privacy-tab-en.png"))
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Publish").click()
    expect(editor.get_by_text(re.compile("has been published"))).to_be_visible()
    contact.refresh_from_db()
    assert (contact.privacy_keep_for, contact.privacy_keep_unit) == (30, "days")
    assert contact.privacy_consent_purpose.name == PURPOSE

    # 2. A guest sends the form, ticks the consent box, and is told until when the answers are
    #    kept and that the consent is recorded.
    guest = browsers.new_page()
    guest.goto(portal("/contact/"))
    guest.get_by_label("Name", exact=True).fill("Gunnar")
    guest.get_by_label("Email", exact=True).fill(GUEST)
    guest.get_by_label("Message").fill("Do you deliver to Gotland?")
    box = guest.get_by_role("checkbox", name=PURPOSE_TEXT)
    expect(box).not_to_be_checked()
    box.check()
    guest.get_by_role("button", name=re.compile("Send|Submit")).click()
    expect(guest.get_by_text(re.compile("We keep your answers for 30 days, until"))).to_be_visible()
    expect(guest.get_by_text(f"We have recorded your consent to “{PURPOSE}”.")).to_be_visible()
    (submission,) = FormSubmission.objects.filter(page=contact, form_data__email=GUEST)
    (given,) = ConsentRecord.objects.filter(email=GUEST, user__isnull=True)
    assert (given.source, given.source_page_id) == (ConsentRecord.SOURCE_FORM, contact.pk)

    # 3. The guest signs up, confirms the address and finds the submission by the form's name.
    guest.goto(portal("/"))
    main_nav(guest).get_by_role("link", name="Sign up").click()
    guest.get_by_label("Username").fill("gunnar")
    guest.get_by_label("Email address").fill(GUEST)
    guest.get_by_label("First name").fill("Gunnar")
    guest.get_by_label("Last name").fill("Gustafsson")
    guest.locator("#id_password1").fill("Regn-over-Visby-2026")
    guest.locator("#id_password2").fill("Regn-over-Visby-2026")
    guest.get_by_role("button", name="Sign up").click()
    guest.get_by_role("button", name="I have read this, continue").click()
    main_nav(guest).get_by_role("link", name="Privacy centre").click()
    centre_nav(guest).get_by_role("link", name="My data", exact=True).click()
    guest.get_by_role("button", name="Send me a confirmation link").click()
    # The link is absolute on the Site's own host name; the live server listens elsewhere.
    link = None
    for _ in range(60):  # a worker sends it after the request's commit
        # Sent by the worker, or by the request itself (the confirmation link is mailed at once).
        mails = "\n".join([*sent_mail(task_worker), *sent_mail(None)])
        link = re.search(r"https?://[^/\s]+(/\S*/verify-email/\S+)", mails)
        if link:
            break
        time.sleep(0.5)
    assert link, "the confirmation email"
    guest.goto(portal(link.group(1)))
    expect(guest.get_by_text("Thank you: your address is confirmed.")).to_be_visible()
    centre_nav(guest).get_by_role("link", name="My data", exact=True).click()
    form_card = guest.locator("section.gdpr-card", has_text="Contact us")
    expect(
        form_card.get_by_role("heading", name=re.compile(r"Contact us \(1 item\)"))
    ).to_be_visible()
    expect(form_card).to_contain_text("To answer your question")
    expect(form_card).to_contain_text("30 days")
    # The consent given on the form as a guest is theirs now, with the form named.
    centre_nav(guest).get_by_role("link", name="My consents").click()
    consent_card = guest.locator("section.gdpr-card", has_text=PURPOSE)
    expect(consent_card).to_contain_text("You have agreed to this.")
    expect(consent_card).to_contain_text("Where you gave it: The form “Contact us”")

    # 4. Thirty-one days later the sweep has deleted the submission; the consent and its proof
    #    stay.
    retention.sweep(now=timezone.now() + timedelta(days=31))
    assert not FormSubmission.objects.filter(pk=submission.pk).exists()
    assert ConsentRecord.objects.filter(pk=given.pk).exists()
    guest.reload()
    expect(consent_card).to_contain_text("You have agreed to this.")
    expect(consent_card).to_contain_text("Where you gave it: The form “Contact us”")
    centre_nav(guest).get_by_role("link", name="My data", exact=True).click()
    expect(
        form_card.get_by_role("heading", name=re.compile(r"Contact us \(0 items\)"))
    ).to_be_visible()
