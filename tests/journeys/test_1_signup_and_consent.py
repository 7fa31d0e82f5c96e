"""Journey 1: a new member signs up, is stopped at the consent step, reads the notice, agrees to
one optional purpose of two and goes on to where they were going."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from wagtail_gdpr import consent
from wagtail_gdpr.models import ConsentRecord

pytestmark = pytest.mark.browser


def test_new_member_signs_up_reads_the_notice_and_consents(portal, page):
    page.goto(portal("/"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()

    page.get_by_label("Username").fill("carol")
    page.get_by_label("Email address").fill("carol.carlsson@example.net")
    page.get_by_label("First name").fill("Carol")
    page.get_by_label("Last name").fill("Carlsson")
    page.locator("#id_password1").fill("Fjallvandring-i-regn-2024")
    page.locator("#id_password2").fill("Fjallvandring-i-regn-2024")
    page.get_by_role("button", name="Sign up").click()

    # Signing up leads to the account page; the gate stops the member on the way, keeping it.
    expect(page).to_have_url(re.compile(r"/privacy/consent/\?next=%2Faccount%2F$"))
    expect(page.get_by_role("heading", name="Before you continue", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Terms of service")).to_be_visible()
    newsletter = page.get_by_role("checkbox", name="Newsletter")
    research = page.get_by_role("checkbox", name="Product research")
    expect(newsletter).not_to_be_checked()  # nothing is ticked for the member
    expect(research).not_to_be_checked()

    # The full notice opens in a new tab, and the gate lets the member read it.
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Read the full notice: Privacy notice").click()
    notice = new_tab.value
    notice.wait_for_load_state()
    expect(notice).to_have_url(portal("/privacy-notice/"))
    expect(notice.get_by_role("heading", name="Privacy notice", level=1)).to_be_visible()
    expect(notice.get_by_role("heading", name="What we store about you")).to_be_visible()
    expect(notice.get_by_role("heading", name="Your rights")).to_be_visible()
    notice.close()

    newsletter.check()
    page.get_by_role("button", name="I have read this, continue").click()

    # On to where the member was going, and not stopped again.
    expect(page).to_have_url(portal("/account/"))
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    expect(
        page.get_by_text("You receive the newsletter at carol.carlsson@example.net")
    ).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My orders").click()
    expect(page).to_have_url(portal("/account/orders/"))

    carol = get_user_model().objects.get(username="carol")
    assert consent.has_consent(carol, "terms")
    assert consent.has_consent(carol, "newsletter")
    assert not consent.has_consent(carol, "product-research")
    records = ConsentRecord.objects.filter(user=carol)
    assert records.filter(action=ConsentRecord.ACKNOWLEDGED, purpose__isnull=True).count() == 1
    assert set(
        records.filter(source=ConsentRecord.SOURCE_GATE, purpose__isnull=False).values_list(
            "purpose__slug", flat=True
        )
    ) == {"terms", "newsletter"}
