"""Consent on forms: the unticked box, the ledger line, a guest's answer joining their account,
and withdrawal from the privacy centre and from the signed link in the confirmation email."""

import base64
import json
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client, TestCase
from django.utils import timezone, translation
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Locale

from tests.access_helpers import add_privacy_centre
from tests.consent_helpers import fresh_gate_cache, make_member, make_purpose  # noqa: F401
from tests.form_helpers import add_contact_page
from wagtail_gdpr import consent, email_verification, routes
from wagtail_gdpr.admin.modeladmin import ConsentRecordAdmin
from wagtail_gdpr.consent import guests
from wagtail_gdpr.erasure import execution, retention
from wagtail_gdpr.form_privacy import consent as form_consent
from wagtail_gdpr.models import ConsentRecord, ConsentState, MemberActivity
from wagtail_gdpr.registry import registry

pytestmark = pytest.mark.django_db

User = get_user_model()
TEXT = "Send me news of our events by email, about once a month."
GUEST = "guest.gunnar@example.net"


@pytest.fixture
def newsletter():
    return make_purpose("newsletter", name="Event news", text=TEXT)


@pytest.fixture
def centre():
    return add_privacy_centre()


@pytest.fixture
def form(newsletter, centre):
    return add_contact_page(
        privacy_purpose="To answer your question", privacy_consent_purpose=newsletter
    )


def shown_fingerprint(page) -> str:
    purpose = form_consent.purpose_of(page)
    return consent.text_sha256(form_consent.text_for(purpose, page).text) if purpose else ""


def send(client, page, *, email=GUEST, tick=False, shown=None, **answers):
    data = {"your_email": email, "message": "Do you deliver to Gotland?", **answers}
    if tick:
        data["gdpr_consent"] = "on"
    data["gdpr_consent_shown"] = shown if shown is not None else shown_fingerprint(page)
    # The confirmation is emailed after the submission's commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(page.url, data)


def sign_up(username="gunnar", email=GUEST):
    return User.objects.create_user(username, email, "pw")


def confirm_address(user):
    return email_verification.confirm(user, email_verification.make_token(user))


def add_privacy_centre_url():
    return routes.centre_url("overview")


def withdraw_link(mailoutbox) -> str:
    (url,) = re.findall(r"https?://\S+/consent/withdraw/\S+/", mailoutbox[-1].body)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


# -- the box ---------------------------------------------------------------------------------


def test_a_form_that_asks_for_consent_shows_an_unticked_box_with_the_exact_text(client, form):
    html = client.get(form.url).content.decode()
    box = re.search(r'<input type="checkbox" name="gdpr_consent"[^>]*>', html).group(0)
    assert "checked" not in box
    assert TEXT in html
    assert consent.text_sha256(TEXT) in html  # what was shown goes back with the answers


def test_a_form_without_a_consent_purpose_shows_no_box(client, centre):
    page = add_contact_page()
    html = client.get(page.url).content.decode()
    assert "gdpr_consent" not in html


def test_a_purpose_retired_or_made_required_since_is_not_asked_for(client, form, newsletter):
    for change in ({"active": False}, {"active": True, "required": True}):
        type(newsletter).objects.filter(pk=newsletter.pk).update(**change)
        assert "gdpr_consent" not in client.get(form.url).content.decode()
        send(client, form, tick=True)
        assert not ConsentRecord.objects.exists()


@pytest.fixture
def swedish_form(form, newsletter, settings):
    """The form in Swedish, and the purpose translated."""
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = settings.LANGUAGES
    swedish = Locale.objects.get_or_create(language_code="sv")[0]
    svenska = newsletter.copy_for_translation(swedish)
    svenska.name, svenska.text = "Nyheter", "Skicka mig nyheter om våra evenemang."
    svenska.save()
    form.locale = swedish
    form.save()
    return form


def test_the_box_speaks_the_pages_language(client, swedish_form, newsletter):
    form = swedish_form
    with translation.override("en"):
        html = client.get(form.url).content.decode()
    assert "Skicka mig nyheter om våra evenemang." in html and TEXT not in html

    # A translation of an earlier version is not shown: the original is.
    type(newsletter).objects.filter(pk=newsletter.pk).update(version=2)
    html = client.get(form.url).content.decode()
    assert TEXT in html and "Skicka mig nyheter" not in html


