"""Journey 5: an editor adds a data-inventory block and a consent block (choosing the purpose
with the snippet chooser) to a new privacy page in the Wagtail editor and publishes it; the page
shows both, and a member agrees to the purpose right there."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from example_site.home.models import HomePage
from tests.journeys.steps import log_in, log_in_to_admin
from wagtail_gdpr import consent
from wagtail_gdpr.models import ConsentRecord

pytestmark = pytest.mark.browser


def test_editor_adds_consent_and_inventory_blocks(portal, browsers):
    home = HomePage.objects.get(locale__language_code="en")
    editor = browsers.new_page()
    log_in_to_admin(editor, portal)
    editor.goto(portal(f"/admin/pages/{home.pk}/"))
    editor.get_by_role("link", name=re.compile("Add child page")).first.click()
    editor.get_by_role("link", name=re.compile("^Privacy notice page")).click()

    editor.get_by_role("textbox", name="Title*").fill("Product research")
    editor.get_by_role("textbox", name="Summary*").fill(
        "How we invite members to surveys, and what we keep."
    )

    body = editor.locator("[data-contentpath=body]")
    body.get_by_role("button", name="Insert a block").last.click()
    editor.get_by_role("option", name=re.compile("^Data inventory")).click()
    inventory_heading = body.get_by_label("heading").last
    expect(inventory_heading).to_have_value("What we store about you")
    inventory_heading.fill("What we keep for product research")

    body.get_by_role("button", name="Insert a block").last.click()
    editor.get_by_role("option", name=re.compile("^Consent")).click()
    body.get_by_role("button", name="Choose consent purpose").click()
    chooser = editor.get_by_role("dialog")
    chooser.get_by_role("link", name="Product research").click()
    expect(body).to_contain_text("Product research")
    body.get_by_label("heading").last.fill("Take part in our research")

    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Publish").click()
    # Wagtail 8 may save a draft of a new page while the editor types; publishing it then says
    # "has been published" instead of "created and published".
    expect(
        editor.get_by_text(re.compile("Page 'Product research' (created and|has been) published"))
    ).to_be_visible()

    # Anyone can read the page; a member sees whether they agreed and can agree right there.
    member = browsers.new_page()
    log_in(member, portal, "alice")
    member.goto(portal("/product-research/"))
    expect(member.get_by_role("heading", name="Product research", level=1)).to_be_visible()
    expect(member.get_by_role("heading", name="What we keep for product research")).to_be_visible()
    expect(member.get_by_role("heading", name="Your orders")).to_be_visible()
    block = member.locator("#consent-product-research")
    expect(block.get_by_role("heading", name="Take part in our research")).to_be_visible()
    expect(block).to_contain_text("Invite me, at most four times a year")
    expect(block.get_by_role("status")).to_have_text("You have not agreed to this.")
    block.get_by_role("button", name="I agree").click()
    expect(member).to_have_url(portal("/product-research/#consent-product-research"))
    expect(block.get_by_role("status")).to_have_text("You have agreed to this.")

    alice = get_user_model().objects.get(username="alice")
    assert consent.has_consent(alice, "product-research")
    record = ConsentRecord.objects.filter(user=alice, purpose__slug="product-research").latest("pk")
    assert record.source == ConsentRecord.SOURCE_BLOCK
