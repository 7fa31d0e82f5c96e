"""Members follow their requests: what was asked, the status in words, the due date, what
happens next and the outcome; a restrict/object form that lists each activity once; and the
warning, with its date, before a restriction is lifted (Art. 18(3))."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.access_helpers import (
    add_privacy_centre,
    clean_cache,  # noqa: F401  (autouse)
    make_member,
    make_purpose,
    private_reports,  # noqa: F401  (autouse)
    url_of,
)
from tests.test_queue import logged_in, make_officer, make_request
from wagtail_gdpr import member_requests, restriction_objection
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.requests import in_words
from wagtail_gdpr.staff import actions

pytestmark = pytest.mark.django_db

SECURITY = "security-of-your-account"


@pytest.fixture
def site_centre(db):
    return add_privacy_centre()


@pytest.fixture
def alice():
    return make_member("alice", email="alice@example.com")


def text_of(response) -> str:
    """The page's text, tags removed, spaces folded: what a member reads."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").split())


def test_a_member_follows_an_objection_from_submission_to_outcome(site_centre, alice):
    officer = make_officer()
    client = logged_in(alice)
    response = client.post(
        url_of(site_centre, "requests/new/"),
        {"kind": R.OBJECTION, "purpose": SECURITY, "reason": "I moved abroad."},
    )
    assert response.status_code == 303
    dsr = R.objects.get()
    page = url_of(site_centre, f"requests/{dsr.pk}/")

    text = text_of(client.get(page))
    assert "You asked for That we stop using your data, because of your situation" in text
    assert "For Security of your account" in text
    assert "Your reason I moved abroad." in text
    assert "Status Being reviewed by our staff" in text
    assert f"We answer by {in_words.day(dsr.due_at)}" in text
    assert "What happens next Our staff decide and email you what they decided." in text
    assert "Outcome" not in text
    for code in (R.IN_REVIEW, SECURITY, "objection", f"#{dsr.pk}"):
        assert code not in text, code  # no codes, slugs or ids

    listing = text_of(client.get(url_of(site_centre, "requests/")))
    assert "Being reviewed by our staff" in listing and in_words.day(dsr.due_at) in listing

    actions.accept_processing(dsr, officer)
    text = text_of(client.get(page))
    assert "Status Completed" in text
    assert "We answer by" not in text
    assert "Outcome Accepted on" in text and "it covers “Security of your account”" in text
    assert "What happens next It stays in force." in text


def test_a_refused_and_a_cancelled_request_say_why(site_centre, alice):
    officer = make_officer()
    refused = make_request(R.ACCESS, R.IN_REVIEW, member=alice)
    actions.refuse(refused, officer, "We sent it by post last week.")
    duplicate = make_request(R.ERASURE, R.IN_REVIEW, member=alice)
    actions.close(duplicate, officer, reason=R.DUPLICATE)
    client = logged_in(alice)

    refused_page = text_of(client.get(url_of(site_centre, f"copy/{refused.pk}/")))
    assert "Our reason: We sent it by post last week." in refused_page
    assert "complain to the data protection supervisory authority" in refused_page
    cancelled = text_of(client.get(url_of(site_centre, f"erase/{duplicate.pk}/")))
    assert "it repeated another of your requests" in cancelled


def test_an_erasure_under_review_shows_the_date_and_the_next_step(site_centre, alice):
    dsr = make_request(R.ERASURE, R.IN_REVIEW, member=alice)
    text = text_of(logged_in(alice).get(url_of(site_centre, f"erase/{dsr.pk}/")))
    assert f"We answer by {in_words.day(dsr.due_at)}" in text
    assert "Our staff check what the law makes us keep" in text


def test_an_extension_shows_the_new_date_and_why(site_centre, alice):
    dsr = make_request(R.RESTRICTION, R.IN_REVIEW, member=alice, purpose="all")
    actions.extend(dsr, make_officer(), timezone.localdate() + timedelta(days=45), "Many requests")
    dsr.refresh_from_db()
    text = text_of(logged_in(alice).get(url_of(site_centre, f"requests/{dsr.pk}/")))
    assert f"We answer by {in_words.day(dsr.extended_until)}" in text
    assert "Why it takes longer Many requests" in text


def test_moments_carry_their_time_zone():
    moment = timezone.make_aware(timezone.datetime(2026, 11, 27, 21, 30))
    assert in_words.moment(moment).endswith("CET")
    summer = timezone.make_aware(timezone.datetime(2026, 7, 1, 9, 0))
    assert in_words.moment(summer).endswith("CEST")
    assert in_words.day(moment) == "Nov. 27, 2026"


def test_the_restrict_or_object_form_lists_each_activity_once_without_consent(site_centre, alice):
    make_purpose("newsletter", name="Newsletter")
    make_purpose("terms", name="Terms of service", required=True)
    page = logged_in(alice).get(url_of(site_centre, "requests/new/")).content.decode()
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page)
    names = [name for _value, name in options]
    assert len(names) == len(set(names)), names  # each once
    values = {value for value, _name in options}
    assert "newsletter" not in values and "terms" not in values  # consent: withdrawn instead
    assert "files-you-sent-us" not in values  # a declaration resting on consent
    assert {SECURITY, "deliver-and-bill-orders", "all"} <= values
    assert '<optgroup label="You may object to it or ask us to restrict it">' in page
    assert '<optgroup label="You may ask us to restrict it">' in page
    assert SECURITY in [p.slug for p in restriction_objection.activities() if p.objectable]
    assert "deliver-and-bill-orders" not in [
        p.slug for p in restriction_objection.activities() if p.objectable
    ]
    # A consent purpose posted anyway is not a choice.
    response = logged_in(alice).post(
        url_of(site_centre, "requests/new/"), {"kind": R.RESTRICTION, "purpose": "newsletter"}
    )
    assert response.status_code == 400 and not R.objects.exists()


def test_a_member_is_told_with_the_date_before_a_restriction_is_lifted(
    site_centre, alice, mailoutbox, django_capture_on_commit_callbacks
):
    officer = make_officer()
    dsr = make_request(R.RESTRICTION, R.IN_REVIEW, member=alice, purpose=SECURITY)
    actions.accept_processing(dsr, officer)
    when = timezone.localdate() + timedelta(days=21)

    with django_capture_on_commit_callbacks(execute=True):
        actions.announce_lift(dsr, officer, when, "We have checked that your data is correct.")

    dsr.refresh_from_db()
    [notice] = [m for m in mailoutbox if m.subject == "A restriction you asked for will end"]
    assert notice.to == ["alice@example.com"]
    assert f"will end on {in_words.day(dsr.lift_after)}" in notice.body
    assert "We have checked that your data is correct." in notice.body
    text = text_of(logged_in(alice).get(url_of(site_centre, f"requests/{dsr.pk}/")))
    assert f"We told you we will lift it on {in_words.day(dsr.lift_after)}" in text
    assert "From us" in text and "We have checked that your data is correct." in text
    with pytest.raises(actions.ActionRefused):
        actions.lift_processing(dsr, officer)  # not before the date the member was told
    assert not member_requests.outcome(dsr).startswith("We accepted it, and lifted it")