def test_a_swedish_form_records_the_swedish_text_and_answers_in_swedish(
    client, swedish_form, newsletter, mailoutbox
):
    form = swedish_form
    svenska_text = "Skicka mig nyheter om våra evenemang."
    with translation.override("sv"):
        html = client.get(form.url).content.decode()
        assert "Frivilligt: dina svar skickas oavsett om du kryssar i rutan" in html
        response = send(client, form, tick=True)
        assert "Vi har registrerat ditt samtycke till ”Nyheter”" in response.content.decode()
        record = ConsentRecord.objects.get()
        assert record.purpose == newsletter  # kept against the original purpose
        assert (record.locale, record.text) == ("sv", svenska_text)
        assert record.text_sha256 == consent.text_sha256(svenska_text)
        [message] = mailoutbox
        assert message.subject == "Ditt samtycke: Nyheter"
        assert svenska_text in message.body and "Öppna den här länken" in message.body
        page = client.get(withdraw_link(mailoutbox)).content.decode()
        assert "Återkalla ditt samtycke" in page and "i formuläret ”Contact us”" in page
        done = client.post(withdraw_link(mailoutbox)).content.decode()
        assert "Du återkallade ditt samtycke till ”Nyheter”" in done
        spent = client.post(withdraw_link(mailoutbox))
        assert spent.status_code == 400
        assert "Samtycket har redan återkallats eller ersatts" in spent.content.decode()
        bad = client.get(routes.centre_url("withdraw_form_consent", "x"))
        assert "Länken är inte giltig." in bad.content.decode()


# -- recording it ----------------------------------------------------------------------------


def test_a_guests_ticked_box_is_a_ledger_line_under_the_address_they_gave(
    client, form, newsletter, mailoutbox
):
    response = send(client, form, email="  Guest.Gunnar@Example.NET ", tick=True)
    assert response.status_code == 200
    assert "We have recorded your consent to “Event news”" in response.content.decode()
    record = ConsentRecord.objects.get()
    assert record.user_id is None
    assert record.email == GUEST  # normalised
    assert record.action == ConsentRecord.GIVEN
    assert (record.source, record.source_page_id) == (ConsentRecord.SOURCE_FORM, form.pk)
    # The same fingerprint the consent step records, and the language of the text.
    assert record.text_sha256 == consent.text_sha256(TEXT)
    assert record.text == TEXT
    assert record.locale == "en"
    assert (record.purpose, record.purpose_version) == (newsletter, 1)
    state = ConsentState.objects.get()
    assert (state.user_id, state.email, state.given, state.record) == (None, GUEST, True, record)
    # The ledger keeps the answer, not the submission.
    assert "gdpr_consent" not in str(FormSubmission.objects.get().form_data)
    [message] = mailoutbox
    assert message.to == [GUEST]
    assert TEXT in message.body and "/consent/withdraw/" in message.body


def test_an_unticked_box_records_nothing_and_implies_nothing(client, form, mailoutbox):
    response = send(client, form, tick=False)
    assert response.status_code == 200
    assert FormSubmission.objects.count() == 1  # the form is sent all the same
    assert not ConsentRecord.objects.exists() and not ConsentState.objects.exists()
    assert mailoutbox == []
    assert "recorded your consent" not in response.content.decode()
    member = sign_up()
    confirm_address(member)
    assert not consent.has_consent(member, "newsletter")
    assert not ConsentRecord.objects.exists()


def test_a_guest_who_ticks_the_box_must_give_an_address(client, form):
    response = send(client, form, email="", tick=True)
    assert response.status_code == 200
    assert "Give your email address so that we can keep your consent" in (response.content.decode())
    assert not FormSubmission.objects.exists() and not ConsentRecord.objects.exists()


def test_a_text_changed_since_the_page_was_opened_is_shown_again(client, form, newsletter):
    old = shown_fingerprint(form)
    newsletter.text = "Send me news of our events and offers by email."
    newsletter.save()
    response = send(client, form, tick=True, shown=old)
    html = response.content.decode()
    assert "The text of this box has changed since you opened the page" in html
    assert "Send me news of our events and offers by email." in html
    assert not ConsentRecord.objects.exists() and not FormSubmission.objects.exists()
    # The page now carries the new text's fingerprint: sending it again records it.
    new = re.search(r'name="gdpr_consent_shown" value="([0-9a-f]{64})"', html).group(1)
    assert new == consent.text_sha256(newsletter.text)
    send(client, form, tick=True, shown=new)
    assert ConsentRecord.objects.get().text_sha256 == new


