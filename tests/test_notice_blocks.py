"""The notice's StreamField blocks, and the consent block's form handler (without JavaScript)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from tests.consent_helpers import (
    User,
    add_live_centre,
    add_notice_page,
    block_post,
    configure,
    consent_block,
    fresh_gate_cache,  # noqa: F401  (autouse)
    hidden_inputs,
    ledger_count,
    make_member,
    make_purpose,
    next_of,
    publish,
    restored_registry,
    stream,
)
from tests.testapp.models import Order, Shop
from wagtail_gdpr import consent
from wagtail_gdpr.blocks import ConsentBlock, ContactBlock, DataInventoryBlock, RightsBlock
from wagtail_gdpr.models import ConsentRecord
from wagtail_gdpr.registry import LEGITIMATE_INTERESTS, Field, PersonalData


def page_with(*blocks, slug="notice", title="Our privacy notice"):
    """A published notice page (not the site's configured notice) with ``blocks`` as body."""
    return publish(add_notice_page(title=title, slug=slug, body=stream(*blocks)))


def forms_in(html):
    return re.findall(r"<form\b.*?</form>", html, flags=re.S)


def fresh(user):
    return User.objects.get(pk=user.pk)


def request_for(user=None, path="/"):
    request = RequestFactory().get(path)
    request.user = user if user is not None else AnonymousUser()
    return request


@pytest.fixture
def newsletter(db):
    return make_purpose("newsletter", name="Newsletter", text="Monthly news by email.")


@pytest.fixture
def member(db):
    return make_member()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


# -- data inventory --------------------------------------------------------------------------


def render_inventory(**value):
    block = DataInventoryBlock()
    return block.render(block.to_python(value), context={})


@pytest.mark.django_db
def test_the_inventory_block_lists_what_the_code_declares():
    html = render_inventory(heading="What we keep", show_fields=True)
    assert "<h2>What we keep</h2>" in html
    # testapp's Order declaration, with nothing entered by an editor
    assert "<h4>Orders</h4>" in html
    assert "Shipping address" in html
    assert "Deliver and bill orders" in html
    assert "Payment provider (Sweden); Carrier (Germany)" in html
    assert "Bookkeeping Act: accounting records are kept for 7 years" in html
    assert "To give you the service you signed up for" in html  # the contract group
    # the other test-app declarations and their purposes
    for purpose in ("Notes about an order", "Your profile", "Security of your account"):
        assert purpose in html
    assert "Files you sent us" in html
    assert "Because you said yes" in html  # Attachment rests on consent


@pytest.mark.django_db
def test_the_inventory_block_shows_categories_instead_of_fields_when_asked():
    html = render_inventory(show_fields=False)
    assert "Contact details, Purchases" in html
    assert "Shipping address" not in html
    assert "What we store about you" in html  # the default heading


@pytest.mark.django_db
def test_a_notice_page_renders_the_inventory_block(client):
    page = page_with(("data_inventory", {"heading": "What we keep", "show_fields": True}))
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "What we keep" in html
    assert "Shipping address" in html
    assert "Deliver and bill orders" in html


class ShopData(PersonalData):
    """testapp's Shop is not declared: found by its contact address, as a sole trader's might."""

    email_field = "contact_email"
    purpose = "Put partner shops in touch with you"
    lawful_basis = LEGITIMATE_INTERESTS
    recipients = ["Partner shops"]
    fields = {"contact_email": Field(anonymiser="email")}


@pytest.mark.django_db
def test_a_declaration_registered_at_runtime_changes_the_inventory(client):
    page = page_with(("data_inventory", {"heading": "What we keep", "show_fields": True}))
    before = client.get(page.url).content.decode()
    assert "Put partner shops in touch with you" not in before
    assert "Shipping address" in before

    with restored_registry() as registry:
        registry.register(Shop, ShopData)
        registry.unregister(Order)

        after = client.get(page.url).content.decode()
        html = render_inventory(show_fields=True)

    assert "Put partner shops in touch with you" in after
    assert "Contact email" in after
    assert "Partner shops" in after
    assert "Shipping address" not in after
    assert "Deliver and bill orders" not in after
    # the direct rendering agrees
    assert "Put partner shops in touch with you" in html
    assert "Shipping address" not in html
    # and once the declarations are back as they were, so is the page
    assert client.get(page.url).content.decode() == before


@pytest.mark.django_db
def test_with_no_declarations_the_inventory_says_so():
    with restored_registry() as registry:
        registry.clear()
        html = render_inventory()
    assert "does not store personal data about you" in html
    assert "Shipping address" in render_inventory()


# -- rights and contacts ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rights_block_links_into_the_privacy_centre_and_to_the_authority(client):
    centre = add_live_centre("My privacy", "my-privacy")
    configure(
        privacy_centre_page=centre,
        authority_name="Integritetsskyddsmyndigheten (IMY)",
        authority_url="https://www.imy.se/",
    )
    page = page_with(("rights", {"heading": "Your rights", "intro": "You decide."}))

    html = client.get(page.url).content.decode()

    assert "<h2>Your rights</h2>" in html
    assert "You decide." in html
    assert '<a href="/my-privacy/data/">See your data</a>' in html
    assert '<a href="/my-privacy/copy/">Take your data with you</a>' in html
    assert '<a href="/my-privacy/correct/">Correct your data</a>' in html
    assert '<a href="/my-privacy/erase/">Have your data deleted</a>' in html
    assert '<a href="/my-privacy/consents/">Withdraw consent</a>' in html
    assert '<a href="https://www.imy.se/">Complain</a>' in html


@pytest.mark.django_db
def test_the_rights_block_rendered_directly_uses_the_request_settings():
    configure(privacy_centre_page=add_live_centre("Centre", "centre"), authority_url="")
    block = RightsBlock()
    html = block.render(block.to_python({}), context={"request": request_for()})
    assert '<a href="/centre/erase/">' in html
    assert "<strong>Complain</strong>" in html  # no authority website: no link


@pytest.mark.django_db
def test_the_rights_block_does_not_link_to_an_unpublished_privacy_centre(client):
    centre = add_live_centre("Centre", "centre")
    centre.unpublish()
    configure(privacy_centre_page=centre)
    page = page_with(("rights", {"heading": "Your rights"}))
    html = client.get(page.url).content.decode()
    assert "/centre/" not in html
    assert "<strong>See your data</strong>" in html


@pytest.mark.django_db
def test_the_contact_block_shows_the_controller_the_dpo_and_the_authority(client):
    configure(
        controller_name="Example Shop AB",
        controller_contact="Storgatan 1\n111 22 Stockholm",
        dpo_name="Dana Dataskydd",
        dpo_email="dpo@example.com",
        authority_name="IMY",
        authority_url="https://www.imy.se/",
    )
    page = page_with(("contact", {"heading": "Who to contact"}))

    html = client.get(page.url).content.decode()

    assert "<h2>Who to contact</h2>" in html
    assert "Example Shop AB<br>Storgatan 1<br>111 22 Stockholm" in html
    assert "Dana Dataskydd" in html
    assert '<a href="mailto:dpo@example.com">dpo@example.com</a>' in html
    assert '<a href="https://www.imy.se/">IMY</a>' in html


@pytest.mark.django_db
def test_the_contact_block_follows_the_settings():
    configure(controller_name="First AB", dpo_name="")
    block = ContactBlock()
    value = block.to_python({"heading": "Contacts"})
    html = block.render(value, context={"request": request_for()})
    assert "First AB" in html
    assert "Data protection officer" not in html

    configure(controller_name="Second AB", dpo_name="Dana", dpo_email="dpo@example.com")
    html = block.render(value, context={"request": request_for()})
    assert "Second AB" in html and "First AB" not in html
    assert "Data protection officer" in html


@pytest.mark.django_db
def test_heading_and_paragraph_blocks_render(client):
    page = page_with(("heading", "Our commitments"), ("paragraph", "<p>We <b>care</b>.</p>"))
    html = client.get(page.url).content.decode()
    assert "<h2>Our commitments</h2>" in html
    assert "<p>We <b>care</b>.</p>" in html


# -- the consent block on a page -------------------------------------------------------------


@pytest.mark.django_db
def test_a_member_sees_the_state_and_a_plain_form_and_can_give_consent(
    member_client, member, newsletter
):
    page = page_with(consent_block(newsletter, heading="Our newsletter"))

    html = member_client.get(page.url).content.decode()
    assert 'id="consent-newsletter"' in html
    assert "Our newsletter" in html
    assert "Monthly news by email." in html
    assert "You have not agreed to this." in html
    assert "<script" not in html
    [form] = forms_in(html)
    assert 'method="post"' in form
    assert 'action="/privacy/consent/newsletter/"' in form
    assert 'type="submit"' in form and "I agree" in form
    fields = hidden_inputs(form)
    assert fields["action"] == "give"
    assert fields["version"] == "1"
    assert fields["text_sha256"] == consent.text_sha256("Monthly news by email.")
    assert fields["next"] == page.url
    assert fields["page_id"] == str(page.pk)

    response = member_client.post("/privacy/consent/newsletter/", fields)

    assert response.status_code == 303
    assert response["Location"] == f"{page.url}#consent-newsletter"
    record = ConsentRecord.objects.get()
    assert record.user_id == member.pk
    assert (record.purpose, record.action, record.purpose_version) == (
        newsletter,
        ConsentRecord.GIVEN,
        1,
    )
    assert record.source == ConsentRecord.SOURCE_BLOCK
    assert record.source_page_id == page.pk
    assert record.text_sha256 == consent.text_sha256("Monthly news by email.")
    assert consent.has_consent(fresh(member), "newsletter")

    html = member_client.get(page.url).content.decode()
    assert "You have agreed to this." in html
    [form] = forms_in(html)
    assert hidden_inputs(form)["action"] == "withdraw"
    assert "Withdraw my consent" in form


@pytest.mark.django_db
def test_a_member_can_withdraw_from_the_block(member_client, member, newsletter):
    page = page_with(consent_block(newsletter))
    consent.give(member, newsletter, source=ConsentRecord.SOURCE_API)

    [form] = forms_in(member_client.get(page.url).content.decode())
    response = member_client.post("/privacy/consent/newsletter/", hidden_inputs(form))

    assert response.status_code == 303
    assert response["Location"] == f"{page.url}#consent-newsletter"
    withdrawal = ConsentRecord.objects.order_by("pk").last()
    assert withdrawal.action == ConsentRecord.WITHDRAWN
    assert withdrawal.source_page_id == page.pk
    assert ledger_count() == 2
    assert not consent.has_consent(fresh(member), "newsletter")
    assert "You have not agreed to this." in member_client.get(page.url).content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_see_log_in_and_no_form(client, newsletter):
    page = page_with(consent_block(newsletter))
    html = client.get(page.url).content.decode()
    assert "Monthly news by email." in html
    assert "Log in to give or withdraw your consent." in html
    assert forms_in(html) == []


@pytest.mark.django_db
def test_a_required_purpose_block_asks_for_acknowledgement_and_offers_no_withdrawal(
    member_client, member
):
    terms = make_purpose("terms", name="Terms", required=True, text="Our terms.")
    page = page_with(consent_block(terms))

    # the member is gated until they acknowledge; the block's form is not
    assert next_of(member_client.get(page.url)) == page.url
    response = block_post(member_client, terms, data={"next": page.url, "page_id": page.pk})
    assert response.status_code == 303
    assert ConsentRecord.objects.get().action == ConsentRecord.ACKNOWLEDGED

    html = member_client.get(page.url).content.decode()
    assert "You have agreed to this." in html
    assert forms_in(html) == []


@pytest.mark.django_db
def test_a_required_purpose_cannot_be_withdrawn_from_the_block(member_client, member):
    terms = make_purpose("terms", name="Terms", required=True)
    consent.give(member, terms, source=ConsentRecord.SOURCE_API)
    response = block_post(member_client, terms, action="withdraw")
    assert response.status_code == 409
    assert "“Terms” is needed to provide the service" in response.content.decode()
    assert ledger_count() == 1
    assert consent.has_consent(fresh(member), "terms")


@pytest.mark.django_db
def test_the_block_rendered_directly_reflects_the_members_answer(member, newsletter):
    block = ConsentBlock()
    value = block.to_python({"purpose": newsletter.pk, "heading": ""})
    html = block.render(value, context={"request": request_for(fresh(member))})
    assert "You have not agreed to this." in html
    consent.give(member, newsletter, source=ConsentRecord.SOURCE_API)
    html = block.render(value, context={"request": request_for(fresh(member))})
    assert "You have agreed to this." in html
    assert "<h2" in html and "Newsletter" in html  # the purpose's name when no heading


# -- bad input to the consent block URL ------------------------------------------------------


@pytest.mark.django_db
def test_a_forged_purpose_slug_is_404_with_a_message(member_client, newsletter):
    make_purpose("retired", active=False)
    for slug in ("no-such-purpose", "retired"):
        response = member_client.post(
            f"/privacy/consent/{slug}/", {"action": "give", "version": 1, "next": "/"}
        )
        assert response.status_code == 404
        assert "There is no such consent purpose. Nothing was recorded." in (
            response.content.decode()
        )
    assert ledger_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["version", "text"])
