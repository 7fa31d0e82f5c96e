"""The account's address follows one rule on every path, and confirmation links carry no hash
of an address.

- "Correct my data" cannot set the account's address to another member's (the profile form's
  rule: one account per address, case ignored), directly or through a reviewed proposal.
- Links to confirm an address are signed with the site's SECRET_KEY, keyed to the address;
  they carry no hash of it. Links of the old kind (an unsalted SHA-256 of the address in the
  signed payload) no longer confirm anything, and knowing or guessing an address is not enough
  to make a link that does.
"""

import base64
import dataclasses
import hashlib
import json

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client

from tests.access_helpers import add_privacy_centre, make_member, url_of
from wagtail_gdpr import email_verification, rectification
from wagtail_gdpr.models import DataSubjectRequest, VerifiedEmail
from wagtail_gdpr.rectification import CorrectionRefused

pytestmark = pytest.mark.django_db

User = get_user_model()
USER_LABEL = f"{User._meta.app_label}.{User.__name__}"


@pytest.fixture
def centre(db):
    return add_privacy_centre()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# -- one rule for the account's address ---------------------------------------------------------


@pytest.mark.parametrize("taken", ["bob@example.com", "BOB@Example.com"])
def test_correcting_the_address_to_another_members_is_refused(centre, taken):
    alice, bob = make_member("alice"), make_member("bob")
    response = logged_in(alice).post(
        url_of(centre, "correct/"),
        {"model": USER_LABEL, "pk": alice.pk, "value-email": taken},
    )
    assert response.status_code == 400
    assert "An account with this email address already exists." in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert not DataSubjectRequest.objects.filter(kind=DataSubjectRequest.RECTIFICATION).exists()
    with pytest.raises(CorrectionRefused):
        rectification.apply_direct(alice, USER_LABEL, alice.pk, "email", taken)
    assert User.objects.filter(email__iexact="bob@example.com").count() == 1
    assert bob.email == "bob@example.com"


def test_a_free_address_is_corrected_and_is_not_confirmed_by_it(centre):
    alice = make_member("alice")
    VerifiedEmail.objects.create(user=alice, email="alice@example.com")
    response = logged_in(alice).post(
        url_of(centre, "correct/"),
        {"model": USER_LABEL, "pk": alice.pk, "value-email": "alice.new@example.com"},
    )
    assert response.status_code == 303
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com"
    # Guest rows under the new address wait for the member to confirm it.
    assert not VerifiedEmail.objects.filter(email="alice.new@example.com").exists()


def test_a_reviewed_address_change_is_refused_when_it_is_taken(monkeypatch):
    alice, _bob = make_member("alice"), make_member("bob")
    declaration = rectification.declaration_for(USER_LABEL)
    reviewed = dataclasses.replace(declaration.fields["email"], correction=rectification.REVIEWED)
    monkeypatch.setitem(declaration.fields, "email", reviewed)
    with pytest.raises(CorrectionRefused) as refused:
        rectification.propose(alice, USER_LABEL, alice.pk, "email", "bob@example.com", "mine")
    assert "already exists" in refused.value.message


def test_an_address_taken_after_a_proposal_is_refused_at_approval(monkeypatch):
    alice = make_member("alice")
    staff = make_member("staff", is_superuser=True, is_staff=True)
    declaration = rectification.declaration_for(USER_LABEL)
    reviewed = dataclasses.replace(declaration.fields["email"], correction=rectification.REVIEWED)
    monkeypatch.setitem(declaration.fields, "email", reviewed)
    dsr = rectification.propose(alice, USER_LABEL, alice.pk, "email", "carol@example.com", "new")
    make_member("carol")  # takes the address meanwhile
    with pytest.raises(CorrectionRefused):
        rectification.approve(dsr, staff)
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


# -- confirmation links ---------------------------------------------------------------------------


def test_a_link_carries_no_address_and_no_hash_of_one():
    alice = make_member("alice")
    token = email_verification.make_token(alice)
    signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    payload = signing.loads(signed, salt=f"{email_verification.SALT}:alice@example.com")
    assert payload == {"u": alice.pk}
    address_hash = hashlib.sha256(b"alice@example.com").hexdigest()
    assert address_hash[:16] not in signed and "alice" not in signed
    assert email_verification.confirm(alice, token).email == "alice@example.com"


def test_an_old_link_with_an_unsalted_address_hash_no_longer_confirms(centre):
    alice = make_member("alice")
    old_payload = {"u": alice.pk, "e": hashlib.sha256(b"alice@example.com").hexdigest()[:32]}
    old_link = b64(signing.dumps(old_payload, salt=email_verification.SALT))
    response = logged_in(alice).get(url_of(centre, f"verify-email/{old_link}/"))
    assert response.status_code == 400
    assert not VerifiedEmail.objects.exists()


def test_a_guessed_address_cannot_be_confirmed(centre):
    """Mallory sets Bob's address on her account; a link she builds herself, however she keys
    it without the site's secret, confirms nothing, and her own old link neither."""
    mallory = make_member("mallory")
    own_link = email_verification.make_token(mallory)  # for mallory@example.com
    mallory.email = "bob@example.com"
    mallory.save()
    guessed = [
        own_link,
        b64(json.dumps({"u": mallory.pk, "e": "bob@example.com"})),
        b64(signing.dumps({"u": mallory.pk}, key="guessed-secret", salt="x")),
        b64(
            signing.dumps(
                {"u": mallory.pk},
                key="guessed-secret",
                salt=f"{email_verification.SALT}:bob@example.com",
            )
        ),
        b64(
            signing.dumps(
                {"u": mallory.pk, "e": hashlib.sha256(b"bob@example.com").hexdigest()[:32]},
                salt=email_verification.SALT,
            )
        ),
    ]
    client = logged_in(mallory)
    for link in guessed:
        response = client.get(url_of(centre, f"verify-email/{link}/"))
        assert response.status_code == 400, link
    assert not VerifiedEmail.objects.exists()


def test_a_link_for_another_account_does_not_confirm():
    alice, bob = make_member("alice"), make_member("bob")
    bob.email = "alice@example.com"  # as if it were allowed
    with pytest.raises(email_verification.VerificationFailed):
        email_verification.confirm(bob, email_verification.make_token(alice))