def test_a_forged_fingerprint_records_nothing(client, form):
    response = send(client, form, tick=True, shown="0" * 64)
    assert "has changed since you opened the page" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_a_member_who_ticks_the_box_gives_their_own_consent(client, form, mailoutbox):
    member = make_member("maria")
    client.force_login(member)
    send(client, form, email="someone.else@example.org", tick=True)
    record = ConsentRecord.objects.get(purpose__isnull=False)
    assert (record.user, record.email, record.source) == (member, "", ConsentRecord.SOURCE_FORM)
    assert consent.has_consent(member, "newsletter")
    # Confirmed to the member's own address, not to one typed into the form.
    assert mailoutbox[-1].to == ["maria@example.com"]


def test_an_email_only_form_records_the_consent_too(client, newsletter, centre, mailoutbox):
    page = add_contact_page(
        privacy_storage="email_only",
        to_address="office@example.com",
        privacy_consent_purpose=newsletter,
    )
    send(client, page, tick=True)
    assert not FormSubmission.objects.exists()
    assert ConsentRecord.objects.get().email == GUEST
    office, guest = sorted(mailoutbox, key=lambda m: m.to[0] != "office@example.com")
    assert "gdpr_consent" not in office.body and TEXT not in office.body
    assert guest.to == [GUEST]


def test_confirmation_emails_to_one_address_are_limited(client, form, newsletter, mailoutbox):
    for _ in range(7):
        send(client, form, tick=True)
        guests.withdraw(GUEST, newsletter, source=ConsentRecord.SOURCE_API)
    assert len(mailoutbox) == 5


# -- a guest's answer joins their account ------------------------------------------------------


def test_a_guest_who_signs_up_and_confirms_the_address_finds_their_consent(client, form):
    send(client, form, tick=True)
    member = sign_up()
    assert not consent.has_consent(member, "newsletter")  # not before the address is confirmed
    confirm_address(member)
    assert consent.has_consent(member, "newsletter")
    guest_line = ConsentRecord.objects.get()  # the ledger is not rewritten
    assert guest_line.user_id is None
    assert ConsentState.objects.get(user=member).record == guest_line
    assert [e["text_sha256"] for e in consent.history_in_words(member)] == [guest_line.text_sha256]

    client.force_login(member)
    html = client.get(f"{add_privacy_centre_url()}consents/").content.decode()
    assert "Where you gave it: The form “Contact us”" in html
    assert "You have agreed to this." in html


def test_a_guest_who_signs_up_with_another_address_gets_nothing_joined(client, form):
    send(client, form, tick=True)
    member = sign_up(email="gunnar.other@example.net")
    confirm_address(member)
    guests.join(member)
    assert not consent.has_consent(member, "newsletter")
    assert consent.history_in_words(member) == []
    assert not ConsentState.objects.filter(user=member).exists()
    client.force_login(member)
    html = client.get(f"{add_privacy_centre_url()}consents/").content.decode()
    assert "Contact us" not in html and "You have not agreed to this." in html


def test_a_form_filled_in_with_a_members_address_never_speaks_for_them(client, form, newsletter):
    """Whoever fills in a form without logging in may not be the member who holds the address:
    their answer is kept as a guest's, and never becomes the member's, even at a later login
    or confirmation, and never undoes what the member chose."""
    member = sign_up()
    confirm_address(member)
    send(client, form, tick=True)
    assert not consent.has_consent(member, "newsletter")
    assert ConsentRecord.objects.filter(user__isnull=True, email=GUEST).count() == 1
    assert guests.join(member) == 0
    confirm_address(member)  # again
    assert not consent.has_consent(User.objects.get(pk=member.pk), "newsletter")

    consent.withdraw(member, newsletter, source=ConsentRecord.SOURCE_PRIVACY_CENTRE)
    send(Client(), form, tick=True)  # a stranger, a month later
    assert guests.join(member) == 0
    assert not consent.has_consent(User.objects.get(pk=member.pk), "newsletter")


def test_an_answer_given_before_the_account_was_opened_joins_when_the_address_is_confirmed(
    client, form
):
    send(client, form, tick=True)
    member = sign_up()
    assert not consent.has_consent(member, "newsletter")  # not before the address is confirmed
    confirm_address(member)
    assert consent.has_consent(User.objects.get(pk=member.pk), "newsletter")


def test_the_members_own_later_answer_wins_over_an_older_guest_answer(client, form, newsletter):
    send(client, form, tick=True)
    member = sign_up()
    consent.withdraw(member, newsletter, source=ConsentRecord.SOURCE_PRIVACY_CENTRE)
    confirm_address(member)
    assert not consent.has_consent(member, "newsletter")


