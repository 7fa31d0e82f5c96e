"""The consent service and its append-only ledger, notice versions, the signal and the tag."""

import hashlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from tests.consent_helpers import (
    User,
    add_notice_page,
    block_post,
    fresh_gate_cache,  # noqa: F401  (autouse)
    ledger_count,
    make_member,
    make_purpose,
    make_superuser,
    publish,
)
from wagtail_gdpr import consent
from wagtail_gdpr.models import (
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    ConsentText,
    LedgerIsAppendOnly,
    NoticeVersion,
)
from wagtail_gdpr.signals import consent_changed

API = ConsentRecord.SOURCE_API


def fresh(user):
    """The member as the next request sees them: no answers cached on the instance."""
    return User.objects.get(pk=user.pk)


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def received():
    """Every ``consent_changed`` sent during the test, as a list of its keyword arguments."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    consent_changed.connect(receiver, dispatch_uid="test_consent_receiver")
    yield calls
    consent_changed.disconnect(dispatch_uid="test_consent_receiver")


# -- giving and withdrawing ------------------------------------------------------------------


@pytest.mark.django_db
def test_give_appends_a_line_with_the_version_and_the_hash_of_the_text_shown():
    member = make_member()
    purpose = make_purpose("newsletter", version=3, text="Monthly news by email.")

    record = consent.give(member, purpose, source=API)

    record = ConsentRecord.objects.get(pk=record.pk)
    assert record.user_id == member.pk
    assert record.purpose == purpose
    assert record.purpose_version == 3
    assert record.action == ConsentRecord.GIVEN
    assert record.source == API
    assert record.notice_version is None
    assert record.text_sha256 == sha256("Monthly news by email.")
    assert ConsentText.objects.get(sha256=record.text_sha256).text == "Monthly news by email."
    assert record.text == "Monthly news by email."
    assert consent.has_consent(fresh(member), "newsletter") is True


@pytest.mark.django_db
def test_give_accepts_a_slug():
    member = make_member()
    make_purpose("newsletter")
    record = consent.give(member, "newsletter", source=API)
    assert record.purpose.slug == "newsletter"
    assert consent.has_consent(fresh(member), "newsletter")


@pytest.mark.django_db
def test_withdrawal_appends_a_withdrawn_line_and_has_consent_is_false():
    member = make_member()
    purpose = make_purpose("newsletter")
    given = consent.give(member, purpose, source=API)

    withdrawn = consent.withdraw(member, "newsletter", source=API)

    assert withdrawn.pk != given.pk
    assert withdrawn.action == ConsentRecord.WITHDRAWN
    assert withdrawn.purpose_version == purpose.version
    assert list(
        ConsentRecord.objects.filter(user=member).order_by("pk").values_list("action", flat=True)
    ) == [ConsentRecord.GIVEN, ConsentRecord.WITHDRAWN]
    assert consent.has_consent(member, "newsletter") is False
    assert consent.has_consent(fresh(member), "newsletter") is False
    state = ConsentState.objects.get(user=member, purpose=purpose)
    assert (state.given, state.record_id) == (False, withdrawn.pk)


@pytest.mark.django_db
def test_has_consent_is_false_before_any_answer_and_for_other_members():
    alice, bob = make_member("alice"), make_member("bob")
    make_purpose("newsletter")
    assert consent.has_consent(alice, "newsletter") is False
    consent.give(alice, "newsletter", source=API)
    assert consent.has_consent(fresh(alice), "newsletter") is True
    assert consent.has_consent(fresh(bob), "newsletter") is False
    assert consent.has_consent(AnonymousUser(), "newsletter") is False
    assert consent.has_consent(None, "newsletter") is False


@pytest.mark.django_db
def test_consent_to_an_earlier_version_no_longer_counts():
    member = make_member()
    purpose = make_purpose("newsletter", version=1)
    consent.give(member, purpose, source=API)

    purpose.version = 2
    purpose.text = "Monthly news, now also by text message."
    purpose.save()

    assert consent.has_consent(fresh(member), "newsletter") is False
    again = consent.give(member, purpose, source=API)
    assert again is not None
    assert again.purpose_version == 2
    assert again.text_sha256 == sha256("Monthly news, now also by text message.")
    assert consent.has_consent(fresh(member), "newsletter") is True


@pytest.mark.django_db
def test_an_inactive_purpose_is_not_consented_to():
    member = make_member()
    purpose = make_purpose("newsletter")
    consent.give(member, purpose, source=API)
    ConsentPurpose.objects.filter(pk=purpose.pk).update(active=False)
    assert consent.has_consent(fresh(member), "newsletter") is False
    with pytest.raises(consent.UnknownPurpose):
        consent.give(member, "newsletter", source=API)


@pytest.mark.django_db
def test_an_unknown_purpose_is_refused_and_nothing_is_recorded():
    member = make_member()
    with pytest.raises(consent.UnknownPurpose) as caught:
        consent.give(member, "no-such-purpose", source=API)
    assert "no such consent purpose" in str(caught.value.message)
    assert ledger_count() == 0


@pytest.mark.django_db
def test_giving_the_same_version_twice_records_only_one_line():
    member = make_member()
    purpose = make_purpose("newsletter")
    first = consent.give(member, purpose, source=API)
    second = consent.give(fresh(member), purpose, source=API)
    assert first is not None
    assert second is None
    assert ConsentRecord.objects.filter(user=member).count() == 1


@pytest.mark.django_db
def test_withdrawing_twice_records_only_one_withdrawal():
    member = make_member()
    purpose = make_purpose("newsletter")
    consent.give(member, purpose, source=API)
    assert consent.withdraw(member, purpose, source=API) is not None
    assert consent.withdraw(member, purpose, source=API) is None
    assert ConsentRecord.objects.filter(action=ConsentRecord.WITHDRAWN).count() == 1


@pytest.mark.django_db
def test_a_required_purpose_is_acknowledged_and_cannot_be_withdrawn():
    member = make_member()
    terms = make_purpose("terms", name="Terms of service", required=True)

    record = consent.give(member, terms, source=API)
    assert record.action == ConsentRecord.ACKNOWLEDGED
    assert consent.has_consent(fresh(member), "terms") is True

    before = ledger_count()
    with pytest.raises(consent.CannotWithdrawRequired) as caught:
        consent.withdraw(member, terms, source=API)
    message = str(caught.value.message)
    assert "Terms of service" in message
    assert "needed to provide the service" in message
    assert ledger_count() == before
    assert consent.has_consent(fresh(member), "terms") is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    "shown",
    [
        {"version": 1},  # the member read version 1; it is version 2 now
        {"shown_sha256": sha256("The text of newsletter, version 1.")},  # an older text
    ],
    ids=["old-version", "old-text"],
)
def test_an_answer_to_a_changed_text_is_refused_and_nothing_is_recorded(shown):
    member = make_member()
    purpose = make_purpose("newsletter", version=2)
    with pytest.raises(consent.StaleText) as caught:
        consent.give(member, purpose, source=API, **shown)
    assert "has changed since you read it" in str(caught.value.message)
    assert ledger_count() == 0
    assert not ConsentState.objects.exists()


@pytest.mark.django_db
def test_an_answer_to_the_current_text_is_accepted():
    member = make_member()
    purpose = make_purpose("newsletter", version=2)
    record = consent.give(member, purpose, source=API, version=2, shown_sha256=sha256(purpose.text))
    assert record.purpose_version == 2


@pytest.mark.django_db
def test_history_lists_the_members_lines_newest_first():
    alice, bob = make_member("alice"), make_member("bob")
    purpose = make_purpose("newsletter")
    first = consent.give(alice, purpose, source=API)
    second = consent.withdraw(alice, purpose, source=API)
    consent.give(bob, purpose, source=API)
    assert [r.pk for r in consent.history(alice)] == [second.pk, first.pk]


# -- the ledger is append-only ---------------------------------------------------------------


def _save_existing(record):
    record.action = ConsentRecord.WITHDRAWN
    record.save()


def _save_update_fields(record):
    record.user_agent = "rewritten"
    record.save(update_fields=["user_agent"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        _save_existing,
        _save_update_fields,
        lambda record: record.delete(),
        lambda record: ConsentRecord.objects.filter(pk=record.pk).update(action="withdrawn"),
        lambda record: ConsentRecord.objects.update(user_agent="rewritten"),
        lambda record: ConsentRecord.objects.filter(pk=record.pk).delete(),
        lambda record: ConsentRecord.objects.all().delete(),
        lambda record: ConsentRecord.objects.bulk_update([record], ["action"]),
    ],
    ids=[
        "instance.save",
        "instance.save(update_fields)",
        "instance.delete",
        "queryset.update",
        "manager.update",
        "queryset.delete",
        "all().delete",
        "bulk_update",
    ],
)
def test_a_ledger_line_cannot_be_changed_or_deleted(change):
    member = make_member()
    record = consent.give(member, make_purpose("newsletter"), source=API)
    stored = ConsentRecord.objects.filter(pk=record.pk).values().get()

    with pytest.raises(LedgerIsAppendOnly):
        change(record)

    assert ConsentRecord.objects.filter(pk=record.pk).values().get() == stored
    assert ledger_count() == 1


@pytest.mark.django_db
def test_the_ledger_outlives_a_deleted_member():
    member = make_member()
    record = consent.give(member, make_purpose("newsletter"), source=API)
    member.delete()
    assert ConsentRecord.objects.filter(pk=record.pk).exists()
    assert not ConsentState.objects.exists()


# -- the consent_changed signal --------------------------------------------------------------


@pytest.mark.django_db
def test_consent_changed_is_sent_after_commit_with_user_purpose_given_and_record(
    received, django_capture_on_commit_callbacks
):
    member = make_member()
    purpose = make_purpose("newsletter")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = consent.give(member, purpose, source=API)
        assert received == []  # not before the commit
    # One signal, sent on commit (Wagtail may add callbacks of its own, e.g. index updates).
    signals = [c for c in callbacks if getattr(c, "func", None) == consent_changed.send]
    assert len(signals) == 1
    assert received == [
        {
            "sender": ConsentRecord,
            "signal": consent_changed,
            "user": member,
            "purpose": purpose,
            "given": True,
            "record": record,
        }
    ]

    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = consent.withdraw(member, purpose, source=API)
    assert len(received) == 2
    assert received[1]["given"] is False
    assert received[1]["record"] == withdrawal


@pytest.mark.django_db
def test_consent_changed_is_not_sent_when_nothing_changed(
    received, django_capture_on_commit_callbacks
):
    member = make_member()
    purpose = make_purpose("newsletter")
    with django_capture_on_commit_callbacks(execute=True):
        consent.give(member, purpose, source=API)
        consent.give(member, purpose, source=API)
    assert len(received) == 1
    assert ConsentRecord.objects.count() == 1


@pytest.mark.django_db
def test_consent_changed_is_not_sent_when_the_answer_is_refused(
    received, django_capture_on_commit_callbacks
):
    member = make_member()
    terms = make_purpose("terms", required=True)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(consent.CannotWithdrawRequired):
            consent.withdraw(member, terms, source=API)
        with pytest.raises(consent.StaleText):
            consent.give(member, terms, source=API, version=terms.version + 1)
    assert received == []


# -- IP address and user agent ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_ip_address_is_truncated_and_the_user_agent_kept(client):
    member = make_member()
    purpose = make_purpose("newsletter")
    client.force_login(member)

    response = block_post(
        client, purpose, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Firefox/128.0 (test)"
    )

    assert response.status_code == 303
    record = ConsentRecord.objects.get()
    assert record.ip_address == "203.0.113.0"
    assert record.user_agent == "Firefox/128.0 (test)"


@pytest.mark.django_db
def test_ipv6_addresses_are_truncated_and_long_user_agents_cut():
    request = RequestFactory().post(
        "/", REMOTE_ADDR="2001:db8:1234:5678::1", HTTP_USER_AGENT="x" * 600
    )
    record = consent.give(make_member(), make_purpose(), source=API, request=request)
    record = ConsentRecord.objects.get(pk=record.pk)
    assert record.ip_address == "2001:db8:1234::"
    assert record.user_agent == "x" * 512


@pytest.mark.django_db
def test_ip_truncation_can_be_turned_off(settings):
    settings.WAGTAIL_GDPR_TRUNCATE_IP = False
    member = make_member()
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.77")
    record = consent.give(member, make_purpose("newsletter"), source=API, request=request)
    assert ConsentRecord.objects.get(pk=record.pk).ip_address == "203.0.113.77"


# -- the has_consent template tag ------------------------------------------------------------

TAG = Template(
    '{% load wagtail_gdpr %}{% has_consent "newsletter" as agreed %}'
    "{% if agreed %}agreed{% else %}not agreed{% endif %}"
)


def render_tag(user=None, *, with_request=True):
    context = {}
    if with_request:
        request = RequestFactory().get("/")
        request.user = user if user is not None else AnonymousUser()
        context["request"] = request
    else:
        context["user"] = user
    return TAG.render(Context(context))


@pytest.mark.django_db
def test_the_has_consent_tag_tells_the_members_answer():
    member = make_member()
    purpose = make_purpose("newsletter")
    assert render_tag(fresh(member)) == "not agreed"

    consent.give(member, purpose, source=API)
    assert render_tag(fresh(member)) == "agreed"
    assert render_tag(fresh(member), with_request=False) == "agreed"

    consent.withdraw(member, purpose, source=API)
    assert render_tag(fresh(member)) == "not agreed"


@pytest.mark.django_db
def test_the_has_consent_tag_is_false_for_anonymous_visitors_and_other_members():
    member, other = make_member("member"), make_member("other")
    consent.give(member, make_purpose("newsletter"), source=API)
    assert render_tag(None) == "not agreed"
    assert render_tag(fresh(other)) == "not agreed"
    assert render_tag(fresh(member)) == "agreed"


# -- notice versions -------------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_a_notice_page_records_a_version_with_the_hash_of_its_text():
    editor = make_superuser("editor")
    page = publish(add_notice_page(), user=editor)

    version = NoticeVersion.objects.get(page_id=page.pk)
    assert version.number == 1
    assert version.material is True  # the first publication always is
    assert version.revision_id == page.live_revision_id
    assert version.published_by == editor
    text = page.get_notice_text()
    assert "We keep your orders" in text
    assert version.text_sha256 == sha256(text)
    assert ConsentText.objects.get(sha256=version.text_sha256).text == text


@pytest.mark.django_db
def test_saving_a_draft_records_no_version():
    page = add_notice_page()
    page.save_revision()
    assert not NoticeVersion.objects.filter(page_id=page.pk).exists()


@pytest.mark.django_db
def test_only_a_ticked_publication_is_material_and_the_box_is_cleared_after_publishing():
    page = publish(add_notice_page())

    page = publish(page, summary="Typo fixed.")
    page = publish(page, material=True, summary="We now share orders with a new carrier.")

    versions = list(NoticeVersion.objects.filter(page_id=page.pk).order_by("number"))
    assert [(v.number, v.material) for v in versions] == [(1, True), (2, False), (3, True)]
    assert versions[2].text_sha256 == sha256(page.get_notice_text())
    assert versions[1].text_sha256 != versions[2].text_sha256
    # cleared on the page, in the published revision and in what the editor opens next
    assert page.material_change is False
    assert page.live_revision.content["material_change"] is False
    assert page.get_latest_revision_as_object().material_change is False

    # so the next publication, made from what the editor opens, is not material
    draft = page.get_latest_revision_as_object()
    draft.summary = "Another typo fixed."
    draft.save_revision().publish()
    assert NoticeVersion.objects.get(page_id=page.pk, number=4).material is False


@pytest.mark.django_db
def test_the_notice_page_shows_its_live_version(client):
    page = publish(add_notice_page())
    page = publish(page, summary="Second edition.")
    response = client.get(page.url)
    assert response.status_code == 200
    assert "Version 2, published" in response.content.decode()
    assert "Second edition." in response.content.decode()
