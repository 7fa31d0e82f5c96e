"""Journey 8: a member follows a request from submission to outcome. Alice asks us to restrict
a use of her data; an officer asks her a question, which she answers in the privacy centre; the
officer accepts; she reads, at each step, where it stands, by when we answer and what comes
next, and finally how it ended."""

import re

import pytest
from playwright.sync_api import expect

from example_site.crm.models import Customer
from tests.conftest import wait_for
from tests.journeys.steps import OFFICER, centre_nav, log_in, log_in_to_admin, main_nav
from wagtail_gdpr.models import ConnectorEvent
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.requests import in_words

pytestmark = pytest.mark.browser


def test_a_member_follows_a_restriction_from_submission_to_outcome(portal, browsers):
    member = browsers.new_page()
    log_in(member, portal, "alice")
    main_nav(member).get_by_role("link", name="Privacy centre").click()
    centre_nav(member).get_by_role("link", name="My requests").click()
    member.get_by_role("link", name="Ask us to limit or stop a use of your data").click()

    # Each activity once, by its plain name; consent is withdrawn elsewhere.
    purposes = member.get_by_label("For what?")
    expect(purposes.locator("option", has_text="Newsletter")).to_have_count(0)
    member.get_by_label(re.compile("^Restriction:")).check()
    purposes.select_option(label="Everything you do with my data")
    member.get_by_role("button", name="Send my request").click()

    expect(member.get_by_text("Thank you: we have your request.")).to_be_visible()
    dsr = R.objects.get(kind=R.RESTRICTION, member__username="alice")
    follow = member.locator("dl.gdpr-follow")
    expect(follow).to_contain_text("That we keep your data but stop using it for a while")
    expect(follow).to_contain_text("Being reviewed by our staff")
    expect(follow.get_by_role("definition").nth(4)).to_have_text(in_words.day(dsr.due_at))
    expect(follow).to_contain_text("Our staff decide and email you what they decided.")

    # The officer needs to know more, and asks.
    officer = browsers.new_page()
    log_in_to_admin(officer, portal, OFFICER)
    officer.goto(portal(f"/admin/gdpr/requests/inspect/{dsr.pk}/"))
    officer.get_by_role("link", name="Ask the requester").click()
    officer.get_by_label("Your question (the requester reads it)").fill(
        "Is this while we check the address on your orders?"
    )
    officer.get_by_role("button", name="Ask the requester").click()
    expect(officer.get_by_text("Question sent; the request waits for the answer.")).to_be_visible()

    # Alice reads the question where she follows her request, and answers it.
    member.reload()
    expect(follow).to_contain_text("Waiting for your answer")
    expect(member.get_by_text("Is this while we check the address on your orders?")).to_be_visible()
    member.get_by_label("Your answer").fill("Yes, the old address is wrong.")
    member.get_by_role("button", name="Send my answer").click()
    expect(member.get_by_text("Thank you: we have your answer, and we go on.")).to_be_visible()
    expect(follow).to_contain_text("Being reviewed by our staff")

    # The officer sees the answer with the request, and accepts.
    officer.reload()
    expect(officer.get_by_text("Yes, the old address is wrong.")).to_be_visible()
    officer.get_by_role("link", name="Accept", exact=True).click()
    officer.get_by_role("button", name="Accept").click()
    expect(officer.get_by_text("Restriction or objection accepted.")).to_be_visible()

    # The outcome, in words, with the date; and the list says the same.
    member.reload()
    expect(follow).to_contain_text("Completed")
    expect(follow).to_contain_text(
        re.compile(r"Accepted on .+: it covers everything we do with your data\.")
    )
    expect(follow).to_contain_text("It stays in force. We will tell you before we lift it.")
    # The company's CRM was told of the restriction once it was accepted, and confirmed it; she
    # reads that too, beside her request.
    wait_for(
        lambda: ConnectorEvent.objects.filter(
            request=dsr, status=ConnectorEvent.ANSWERED, answer=ConnectorEvent.CONFIRMED
        ).exists(),
        timeout=30,
        message="the CRM's confirmation of the restriction",
    )
    member.reload()
    systems = member.locator("dl.gdpr-follow-systems")
    expect(systems.get_by_role("term")).to_have_text(["Our customer service system"])
    expect(systems.get_by_role("definition")).to_have_text(["It confirmed the restriction."])
    assert Customer.objects.get(member_id=str(dsr.member_id)).restricted
    centre_nav(member).get_by_role("link", name="My requests").click()
    row = member.get_by_role("row", name=re.compile("Restriction of processing"))
    expect(row.first).to_contain_text("Accepted on")