def test_an_address_known_another_way_joins_at_the_next_login(client, form, settings):
    settings.WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL = True
    send(client, form, tick=True)
    member = sign_up()
    member.set_password("pw")
    member.save()
    assert client.login(username="gunnar", password="pw")
    assert consent.has_consent(User.objects.get(pk=member.pk), "newsletter")


def test_a_joined_consent_is_withdrawn_in_the_privacy_centre(client, form, newsletter):
    send(client, form, tick=True)
    member = sign_up()
    confirm_address(member)
    client.force_login(member)
    centre = add_privacy_centre_url()
    response = client.post(
        "/privacy/consent/newsletter/",
        {
            "action": "withdraw",
            "version": 1,
            "text_sha256": consent.text_sha256(TEXT),
            "next": f"{centre}consents/",
            "source": "privacy_centre",
        },
    )
    assert response.status_code == 303
    assert not consent.has_consent(User.objects.get(pk=member.pk), "newsletter")
    html = client.get(f"{centre}consents/").content.decode()
    assert "You have not agreed to this." in html
    assert "The form “Contact us”" in html  # the history says where it was given
    # Logging in again does not bring the older guest answer back.
    guests.join(member)
    assert not consent.has_consent(User.objects.get(pk=member.pk), "newsletter")


def test_the_consent_proof_outlives_the_retention_sweep_while_in_force(client, form):
    send(client, form, tick=True)
    member = sign_up()
    confirm_address(member)
    retention.sweep(now=timezone.now() + timedelta(days=365 * 4))
    assert ConsentRecord.objects.filter(user__isnull=True, email=GUEST).exists()
    assert consent.has_consent(member, "newsletter")


def test_a_withdrawn_guest_answer_goes_with_the_ledgers_retention(client, form, newsletter):
    send(client, form, tick=True)
    guests.withdraw(GUEST, newsletter, source=ConsentRecord.SOURCE_API)
    assert guests.withdraw(GUEST, newsletter, source=ConsentRecord.SOURCE_API) is None
    retention.sweep(now=timezone.now() + timedelta(days=365 * 4))
    assert not ConsentRecord.objects.filter(email=GUEST).exists()
    assert not ConsentState.objects.exists()


def test_the_guest_answer_is_part_of_the_members_data(client, form):
    send(client, form, tick=True)
    member = sign_up()
    confirm_address(member)
    ledger = registry.get(ConsentRecord)
    assert list(ledger.rows_for(member).values_list("email", flat=True)) == [GUEST]
    stranger = sign_up("stranger", "stranger@example.net")
    confirm_address(stranger)
    assert not ledger.rows_for(stranger).exists()


# -- the link in the confirmation email --------------------------------------------------------


