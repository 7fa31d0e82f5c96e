"""Journey 8: the consent step with the choices first, in English and in Swedish; the re-consent
step after a material change, saying what changed; and a copy's index.html in both languages.

Each page is also saved as a PNG in ``test-artifacts/journeys/``; with
``WAGTAIL_GDPR_DOCS_SCREENSHOTS=1`` the ones the guides show are written to ``docs/images/``.
"""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from playwright.sync_api import expect

from tests.conftest import REPO_ROOT
from tests.journeys.conftest import ARTIFACTS
from wagtail_gdpr import access
from wagtail_gdpr.models import (
    AccessReport,
    ConsentRecord,
    DataSubjectRequest,
    GdprSettings,
    PrivacyNoticePage,
)

pytestmark = pytest.mark.browser

DOCS_IMAGES = REPO_ROOT / "docs" / "images"
WHAT_CHANGED = (
    "The newsletter is now sent through a mailing service in the United States, under the "
    "EU–US Data Privacy Framework. Nothing else has changed."
)


def screenshot(page, name: str, *, full_page: bool = True, docs: bool = True):
    """Keep the page as a PNG among the artifacts and, when asked, for the documentation."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
    if docs and os.environ.get("WAGTAIL_GDPR_DOCS_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMAGES / f"{name}.png"), full_page=full_page)


def logged_in(browsers, portal, username: str, locale: str):
    """A tab of ``username``'s, in a browser speaking ``locale``, signed in by session cookie."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page = browsers.new_page(locale=locale)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": portal("/")}]
    )
    return page


def measure(page) -> dict:
    """Where the choices and the inventory are on the step, in CSS pixels."""
    return page.evaluate(
        """() => {
            const top = (el) => el.getBoundingClientRect().top + window.scrollY;
            const choices = document.querySelector("main form fieldset");
            const inventory = document.querySelector("main details");
            return {
                height: document.documentElement.scrollHeight,
                choices: Math.round(top(choices)),
                button: Math.round(top(document.querySelector("main form button"))),
                inventory: Math.round(top(inventory)),
                inventory_open: inventory.open,
            };
        }"""
    )


@pytest.mark.parametrize(
    ("locale", "language", "heading", "newsletter", "button"),
    [
        ("en-GB", "en", "Before you continue", "Newsletter", "I have read this, continue"),
        ("sv-SE", "sv", "Innan du fortsätter", "Nyhetsbrev", "Jag har läst det här, fortsätt"),
    ],
)
def test_the_consent_step_puts_the_choices_first(
    portal, browsers, locale, language, heading, newsletter, button
):
    bob = logged_in(browsers, portal, "bob", locale)
    bob.goto(portal("/account/"))
    expect(bob.get_by_role("heading", name=heading, level=1)).to_be_visible()

    figures = measure(bob)
    # The choices and the button are in the first screenful; the inventory waits, folded.
    assert figures["choices"] < 900 and figures["button"] < figures["inventory"], figures
    assert figures["inventory_open"] is False
    assert figures["height"] < 2500, figures
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"consent-step-{language}.txt").write_text(f"{figures}\n")
    screenshot(bob, f"consent-step-{language}")

    bob.get_by_role("checkbox", name=newsletter).check()
    bob.get_by_role("button", name=button).click()
    expect(bob).to_have_url(portal("/account/"))
    given = ConsentRecord.objects.get(user__username="bob", purpose__slug="newsletter")
    assert given.locale == language
    assert given.text.startswith(  # the words shown, in the language shown
        "Skicka mig nyhetsbrevet" if language == "sv" else "Send me the newsletter"
    )


def test_a_material_change_is_explained_at_the_re_consent_step(portal, browsers):
    notice = PrivacyNoticePage.objects.get(pk=GdprSettings.objects.get().notice_page_id)
    notice.material_change = True
    notice.change_summary = WHAT_CHANGED
    notice.save_revision().publish()

    alice = logged_in(browsers, portal, "alice", "en-GB")
    alice.goto(portal("/account/"))
    expect(alice.get_by_role("heading", name="Before you continue", level=1)).to_be_visible()
    changed = alice.get_by_role("region", name="What changed")
    expect(changed).to_contain_text(WHAT_CHANGED)
    screenshot(alice, "reconsent-step-en")

    alice.get_by_role("button", name="I have read this, continue").click()
    expect(alice).to_have_url(portal("/account/"))
    alice.goto(portal("/privacy-centre/consents/"))
    expect(alice.get_by_role("region", name="Our privacy notice")).to_contain_text(WHAT_CHANGED)


@pytest.mark.parametrize(("language", "title"), [("en", "Your data"), ("sv", "Dina uppgifter")])
def test_a_copy_reads_in_the_members_language(
    portal, browsers, settings, tmp_path, language, title
):
    settings.WAGTAIL_GDPR_JOBS = "in-process"
    alice = get_user_model().objects.get(username="alice")
    with translation.override(language):
        copy = access.request_copy(alice)
    copy.refresh_from_db()
    assert copy.status == DataSubjectRequest.DONE, copy.failure_reason
    report = AccessReport.objects.get(request=copy)
    with report.file.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as archive:
        archive.extractall(tmp_path)
    files = {p.name for p in (tmp_path / "csv").iterdir()}
    assert {
        "orders.csv",
        "support-tickets.csv",
        "member-activity.csv",
    } <= files  # named for the data

    page = browsers.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    orders = page.locator("section").filter(has_text="PO-11588").first
    expect(orders).to_contain_text("PO-10017")
    expect(orders).to_contain_text({"en": "(Sweden)", "sv": "(Sverige)"}[language])
    expect(orders).to_contain_text({"en": "Profiling.", "sv": "Profilering."}[language])
    screenshot(page, f"copy-index-{language}", full_page=False, docs=False)
    orders.screenshot(path=str(ARTIFACTS / f"copy-orders-{language}.png"))
    if os.environ.get("WAGTAIL_GDPR_DOCS_SCREENSHOTS") == "1":
        orders.screenshot(path=str(DOCS_IMAGES / f"copy-orders-{language}.png"))
