"""Journey 7: the privacy officer's day. A request arrives by phone and is added by hand, with
the legal clock; the caller's identity is verified; the objection is accepted for the purpose
the officer chooses on its own form. Then a member's erasure is run, and the officer sees the
member's other requests settled by it: none left overdue with an erased address.

On a real Celery worker when REDIS_URL is set (as in CI); in-process otherwise."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import wait_for
from tests.journeys.steps import OFFICER, log_in_to_admin
from wagtail_gdpr.models import DataSubjectRequest as R

pytestmark = pytest.mark.browser

SECURITY = "Keeping your account safe and showing you what happened in it"


def test_the_officer_adds_a_phone_request_accepts_it_and_sees_an_erasure_settle_the_rest(
    portal, browsers, task_worker
):
    officer = browsers.new_page()
    log_in_to_admin(officer, portal, OFFICER)
    officer.goto(portal("/admin/gdpr/requests/"))

    # Alice phones: she objects to the security log. The officer records the call.
    officer.get_by_role("link", name="Add a request").click()
    expect(officer.get_by_role("heading", name=re.compile("Add a request"))).to_be_visible()
    officer.get_by_label("What is asked for").select_option(label="Objection")
    officer.get_by_label("Phone").check()
    officer.get_by_label("The member's username or email address").fill(
        "alice.andersson@example.com"
    )
    officer.get_by_label("What they asked, in their words").fill(
        "Please stop keeping a log of my logins."
    )
    officer.get_by_label("It still has to be checked (the clock starts then)").check()
    officer.get_by_label("How the identity was, or will be, checked").fill(
        "Call back on the number in her account."
    )
    officer.get_by_role("button", name="Add the request").click()

    expect(
        officer.get_by_text(re.compile(r"Request added: Objection request #\d+"))
    ).to_be_visible()
    dsr = R.objects.get(kind=R.OBJECTION, received_via=R.BY_PHONE)
    assert dsr.status == R.UNVERIFIED and dsr.member.username == "alice"
    next_step = officer.locator(".gdpr-next-step")
    expect(next_step).to_contain_text("Check the requester's identity")
    expect(officer.locator("dl.gdpr-request-facts").first).to_contain_text("Phone")

    # The officer called back: identity verified, the month starts.
    officer.get_by_role("link", name="Verify identity").click()
    officer.get_by_role("button", name="Verify identity").click()
    expect(officer.get_by_text("Identity verified; the clock runs.")).to_be_visible()
    expect(next_step).to_contain_text("Accept it, choosing what it covers")
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW and dsr.due_at is not None

    # Accepted from its own form, with the purpose the officer chooses there.
    officer.get_by_role("link", name="Accept", exact=True).click()
    officer.get_by_label("What it covers").select_option(label=SECURITY)
    officer.get_by_role("button", name="Accept").click()
    expect(officer.get_by_text("Restriction or objection accepted.")).to_be_visible()
    expect(next_step).to_contain_text("In force.")
    dsr.refresh_from_db()
    assert (
        dsr.in_force
        and dsr.purpose == "keeping-your-account-safe-and-showing-you-what-happened-in-it"
    )

    # Bob's erasure: his restriction and his correction are open, the restriction with
    # a deadline that would pass after his address is gone.
    bob_erasure = R.objects.get(kind=R.ERASURE, member__username="bob")
    bob_open = list(
        R.objects.filter(member__username="bob", status__in=R.OPEN_STATUSES).exclude(
            pk=bob_erasure.pk
        )
    )
    assert {r.kind for r in bob_open} == {R.RESTRICTION, R.RECTIFICATION}
    officer.goto(portal(f"/admin/gdpr/requests/inspect/{bob_erasure.pk}/"))
    officer.get_by_role("link", name="Run erasure now").click()
    officer.get_by_role("button", name="Run erasure now").click()
    expect(officer.get_by_text("The erasure has started")).to_be_visible()
    wait_for(
        lambda: R.objects.filter(pk=bob_erasure.pk, status=R.DONE).exists(),
        timeout=60,
        message="the erasure to be carried out",
    )

    officer.reload()
    settled = officer.get_by_role(
        "table", name="The member's other requests, settled by this erasure"
    )
    for other in bob_open:
        row = settled.get_by_role("row", name=re.compile(f"{other}"))
        expect(row).to_contain_text("cancelled")
    for other in bob_open:
        other.refresh_from_db()
        assert other.status == R.CANCELLED and other.settled_by_id == bob_erasure.pk
    # Nothing of Bob's is left overdue, under his erased address or any other.
    officer.goto(portal("/admin/gdpr/requests/?deadline=overdue"))
    expect(officer.get_by_text("erased-")).to_have_count(0)
    assert not R.objects.filter(
        contact_email__startswith="erased-", status__in=R.OPEN_STATUSES
    ).exists()