def test_a_stale_answer_is_refused_with_409_showing_the_new_text(member_client, newsletter, change):
    page = page_with(consent_block(newsletter))
    [form] = forms_in(member_client.get(page.url).content.decode())
    shown = hidden_inputs(form)

    newsletter.text = "Weekly news, and offers from partners."
    if change == "version":
        newsletter.version = 2
    newsletter.save()
    response = member_client.post("/privacy/consent/newsletter/", shown)

    assert response.status_code == 409
    html = response.content.decode()
    assert "“Newsletter” has changed since you read it" in html
    assert ledger_count() == 0
    assert "Weekly news, and offers from partners." in html, "the new text is not shown"


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_403_and_nothing_recorded(member, newsletter):
    page = page_with(consent_block(newsletter))
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    [form] = forms_in(client.get(page.url).content.decode())
    fields = hidden_inputs(form)
    token = fields.pop("csrfmiddlewaretoken")

    response = client.post("/privacy/consent/newsletter/", fields)

    assert response.status_code == 403
    assert ledger_count() == 0
    # the form as rendered, with its token, is accepted
    response = client.post("/privacy/consent/newsletter/", {**fields, "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert ledger_count() == 1


@pytest.mark.django_db
def test_an_anonymous_post_is_403_with_a_message_and_nothing_recorded(client, newsletter):
    response = block_post(client, newsletter)
    assert response.status_code == 403
    assert "Log in to give or withdraw your consent." in response.content.decode()
    assert ledger_count() == 0


@pytest.mark.django_db
def test_a_get_is_405(member_client, newsletter):
    assert member_client.get("/privacy/consent/newsletter/").status_code == 405
    assert Client().get("/privacy/consent/newsletter/").status_code == 405
    assert ledger_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"action": "maybe"}, {"action": ""}, {"version": "two"}], ids=str)
def test_an_incomplete_form_is_400_and_nothing_recorded(member_client, newsletter, data):
    response = block_post(member_client, newsletter, data=data)
    assert response.status_code == 400
    assert "The form was incomplete. Nothing was recorded." in response.content.decode()
    assert ledger_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "javascript:alert(1)"]
)
def test_an_offsite_next_from_the_block_lands_on_the_home_page(member_client, newsletter, target):
    response = block_post(member_client, newsletter, data={"next": target})
    assert response.status_code == 303
    assert response["Location"] == "/#consent-newsletter"
    assert ledger_count() == 1
