"""Every page that carries personal data is never cached: ``Cache-Control: no-store, private``
and ``Vary: Cookie``, on every member and staff URL of the add-on.

The privacy centre's routes are read from the page type itself and the queue's pages from the
admin's own table of views, so a route added later is walked too. Each is fetched as its owner
(a member, or a privacy officer) and, where it makes sense, as someone it is refused to.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.access_helpers import (  # noqa: F401 (autouse)
    add_privacy_centre,
    clean_cache,
    completed_copy,
    make_member,
    make_purpose,
    make_superuser,
    private_reports,
    url_of,
)
from tests.consent_helpers import publish_notice
from wagtail_gdpr import email_verification, erasure
from wagtail_gdpr.admin import queue
from wagtail_gdpr.admin.modeladmin import (
    ConsentRecordAdmin,
    LegalHoldAdmin,
    NoticeVersionAdmin,
    RequestQueueAdmin,
    RetentionRunAdmin,
)
from wagtail_gdpr.models import ConsentRecord, DataSubjectRequest, LegalHold, PrivacyCentrePage
from wagtail_gdpr.staff import table

pytestmark = pytest.mark.django_db

#: The privacy centre's routes for people who are not logged in: they hold nobody's data.
PUBLIC_ROUTES = {
    "public_request",
    "public_request_sent",
    "confirm_public_request",
    "withdraw_form_consent",
}


def assert_never_cached(response, what):
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= cache_control, (what, response.get("Cache-Control"))
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    assert "cookie" in vary, (what, response.get("Vary"))


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    """A member with a copy, an erasure request, a correction and a consent; an officer."""
    centre = add_privacy_centre()
    alice = make_member("alice")
    make_purpose("newsletter", name="Newsletter")
    copy = completed_copy(alice)
    correction = DataSubjectRequest.objects.create(
        kind=DataSubjectRequest.RECTIFICATION,
        status=DataSubjectRequest.IN_REVIEW,
        member=alice,
        payload={"model": "testapp.Profile", "pk": 1, "field": "phone", "old": "1", "new": "2"},
    )
    erasure_request = erasure.request_erasure(make_member("bob"))
    officer = make_superuser("dana")
    hold = LegalHold.objects.create(member=alice, reason="A dispute", created_by=officer)
    return {
        "centre": centre,
        "alice": alice,
        "copy": copy,
        "correction": correction,
        "erasure": erasure_request,
        "officer": officer,
        "hold": hold,
    }


def centre_routes() -> dict[str, str]:
    """Every route of the privacy centre by name, with its pattern."""
    resolver = PrivacyCentrePage().get_resolver()
    return {pattern.name: str(pattern.pattern) for pattern in resolver.url_patterns}


def member_urls(world) -> dict[str, str]:
    """A URL for each member route of the privacy centre, with the member's own ids."""
    centre, alice = world["centre"], world["alice"]
    args = {
        "request_detail": f"requests/{world['correction'].pk}/",
        "copy_status": f"copy/{world['copy'].pk}/",
        "download_copy": f"copy/{world['copy'].pk}/download/",
        "erasure_status": None,  # Alice has none; Bob's is walked below
        "confirm_email": f"verify-email/{email_verification.make_token(alice)}/",
    }
    urls = {}
    for name, pattern in centre_routes().items():
        if name in PUBLIC_ROUTES:
            continue
        sub = args.get(name, pattern)
        if sub is None:
            continue
        assert "<" not in sub, f"no arguments for the route {name}: add them to this test"
        urls[name] = url_of(centre, sub)
    return urls


def test_every_member_route_of_the_privacy_centre_is_never_cached(world):
    alice = client_of(world["alice"])
    urls = member_urls(world)
    assert len(urls) >= 15
    for name, url in urls.items():
        response = alice.get(url)
        assert response.status_code in (200, 303, 302, 405), (name, response.status_code)
        assert_never_cached(response, name)
    # Bob's erasure, as Bob and as Alice (refused), and a page as a visitor (sent to log in).
    bob_erasure = url_of(world["centre"], f"erase/{world['erasure'].pk}/")
    assert_never_cached(client_of(world["erasure"].member).get(bob_erasure), "erasure_status")
    assert alice.get(bob_erasure).status_code == 404  # not found, and nothing of Bob's in it
    assert_never_cached(Client().get(urls["my_data"]), "my_data as a visitor")


