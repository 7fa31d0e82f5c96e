"""The Wagtail admin: the read-only consent ledger, notice versions and consent purposes."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.consent_helpers import (
    add_notice_page,
    default_site,
    fresh_gate_cache,  # noqa: F401  (autouse)
    ledger_count,
    make_editor,
    make_member,
    make_purpose,
    make_staff,
    make_superuser,
    publish,
)
from wagtail_gdpr import consent
from wagtail_gdpr.admin.modeladmin import ConsentRecordAdmin, NoticeVersionAdmin
from wagtail_gdpr.consent import gate
from wagtail_gdpr.models import ConsentPurpose, ConsentRecord, NoticeVersion

LEDGER = ConsentRecordAdmin().url_helper
VERSIONS = NoticeVersionAdmin().url_helper
PURPOSES_LIST = "wagtailsnippets_wagtail_gdpr_consentpurpose:list"


def factory_request(remote_addr, user_agent):
    from django.test import RequestFactory

    return RequestFactory().post("/", REMOTE_ADDR=remote_addr, HTTP_USER_AGENT=user_agent)


@pytest.fixture
def ledger(db):
    """Alice gave and withdrew the newsletter; Bob acknowledged the terms."""
    alice, bob = make_member("alice"), make_member("bob")
    newsletter = make_purpose("newsletter", name="Newsletter")
    terms = make_purpose("terms", name="Terms of service", required=True)
    request = factory_request("203.0.113.77", "Firefox/128.0")
    source = ConsentRecord.SOURCE_PRIVACY_CENTRE
    return {
        "alice": alice,
        "bob": bob,
        "given": consent.give(alice, newsletter, source=source, request=request),
        "withdrawn": consent.withdraw(alice, newsletter, source=source, request=request),
        "acknowledged": consent.give(bob, terms, source=source, request=request),
    }


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_superuser())
    return client


def assert_refused(client, response):
    """Not available: 403/404, or the admin's "no permission" redirect to its dashboard."""
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("permission" in m for m in messages), messages


def csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# -- the ledger ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ledger_lists_every_record(admin_client, ledger):
    assert LEDGER.index_url == reverse("wagtail_gdpr_consentrecord_modeladmin_index")
    response = admin_client.get(LEDGER.index_url)
    assert response.status_code == 200
    listed = {record.pk for record in response.context["object_list"]}
    assert listed == {ledger["given"].pk, ledger["withdrawn"].pk, ledger["acknowledged"].pk}
    html = response.content.decode()
    assert "Newsletter" in html and "Terms of service" in html
    assert "consent withdrawn" in html and "acknowledged" in html
    # read-only: no "add" button
    assert LEDGER.create_url not in html


@pytest.mark.django_db
def test_the_ledger_can_be_searched_and_filtered(admin_client, ledger):
    response = admin_client.get(LEDGER.index_url, {"q": "alice"})
    assert {r.pk for r in response.context["object_list"]} == {
        ledger["given"].pk,
        ledger["withdrawn"].pk,
    }
    # The parameter of the filter links the list shows.
    response = admin_client.get(LEDGER.index_url, {"action__exact": ConsentRecord.WITHDRAWN})
    assert [r.pk for r in response.context["object_list"]] == [ledger["withdrawn"].pk]


