"""Every link a member is given, on a privacy-centre page or in an email, opens for them."""

from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.access_helpers import (
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    configure,
    default_site,
    links_in,
    make_member,
    make_orders,
    make_purpose,
    make_superuser,
    private_reports,  # noqa: F401  (autouse)
)
from tests.testapp.models import Profile
from wagtail_gdpr import email_verification, rectification, restriction_objection
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.models import LegalHold, PrivacyCentrePage
from wagtail_gdpr.requests import legal_clock, member_emails
from wagtail_gdpr.staff import actions

pytestmark = pytest.mark.django_db


class Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def anchors(markup: str) -> list[str]:
    parser = Anchors()
    parser.feed(markup)
    return parser.hrefs


def on_this_site(url: str) -> str | None:
    """The path of a link that leads into the site ('' for one that leaves it)."""
    parts = urlsplit(url)
    if parts.scheme in ("mailto", "tel") or (parts.netloc and parts.netloc != "localhost"):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def opens(client: Client, path: str) -> int:
    response = client.get(path, follow=True)
    return response.status_code


@pytest.fixture
def alice_everywhere():
    """A member with a request of every kind, and every email a member can be sent."""
    site = default_site()
    site.root_page.add_child(instance=PrivacyCentrePage(title="Privacy centre", slug="privacy"))
    centre = PrivacyCentrePage.objects.get(slug="privacy")
    configure(privacy_centre_page=centre, authority_url="https://www.imy.se/")
    staff = make_superuser()
    alice = make_member("alice")
    make_orders(alice, 2)
    profile = Profile.objects.create(user=alice, birth_date=date(1990, 1, 2))
    make_purpose("newsletter")

    copy = completed_copy(alice)
    member_emails.send_now(copy.pk, "report_ready")

    approved = rectification.propose(alice, "testapp.Profile", profile.pk, "birth_date", "1991-1-1")
    actions.approve_correction(approved, staff)
    member_emails.send_now(approved.pk, "correction_approved")
    rejected = rectification.propose(alice, "testapp.Profile", profile.pk, "birth_date", "1992-1-1")
    actions.reject_correction(rejected, staff, "Not what your passport says.")
    member_emails.send_now(rejected.pk, "correction_rejected")

    restriction = restriction_objection.request_change(
        alice, R.RESTRICTION, "security-of-your-account", "Checking"
    )
    actions.accept_processing(restriction, staff)
    member_emails.send_now(restriction.pk, "processing_decision")

    portability = R.objects.create(
        kind=R.PORTABILITY, status=R.IN_REVIEW, member=alice, contact_email=alice.email,
        language="en", received_at=timezone.now(), verified_at=timezone.now(),
        due_at=legal_clock.due_date(timezone.now()),
    )  # fmt: skip
    actions.extend(portability, staff, timezone.now() + timedelta(days=40), "Many requests.")
    member_emails.send_now(portability.pk, "request_extended")
    actions.refuse(portability, staff, "We answered this by post.")
    member_emails.send_now(portability.pk, "request_refused")

    erasure = R.objects.create(
        kind=R.ERASURE, status=R.REFUSED, member=alice, contact_email=alice.email,
        language="en", received_at=timezone.now(), verified_at=timezone.now(),
        refusal_reason="A legal hold.",
    )  # fmt: skip
    LegalHold.objects.create(member=alice, reason="An open claim")
    member_emails.send_now(erasure.pk, "erasure_refused")

    email_verification.send_verification(alice)
    return {"alice": alice, "centre": centre, "emails": list(mail.outbox)}


def test_every_link_in_the_members_emails_opens_for_them(alice_everywhere):
    client = Client()
    client.force_login(alice_everywhere["alice"])
    names = {message.subject for message in alice_everywhere["emails"]}
    assert len(names) >= 8, names  # every kind of email above was sent

    links = set()
    for message in alice_everywhere["emails"]:
        found = links_in(message.body) + anchors(message.alternatives[0][0])
        assert found, f"no link in {message.subject!r}"
        links.update(path for path in map(on_this_site, found) if path)

    assert links
    failures = {path: opens(client, path) for path in sorted(links)}
    assert {path: status for path, status in failures.items() if status != 200} == {}
    # The links name routes, and a request's link fits its kind: both kinds of copy have the
    # copy's page, the others the request's page.
    portability = R.objects.get(kind=R.PORTABILITY)
    assert f"/privacy/copy/{portability.pk}/" in links
    assert f"/privacy/copy/{R.objects.get(kind=R.ACCESS).pk}/" in links
    assert f"/privacy/requests/{R.objects.get(kind=R.RESTRICTION).pk}/" in links


def test_every_link_on_the_privacy_centres_pages_opens_for_the_member(alice_everywhere):
    client = Client()
    client.force_login(alice_everywhere["alice"])
    start = alice_everywhere["centre"].url
    seen, queue, broken = set(), [start], {}

    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code != 200:
            broken[path] = response.status_code
            continue
        if response.get("Content-Type", "").startswith("text/html"):
            for href in anchors(response.content.decode()):
                target = on_this_site(href)
                if target and target.startswith(start) and target not in seen:
                    queue.append(target)

    assert broken == {}
    centre_url = alice_everywhere["centre"].url
    expected = {
        f"{centre_url}copy/{R.objects.get(kind=R.PORTABILITY).pk}/",
        f"{centre_url}requests/{R.objects.get(kind=R.RESTRICTION).pk}/",
    }
    assert expected <= seen  # the requests list led to each request's page
    assert len(seen) >= 15, sorted(seen)
