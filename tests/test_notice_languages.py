"""The consent step with the choices first and "what changed"; notices and consent purposes in
every language the site speaks (Wagtail's i18n), with the language and the exact translated text
in the ledger."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Locale

from tests.consent_helpers import (
    add_live_centre,
    add_notice_page,
    configure,
    fresh_gate_cache,  # noqa: F401  (autouse)
    hidden_inputs,
    make_member,
    make_purpose,
    publish,
    publish_notice,
    step_answer,
    stream,
)
from wagtail_gdpr import consent
from wagtail_gdpr.models import ConsentRecord, ConsentText, NoticeVersion, PrivacyNoticePage

SWEDISH_SUMMARY = "Vi sparar dina beställningar och din profil för att ge dig tjänsten."


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# -- the consent step: choices first --------------------------------------------------------------


@pytest.mark.django_db
def test_the_step_shows_a_summary_then_the_choices_then_the_inventory_behind_a_disclosure(client):
    publish_notice(body=stream(("heading", "Who we are")))
    make_purpose("newsletter", name="Newsletter")
    client.force_login(make_member())

    markup = client.get("/privacy/consent/").content.decode()

    summary = markup.index("We keep your orders and your profile")
    choices = markup.index('name="consent_newsletter"')
    button = markup.index("I have read this, continue")
    inventory = markup.index("What we store about you and why")
    assert summary < choices < button < inventory
    details = markup[
        markup.rindex("<details", 0, inventory) : markup.index("</details>", inventory)
    ]
    assert "Deliver and bill orders" in details  # the full inventory, folded away
    assert "<details open" not in markup


@pytest.mark.django_db
def test_a_material_change_needs_a_summary_of_what_changed():
    page = publish_notice()
    page.material_change = True
    page.change_summary = "  "
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert "change_summary" in refused.value.message_dict
    with pytest.raises(ValidationError):
        page.save_revision()  # what the admin does when an editor saves or publishes


@pytest.mark.django_db
def test_what_changed_is_kept_with_the_version_and_shown_to_members_asked_again(client):
    notice = publish_notice()
    member = make_member()
    client.force_login(member)
    step = client.get("/privacy/consent/").content.decode()
    assert "What changed" not in step  # a first acknowledgement: nothing has changed for them
    step_answer(client, "/")

    notice = publish(notice, material=True, change_summary="We now use a carrier in Norway.")

    version = NoticeVersion.objects.get(page_id=notice.pk, number=2)
    assert version.material and version.change_summary == "We now use a carrier in Norway."
    assert notice.change_summary == "" and not notice.material_change  # cleared for next time
    assert client.get("/").status_code == 302  # asked again
    step = text_of(client.get("/privacy/consent/").content.decode())
    assert "What changed" in step
    assert "We now use a carrier in Norway." in step
    assert step.index("What changed") < step.index("I have read this, continue")

    centre = add_live_centre()
    configure(privacy_centre_page=centre)
    consents = text_of(client.get(f"{centre.url}consents/").content.decode())
    assert "Version 2" in consents and "We now use a carrier in Norway." in consents
    assert "You acknowledged version 1 on" in consents


# -- every language the site speaks ------------------------------------------------------------


@pytest.fixture
def swedish(settings, db):
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES
    return Locale.objects.get_or_create(language_code="sv")[0]


def translate_purpose(purpose, locale, *, name, text):
    translated = purpose.copy_for_translation(locale)
    translated.name, translated.text = name, text
    translated.save()
    return translated


def translate_notice(notice, locale, **fields):
    translated = notice.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    return PrivacyNoticePage.objects.get(pk=translated.pk)


@pytest.mark.django_db
def test_a_member_reading_swedish_agrees_to_the_swedish_text_and_the_ledger_says_so(
    client, swedish
):
    newsletter = make_purpose("newsletter", name="Newsletter", text="Send me the newsletter.")
    svenska = translate_purpose(
        newsletter, swedish, name="Nyhetsbrev", text="Skicka mig nyhetsbrevet."
    )
    publish_notice()
    member = make_member()
    client.force_login(member)

    with translation.override("sv"):
        step = client.get("/privacy/consent/").content.decode()
        assert "Skicka mig nyhetsbrevet." in step and "Send me the newsletter." not in step
        step_answer(client, "/", tick=["newsletter"])

    record = ConsentRecord.objects.get(user=member, purpose__isnull=False)
    assert record.purpose == newsletter  # kept against the purpose, whatever the language
    assert record.locale == "sv"
    assert record.text_sha256 == consent.text_sha256(svenska.text)
    assert ConsentText.objects.get(sha256=record.text_sha256).text == "Skicka mig nyhetsbrevet."
    assert consent.has_consent(member, "newsletter")
    with translation.override("en"):
        assert client.get("/").status_code == 200  # not asked again in English


@pytest.mark.django_db
def test_a_changed_translation_is_a_new_version_of_that_translation(client, swedish):
    newsletter = make_purpose("newsletter", name="Newsletter", text="Send me the newsletter.")
    svenska = translate_purpose(newsletter, swedish, name="Nyhetsbrev", text="Skicka nyhetsbrev.")
    publish_notice()
    first, second = make_member("first"), make_member("second")
    client.force_login(first)
    with translation.override("sv"):
        shown = hidden_inputs(client.get("/privacy/consent/").content.decode())
        step_answer(client, "/", tick=["newsletter"])

    svenska.text = "Skicka mig nyhetsbrevet en gång i månaden."
    svenska.save()
    client.force_login(second)
    with translation.override("sv"):
        stale = client.post("/privacy/consent/", {**shown, "consent_newsletter": "on"})
        assert stale.status_code == 409  # the old Swedish text is no longer what is shown
        step_answer(client, "/", tick=["newsletter"])

    fingerprints = list(
        ConsentRecord.objects.filter(purpose=newsletter).order_by("pk").values_list(
            "user__username", "locale", "text_sha256"
        )
    )  # fmt: skip
    assert fingerprints == [
        ("first", "sv", consent.text_sha256("Skicka nyhetsbrev.")),
        ("second", "sv", consent.text_sha256("Skicka mig nyhetsbrevet en gång i månaden.")),
    ]


@pytest.mark.django_db
def test_an_out_of_date_translation_is_not_shown(client, swedish):
    newsletter = make_purpose("newsletter", name="Newsletter", text="Old English text.")
    translate_purpose(newsletter, swedish, name="Nyhetsbrev", text="Gammal svensk text.")
    newsletter.text, newsletter.version = "New English text, new meaning.", 2
    newsletter.save()
    publish_notice()
    client.force_login(make_member())
    with translation.override("sv"):
        step = client.get("/privacy/consent/").content.decode()
    assert "New English text, new meaning." in step and "Gammal svensk text." not in step


@pytest.mark.django_db
def test_members_acknowledge_the_notice_in_their_language(client, swedish):
    english = publish_notice()
    svenska = translate_notice(english, swedish, title="Integritetspolicy", summary=SWEDISH_SUMMARY)
    member = make_member()
    client.force_login(member)

    with translation.override("sv"):
        step = client.get("/privacy/consent/").content.decode()
        assert SWEDISH_SUMMARY in step and "Integritetspolicy" in step
        step_answer(client, "/")

    [record] = ConsentRecord.objects.filter(user=member)
    assert record.notice_version.page_id == svenska.pk
    assert record.locale == "sv"
    assert record.text_sha256 == consent.text_sha256(svenska.get_notice_text())
    assert "Integritetspolicy" in ConsentText.objects.get(sha256=record.text_sha256).text

    # A new publication of the Swedish translation is a version of that translation only.
    republished = publish(
        PrivacyNoticePage.objects.get(pk=svenska.pk), material=True, change_summary="Ny text."
    )
    assert list(
        NoticeVersion.objects.filter(page_id=republished.pk).values_list("number", flat=True)
    ) == [2, 1]
    assert NoticeVersion.objects.filter(page_id=english.pk).count() == 1
    with translation.override("sv"):
        assert client.get("/").status_code == 302  # Swedish readers are asked again
    other = make_member("english-reader")
    client.force_login(other)
    with translation.override("en"):
        step_answer(client, "/")
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_notice_is_kept_as_the_words_members_read_not_the_editors_json():
    page = add_notice_page(
        body=stream(("heading", "Who we are"), ("paragraph", "<p>We <b>ship</b>.</p>"))
    )
    publish(page)
    version = NoticeVersion.objects.get(page_id=page.pk)
    text = ConsentText.objects.get(sha256=version.text_sha256).text
    assert text.startswith("Privacy notice\n\nWe keep your orders")
    assert "Who we are" in text and "We ship." in text
    assert '"type"' not in text and "<p>" not in text