@pytest.mark.django_db
def test_the_ledger_exports_as_csv(admin_client, ledger):
    response = admin_client.get(LEDGER.index_url, {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "consent-ledger.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 3
    by_sha = {}
    for row in rows:
        by_sha.setdefault(row["Sha-256 Of The Text Shown"], []).append(row)
    given, acknowledged = ledger["given"], ledger["acknowledged"]
    assert {given.text_sha256, acknowledged.text_sha256} == set(by_sha)
    assert sorted(r["Action"] for r in rows) == ["acknowledged", "given", "withdrawn"]
    alice_rows = [r for r in rows if r["User Id"] == str(ledger["alice"].pk)]
    assert sorted(r["Action"] for r in alice_rows) == ["given", "withdrawn"]
    assert {r["Purpose"] for r in alice_rows} == {"Newsletter"}
    assert {r["Ip Address (Truncated)"] for r in rows} == {"203.0.113.0"}
    assert {r["User Agent"] for r in rows} == {"Firefox/128.0"}
    assert {r["Source"] for r in rows} == {ConsentRecord.SOURCE_PRIVACY_CENTRE}


@pytest.mark.django_db
def test_the_csv_export_lists_a_new_record(admin_client, ledger):
    before = len(csv_rows(admin_client.get(LEDGER.index_url, {"export": "csv"})))
    consent.give(ledger["bob"], "newsletter", source=ConsentRecord.SOURCE_API)
    rows = csv_rows(admin_client.get(LEDGER.index_url, {"export": "csv"}))
    assert len(rows) == before + 1


@pytest.mark.django_db
def test_a_ledger_line_can_be_inspected(admin_client, ledger):
    record = ledger["withdrawn"]
    response = admin_client.get(LEDGER.get_action_url("inspect", record.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert record.text_sha256 in html
    assert "203.0.113.0" in html
    assert "Firefox/128.0" in html


@pytest.mark.django_db
def test_a_notice_acknowledgement_can_be_inspected(admin_client, db):
    page = publish(add_notice_page())
    version = NoticeVersion.objects.get(page_id=page.pk)
    record = consent.acknowledge_notice(make_member(), version, source=ConsentRecord.SOURCE_GATE)
    response = admin_client.get(LEDGER.get_action_url("inspect", record.pk))
    assert response.status_code == 200
    assert version.text_sha256 in response.content.decode()


@pytest.mark.django_db
def test_the_ledger_cannot_be_added_to_edited_or_deleted_in_the_admin(admin_client, ledger):
    record = ledger["given"]
    stored = ConsentRecord.objects.filter(pk=record.pk).values().get()
    edit_url = LEDGER.get_action_url("edit", record.pk)
    delete_url = LEDGER.get_action_url("delete", record.pk)

    assert_refused(admin_client, admin_client.get(LEDGER.create_url))
    assert_refused(admin_client, admin_client.get(edit_url))
    assert_refused(admin_client, admin_client.get(delete_url))
    assert_refused(admin_client, admin_client.post(delete_url))
    assert_refused(
        admin_client,
        admin_client.post(edit_url, {"action": ConsentRecord.WITHDRAWN, "user_agent": "x"}),
    )
    assert_refused(
        admin_client,
        admin_client.post(LEDGER.create_url, {"action": "given", "text_sha256": "0" * 64}),
    )

    assert ConsentRecord.objects.filter(pk=record.pk).values().get() == stored
    assert ledger_count() == 3


@pytest.mark.django_db
def test_even_a_viewer_with_every_ledger_permission_cannot_change_it(client, ledger):
    staff = make_staff()
    staff.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="wagtail_gdpr").filter(
            codename__endswith="consentrecord"
        ),
    )
    client.force_login(staff)
    assert client.get(LEDGER.index_url).status_code == 200
    assert client.get(LEDGER.get_action_url("inspect", ledger["given"].pk)).status_code == 200
    assert_refused(client, client.post(LEDGER.get_action_url("delete", ledger["given"].pk)))
    assert ledger_count() == 3


@pytest.mark.django_db
def test_an_editor_without_permissions_has_no_access_to_the_ledger(client, ledger):
    client.force_login(make_editor())
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # an admin user...
    record = ledger["given"]
    for url in (
        LEDGER.index_url,
        f"{LEDGER.index_url}?export=csv",
        LEDGER.get_action_url("inspect", record.pk),
    ):
        response = client.get(url)
        assert_refused(client, response)
        assert record.text_sha256.encode() not in response.content


@pytest.mark.django_db
def test_a_member_without_admin_access_is_sent_to_the_admin_login(client, ledger):
    client.force_login(ledger["alice"])
    response = client.get(LEDGER.index_url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


# -- notice versions -------------------------------------------------------------------------


@pytest.mark.django_db
def test_notice_versions_are_listed_read_only(admin_client):
    page = publish(add_notice_page())
    publish(page, material=True, summary="Changed.")
    response = admin_client.get(VERSIONS.index_url)
    assert response.status_code == 200
    assert {v.number for v in response.context["object_list"]} == {1, 2}
    version = NoticeVersion.objects.get(page_id=page.pk, number=2)
    assert admin_client.get(VERSIONS.get_action_url("inspect", version.pk)).status_code == 200
    assert_refused(admin_client, admin_client.get(VERSIONS.create_url))
    assert_refused(admin_client, admin_client.post(VERSIONS.get_action_url("delete", version.pk)))
    assert NoticeVersion.objects.filter(pk=version.pk).exists()


# -- consent purposes (snippets) -------------------------------------------------------------


@pytest.mark.django_db
def test_the_consent_purpose_snippets_are_listed(admin_client):
    make_purpose("newsletter", name="Monthly newsletter")
    make_purpose("terms", name="Terms of service", required=True)
    response = admin_client.get(reverse(PURPOSES_LIST))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Monthly newsletter" in html
    assert "Terms of service" in html


@pytest.mark.django_db
def test_raising_a_required_purposes_version_in_the_admin_gates_members_again(admin_client):
    terms = make_purpose("terms", name="Terms of service", required=True, text="Old terms.")
    site = default_site()
    before = gate.requirements_for_site(site)

    response = admin_client.post(
        reverse("wagtailsnippets_wagtail_gdpr_consentpurpose:edit", args=[terms.pk]),
        {
            "name": "Terms of service",
            "slug": "terms",
            "text": "New terms.",
            "version": "2",
            "required": "on",
            "active": "on",
        },
    )

    assert response.status_code == 302
    assert ConsentPurpose.objects.get(pk=terms.pk).version == 2
    after = gate.requirements_for_site(site)
    assert after.purposes == ((terms.pk, 2),)
    assert after.fingerprint != before.fingerprint
