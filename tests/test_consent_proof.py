"""No consent change is recorded without the version and the fingerprint of the text shown.

On every path (the consent step, a consent block on a page, the privacy centre's "My consents"),
an answer that lacks either, or carries a stale one, is refused with a 409 and a page that asks
the member to read the text again; the ledger is left as it was.
"""

import pytest
from django.utils import translation

from tests.consent_helpers import (
    fresh_gate_cache,  # noqa: F401  (autouse)
    hidden_inputs,
    ledger_count,
    make_member,
    make_purpose,
    publish_notice,
)
from wagtail_gdpr import consent
from wagtail_gdpr.models import ConsentRecord

SOURCES = ["block", ConsentRecord.SOURCE_PRIVACY_CENTRE]


@pytest.fixture
def member_client(client, db):
    client.force_login(make_member())
    return client


@pytest.fixture
def newsletter(db):
    return make_purpose("newsletter", name="Newsletter", text="Monthly news.")


def post_block(client, purpose, **fields):
    data = {"action": "give", "next": "/", **fields}
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(f"/privacy/consent/{purpose.slug}/", data)


def assert_read_again(response, *, text="Monthly news."):
    assert response.status_code == 409, response.status_code
    page = response.content.decode()
    assert "has changed since you read it. Please read it again." in page
    assert text in page, "the text as it is now is shown"
    assert "no-store" in response["Cache-Control"]


# -- a consent block, and the privacy centre (the same form, another source) --------------------


@pytest.mark.django_db
@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    "missing",
    [
        {"version": None, "text_sha256": None},  # only action=give
        {"version": None},
        {"text_sha256": None},
        {"text_sha256": ""},
        {"text_sha256": "not-a-fingerprint"},
    ],
    ids=["nothing", "no-version", "no-fingerprint", "empty-fingerprint", "malformed-fingerprint"],
)
def test_a_consent_without_proof_is_refused(member_client, newsletter, source, missing):
    fields = {"version": 1, "text_sha256": consent.text_sha256("Monthly news."), "source": source}
    response = post_block(member_client, newsletter, **{**fields, **missing})
    assert_read_again(response)
    assert ledger_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("source", SOURCES)
def test_a_consent_with_a_stale_fingerprint_is_refused(member_client, newsletter, source):
    old = consent.text_sha256("Monthly news.")
    newsletter.text = "Weekly news, and offers from partners."
    newsletter.save()
    response = post_block(member_client, newsletter, version=1, text_sha256=old, source=source)
    assert_read_again(response, text="Weekly news, and offers from partners.")
    assert ledger_count() == 0
    # The page's form carries the new text's proof: answering it records consent to that text.
    again = hidden_inputs(response.content.decode())
    again.pop("csrfmiddlewaretoken", None)
    assert member_client.post("/privacy/consent/newsletter/", again).status_code == 303
    record = ConsentRecord.objects.get()
    assert record.text_sha256 == consent.text_sha256("Weekly news, and offers from partners.")


@pytest.mark.django_db
def test_a_consent_with_a_stale_version_is_refused(member_client, newsletter):
    sha = consent.text_sha256("Monthly news.")
    newsletter.version = 2
    newsletter.save()
    assert_read_again(post_block(member_client, newsletter, version=1, text_sha256=sha))
    assert ledger_count() == 0


@pytest.mark.django_db
def test_a_withdrawal_without_proof_is_refused_and_offered_again(member_client, newsletter):
    member = ConsentRecord._meta.get_field("user").related_model.objects.get()
    consent.give(member, newsletter, source=ConsentRecord.SOURCE_API)
    response = post_block(member_client, newsletter, action="withdraw")
    assert_read_again(response)
    assert ledger_count() == 1
    again = hidden_inputs(response.content.decode())
    assert again["action"] == "withdraw"
    again.pop("csrfmiddlewaretoken", None)
    assert member_client.post("/privacy/consent/newsletter/", again).status_code == 303
    assert not consent.has_consent(member, "newsletter")


@pytest.mark.django_db
def test_a_consent_with_its_proof_is_recorded(member_client, newsletter):
    sha = consent.text_sha256("Monthly news.")
    assert post_block(member_client, newsletter, version=1, text_sha256=sha).status_code == 303
    assert ConsentRecord.objects.get().text_sha256 == sha


@pytest.fixture
def swedish(settings):
    """LocaleMiddleware, as a site in Swedish has it."""
    middleware = list(settings.MIDDLEWARE)
    at = middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    middleware.insert(at, "django.middleware.locale.LocaleMiddleware")
    settings.MIDDLEWARE = middleware
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.django_db
def test_the_read_again_page_is_in_swedish_too(member_client, newsletter, swedish):
    response = member_client.post(
        "/privacy/consent/newsletter/", {"action": "give", "next": "/"}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "har ändrats" in page, page
    assert "has changed since you read it" not in page


# -- the consent step ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("dropped", ["version_newsletter", "sha256_newsletter"])
def test_the_step_refuses_an_answer_without_the_purposes_proof(member_client, newsletter, dropped):
    publish_notice()
    data = hidden_inputs(member_client.get("/privacy/consent/?next=/").content.decode())
    data["consent_newsletter"] = "on"
    del data[dropped]
    response = member_client.post("/privacy/consent/", data)
    assert response.status_code == 409
    assert "The text has changed since you opened this page. Please read it again" in (
        response.content.decode()
    )
    assert ledger_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("dropped", ["notice_version", "notice_sha256"])
def test_the_step_refuses_an_answer_without_the_notices_proof(member_client, newsletter, dropped):
    publish_notice()
    data = hidden_inputs(member_client.get("/privacy/consent/?next=/").content.decode())
    del data[dropped]
    response = member_client.post("/privacy/consent/", data)
    assert response.status_code == 409
    assert "Please read it again" in response.content.decode()
    assert ledger_count() == 0


@pytest.mark.django_db
def test_the_step_refuses_a_stale_fingerprint(member_client, newsletter):
    publish_notice()
    data = hidden_inputs(member_client.get("/privacy/consent/?next=/").content.decode())
    data["consent_newsletter"] = "on"
    data["sha256_newsletter"] = consent.text_sha256("Some other text.")
    response = member_client.post("/privacy/consent/", data)
    assert response.status_code == 409
    assert "“Newsletter” has changed since you read it" in response.content.decode()
    assert ledger_count() == 0