def test_the_link_names_no_person_and_get_only_asks(client, form, mailoutbox):
    send(client, form, tick=True)
    link = withdraw_link(mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    assert GUEST not in link and "gunnar" not in decoded.lower() and "@" not in decoded
    response = client.get(link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You gave your consent to “Event news” on the form “Contact us”" in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert {"no-store", "private"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    assert ConsentState.objects.get().given  # a GET changes nothing


def test_posting_the_link_withdraws_the_guests_consent_and_the_joined_members(
    client, form, mailoutbox
):
    send(client, form, tick=True)
    member = sign_up()
    confirm_address(member)
    link = withdraw_link(mailoutbox)
    response = client.post(link)
    assert response.status_code == 200
    assert "You withdrew your consent to “Event news”" in response.content.decode()
    withdrawal = ConsentRecord.objects.get(user__isnull=True, action=ConsentRecord.WITHDRAWN)
    assert (withdrawal.email, withdrawal.source) == (GUEST, ConsentRecord.SOURCE_FORM_LINK)
    # Nothing keeps the guest's address but the ledger, which the sweep empties in time.
    assert not ConsentState.objects.filter(user__isnull=True).exists()
    assert not consent.has_consent(User.objects.get(pk=member.pk), "newsletter")
    words = consent.history_in_words(member)
    assert words[0]["action"] == ConsentRecord.WITHDRAWN
    assert words[0]["where"] == "The link in the confirmation email of the form “Contact us”"


def test_a_used_link_cannot_be_replayed(client, form, mailoutbox):
    send(client, form, tick=True)
    link = withdraw_link(mailoutbox)
    assert client.post(link).status_code == 200
    lines = ConsentRecord.objects.count()
    for method in (client.post, client.get):
        response = method(link)
        assert response.status_code == 400
        assert "already been withdrawn or replaced" in response.content.decode()
    assert ConsentRecord.objects.count() == lines


def test_an_older_link_is_spent_once_a_newer_answer_replaces_it(
    client, form, newsletter, mailoutbox
):
    send(client, form, tick=True)
    first = withdraw_link(mailoutbox)
    guests.withdraw(GUEST, newsletter, source=ConsentRecord.SOURCE_API)
    send(client, form, tick=True)
    second = withdraw_link(mailoutbox)
    assert first != second
    assert client.post(first).status_code == 400
    assert ConsentState.objects.get().given
    assert client.post(second).status_code == 200
    assert not ConsentState.objects.exists()


def test_a_tampered_or_strange_link_gets_a_plain_page(client, form, mailoutbox, centre):
    send(client, form, tick=True)
    link = withdraw_link(mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]
    signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    record_id = ConsentRecord.objects.get().pk
    # Another ledger line's id under the link's own time and signature.
    other = signing.b64_encode(json.dumps({"r": record_id + 1}).encode()).decode()
    forged = ":".join([other, *signed.split(":")[1:]])
    assert forged != signed
    forged_token = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")
    base = link[: -len(token) - 1]
    for bad in (forged_token, token[:-3] + "abc", "x", "%C3%A9t%C3%A9", "A" * 3000, "-_-_"):
        for method in (client.get, client.post):
            response = method(f"{base}{bad}/")
            assert response.status_code in (400, 404), bad
            if response.status_code == 400:
                assert "This link is not valid." in response.content.decode()
    assert ConsentState.objects.get().given


def test_an_expired_link_gets_a_plain_page(client, form, newsletter, monkeypatch, centre):
    send(client, form, tick=True)
    entry = ConsentRecord.objects.get()
    real = time.time
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: real() - 91 * 24 * 3600)
        token = form_consent.make_token(entry)
    url = routes.centre_url("withdraw_form_consent", token)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 400
        assert "This link has expired" in response.content.decode()
    assert ConsentState.objects.get().given


def test_a_link_acts_on_its_own_consent_whoever_is_logged_in(client, form, newsletter, mailoutbox):
    alice = make_member("alice")
    client.force_login(alice)
    send(client, form, tick=True)
    alice_link = withdraw_link(mailoutbox)
    bob = make_member("bob")
    consent.give(bob, newsletter, source=ConsentRecord.SOURCE_PRIVACY_CENTRE)
    client.force_login(bob)
    assert client.post(alice_link).status_code == 200
    assert not consent.has_consent(User.objects.get(pk=alice.pk), "newsletter")
    assert consent.has_consent(User.objects.get(pk=bob.pk), "newsletter")  # untouched
    # Bob's privacy centre shows none of Alice's answers.
    html = client.get(f"{add_privacy_centre_url()}consents/").content.decode()
    assert "Contact us" not in html


def test_a_link_of_a_deleted_account_gets_a_plain_page(client, form, mailoutbox):
    member = make_member("maria")
    client.force_login(member)
    send(client, form, tick=True)
    link = withdraw_link(mailoutbox)
    client.logout()
    User.objects.filter(pk=member.pk).delete()
    assert client.post(link).status_code == 400


def test_withdrawing_is_recorded_in_the_members_activity(client, form, mailoutbox):
    member = make_member("maria")
    client.force_login(member)
    send(client, form, tick=True)
    client.post(withdraw_link(mailoutbox))
    details = list(
        MemberActivity.objects.filter(user=member, kind=MemberActivity.CONSENT).values_list(
            "detail", flat=True
        )
    )
    assert details == ["newsletter: withdrawn", "newsletter: given"]


def test_staff_find_a_guests_answer_in_the_ledger_by_the_address(admin_client, form):
    send(Client(), form, tick=True)
    ledger = ConsentRecordAdmin().url_helper.index_url
    html = admin_client.get(ledger, {"q": GUEST}).content.decode()
    assert f"a guest on a form: {GUEST}" in html
    assert "account erased" not in html


def test_erasing_the_member_anonymises_the_address_on_their_guest_answer(
    client, form, settings, tmp_path
):
    settings.WAGTAIL_GDPR_ERASURE_LOG = str(tmp_path / "erasure-log.jsonl")
    send(client, form, tick=True)
    member = sign_up()
    confirm_address(member)
    execution.execute(member)
    line = ConsentRecord.objects.get(action=ConsentRecord.GIVEN)  # kept as the proof
    assert line.email != GUEST and "gunnar" not in line.email
    assert not ConsentState.objects.filter(email=GUEST).exists()