def test_the_member_posts_answer_never_cached(world):
    alice = client_of(world["alice"])
    centre = world["centre"]
    answers = {
        "correct": alice.post(url_of(centre, "correct/"), {"model": "nothing", "pk": "1"}),
        "erase": alice.post(url_of(centre, "erase/"), {"password": "wrong", "confirm": "on"}),
        "copy": alice.post(url_of(centre, "copy/")),
        "verify_email": alice.post(url_of(centre, "verify-email/")),
    }
    for name, response in answers.items():
        assert_never_cached(response, name)


def test_the_consent_step_and_the_consent_block_are_never_cached(world):
    publish_notice()
    alice = client_of(world["alice"])
    assert_never_cached(alice.get(reverse("wagtail_gdpr:consent_step")), "consent step")
    url = reverse("wagtail_gdpr:consent_block", args=["newsletter"])
    for data in ({"action": "give", "next": "/"}, {"action": "nonsense"}):
        assert_never_cached(alice.post(url, data), f"consent block {data}")
    assert_never_cached(Client().post(url, {"action": "give"}), "consent block as a visitor")


def admin_urls(world) -> dict[str, str]:
    """Every staff page of the add-on: the queue's own pages (from its table of actions), the
    listings and inspect views of the queue, ledger, notice versions, holds and retention
    runs, with their exports, the corrections to review and the next sweep."""
    dsr = world["correction"]
    urls = {
        f"queue action {name}": reverse(f"{queue.URL_NAMESPACE}:{name}", args=[dsr.pk])
        for name in queue.views_by_name()
    }
    assert set(table.ACTIONS) <= {name.split()[-1] for name in urls}
    urls["queue add"] = reverse(f"{queue.URL_NAMESPACE}:add")
    urls["queue bulk"] = reverse(f"{queue.URL_NAMESPACE}:bulk")
    urls["queue report of a copy"] = reverse(
        f"{queue.URL_NAMESPACE}:report", args=[world["copy"].pk]
    )
    urls["corrections"] = reverse("wagtail_gdpr_corrections:index")
    urls["next sweep"] = reverse("wagtail_gdpr_retention:next")
    record = ConsentRecord.objects.create(
        user=world["alice"], action=ConsentRecord.GIVEN, text_sha256="0" * 64, source="api"
    )
    listings = {
        "queue": (RequestQueueAdmin, dsr.pk),
        "ledger": (ConsentRecordAdmin, record.pk),
        "notice versions": (NoticeVersionAdmin, None),
        "legal holds": (LegalHoldAdmin, None),
        "retention runs": (RetentionRunAdmin, None),
    }
    for label, (model_admin, inspect_pk) in listings.items():
        helper = model_admin().url_helper
        urls[label] = helper.index_url
        urls[f"{label} as CSV"] = f"{helper.index_url}?export=csv"
        urls[f"{label} as XLSX"] = f"{helper.index_url}?export=xlsx"
        if inspect_pk is not None:
            urls[f"{label}: one"] = helper.get_action_url("inspect", inspect_pk)
    hold = LegalHoldAdmin().url_helper
    urls["legal hold: edit"] = hold.get_action_url("edit", world["hold"].pk)
    urls["legal hold: add"] = hold.create_url
    urls["legal hold: delete"] = hold.get_action_url("delete", world["hold"].pk)
    return urls


def test_every_staff_page_is_never_cached(world):
    officer = client_of(world["officer"])
    editor = client_of(make_member("editor", is_staff=True))
    for name, url in admin_urls(world).items():
        response = officer.get(url)
        # 409: an action that is not possible for this request now, said on a page.
        assert response.status_code in (200, 302, 303, 405, 409), (name, response.status_code)
        assert_never_cached(response, name)
        refused = editor.get(url)
        if refused.status_code == 403:
            assert_never_cached(refused, f"{name}, refused")
