"""A readable admin: the ledger names the member and shows the words agreed to; notice versions
show the page's title and what changed; no function names or raw ids reach an officer's screen."""

import re

import pytest

from tests.consent_helpers import (
    add_notice_page,
    fresh_gate_cache,  # noqa: F401  (autouse)
    make_member,
    make_purpose,
    make_superuser,
    publish,
)
from tests.test_queue import QUEUE, logged_in, make_officer, make_request, seed
from wagtail_gdpr import consent
from wagtail_gdpr.admin.modeladmin import ConsentRecordAdmin, NoticeVersionAdmin
from wagtail_gdpr.models import ConsentRecord, NoticeVersion, PrivacyNoticePage
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.staff import table

pytestmark = pytest.mark.django_db

LEDGER = ConsentRecordAdmin().url_helper
VERSIONS = NoticeVersionAdmin().url_helper
#: What must never reach an officer's screen: ids, code names, function calls, JSON.
RAW = [
    re.compile(r"\bUser id\b", re.I),
    re.compile(r"\bPage id\b", re.I),
    re.compile(r"\w+\(\)"),  # a function call, such as processing_allowed()
    re.compile(r"\(#\d+\)"),  # "alice (#2)"
    re.compile(r'\{\s*&quot;|\{"'),  # JSON
    re.compile(r"\b(in_review|waiting_for_member|unverified|dealt_with)\b"),
    re.compile(r"\b\w+\.\w+\.(\w+)\b"),  # app.Model.field
]


def visible_text(html: str) -> str:
    """What a reader sees: no tags, scripts, styles or attribute values."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<[^>]+>", " ", html)
    return " ".join(html.split())


def assert_readable(html: str, where: str):
    text = visible_text(html)
    for pattern in RAW:
        found = pattern.search(text)
        context = text[max(found.start() - 80, 0) : found.end() + 80] if found else ""
        assert found is None, f"{where}: {found.group(0)!r} in …{context}…"


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_superuser())
    return client


def test_the_ledger_names_the_member_and_shows_the_words_agreed_to(admin_client):
    alice = make_member("alice")
    newsletter = make_purpose("newsletter", name="Newsletter", text="Send me the newsletter.")
    record = consent.give(alice, newsletter, source=ConsentRecord.SOURCE_PRIVACY_CENTRE)

    listing = admin_client.get(LEDGER.index_url).content.decode()
    assert "alice" in visible_text(listing)
    assert "Send me the newsletter." in listing
    assert "Newsletter, version 1" in listing
    assert_readable(listing, "ledger")

    inspect = admin_client.get(LEDGER.get_action_url("inspect", record.pk)).content.decode()
    text = visible_text(inspect)
    assert "Member alice" in text
    # A notice acknowledged: its title and summary, not the page's data.
    notice = publish(add_notice_page(title="How we use your data", summary="We keep little."))
    version = NoticeVersion.objects.get(page_id=notice.pk)
    acknowledged = consent.acknowledge_notice(alice, version, source=ConsentRecord.SOURCE_GATE)
    listing = admin_client.get(LEDGER.index_url).content.decode()
    assert "How we use your data: We keep little." in listing
    assert_readable(listing, "ledger with a notice")
    line = admin_client.get(LEDGER.get_action_url("inspect", acknowledged.pk)).content.decode()
    assert "How we use your data, version 1" in visible_text(line)
    assert_readable(line, "notice acknowledged")
    assert "The words shown Send me the newsletter." in text
    assert record.text_sha256 in text  # the proof stays
    assert_readable(inspect, "ledger line")


def test_an_erased_members_ledger_lines_stay_and_say_so(admin_client):
    bob = make_member("bob")
    record = consent.give(
        bob, make_purpose("terms", required=True), source=ConsentRecord.SOURCE_GATE
    )
    bob.delete()
    listing = admin_client.get(LEDGER.index_url).content.decode()
    assert "a former member (account erased)" in listing
    assert admin_client.get(LEDGER.get_action_url("inspect", record.pk)).status_code == 200


def test_notice_versions_show_the_title_and_what_changed(admin_client):
    page = publish(add_notice_page(title="How we use your data"))
    page = publish(
        page,
        material=True,
        change_summary="We now use a new carrier, PostNord.",
        summary="Changed.",
    )
    version = NoticeVersion.objects.get(page_id=page.pk, number=2)
    assert version.change_summary == "We now use a new carrier, PostNord."
    # The words belong to that publication: the page's box is empty for the next one.
    assert PrivacyNoticePage.objects.get(pk=page.pk).change_summary == ""
    assert NoticeVersion.objects.get(page_id=page.pk, number=1).change_summary == ""

    listing = admin_client.get(VERSIONS.index_url).content.decode()
    assert "How we use your data" in listing
    assert "We now use a new carrier, PostNord." in listing
    assert_readable(listing, "notice versions")
    inspect = admin_client.get(VERSIONS.get_action_url("inspect", version.pk)).content.decode()
    text = visible_text(inspect)
    assert "Notice How we use your data" in text
    assert "What changed We now use a new carrier, PostNord." in text
    assert_readable(inspect, "notice version")


def test_no_raw_id_or_function_name_on_the_queues_pages(alice_with_profile):
    officer = make_officer()
    requests = seed(alice_with_profile)
    client = logged_in(officer)
    pages = {"listing": client.get(QUEUE).content.decode()}
    for name, dsr in requests.items():
        pages[f"inspect {name}"] = client.get(f"{QUEUE}inspect/{dsr.pk}/").content.decode()
        for action in table.ACTIONS:
            response = client.get(f"{QUEUE}{action}/{dsr.pk}/")
            pages[f"{action} {name}"] = response.content.decode()
    pages["add"] = client.get(f"{QUEUE}add/").content.decode()
    for where, html in pages.items():
        assert_readable(html, where)


@pytest.fixture
def alice_with_profile(db):
    from datetime import date

    from tests.testapp.models import Profile

    user = make_member("alice")
    Profile.objects.create(user=user, display_name="Alice Old", birth_date=date(1990, 1, 2))
    return user


def test_the_history_says_who_and_what_in_words(alice_with_profile):
    officer = make_officer()
    dsr = make_request(R.ERASURE, R.IN_REVIEW, member=alice_with_profile)
    from wagtail_gdpr.staff import actions

    actions.assign(dsr, officer, officer)
    page = visible_text(logged_in(officer).get(f"{QUEUE}inspect/{dsr.pk}/").content.decode())
    assert "Request assigned officer Assigned to: officer" in page
    assert "assignee_id" not in page
