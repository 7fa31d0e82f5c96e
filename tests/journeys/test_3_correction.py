"""Journey 3: the member proposes a correction of a field that staff review (the date of birth),
a privacy officer approves it in the Wagtail admin, and the member sees the new value."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from example_site.portal.models import MemberProfile
from tests.conftest import wait_for
from tests.journeys.steps import centre_nav, log_in, log_in_to_admin, main_nav, sent_mail
from wagtail_gdpr.models import DataSubjectRequest

pytestmark = pytest.mark.browser


def test_reviewed_correction_is_approved_by_staff(portal, browsers, task_worker):
    member = browsers.new_page()
    log_in(member, portal, "alice")
    expect(member.get_by_role("heading", name="My account", level=1)).to_be_visible()
    expect(member.locator("dl.facts")).to_contain_text("April 17, 1986")
    main_nav(member).get_by_role("link", name="Privacy centre").click()
    centre_nav(member).get_by_role("link", name="Correct my data").click()
    expect(member.get_by_role("heading", name="Correct my data", level=1)).to_be_visible()

    # The date of birth is not changed at once: the member proposes a value, with a reason.
    birth_date = member.get_by_role("group", name="Date of birth")
    expect(birth_date).to_contain_text("We hold: April 17, 1986")
    birth_date.get_by_label("The correct value").fill("1986-04-18")
    birth_date.get_by_label("Why is this correct?").fill("I was born just after midnight.")
    # One form for the whole profile, with one button.
    member.get_by_role("button", name="Save changes to “Your profile”").click()

    expect(member.get_by_text("Sent for review: “Date of birth”.")).to_be_visible()
    # The proposal is written as the date held is: the same way on both sides.
    expect(
        member.get_by_text("“Date of birth” from “April 17, 1986” to “April 18, 1986”")
    ).to_be_visible()
    expect(member.get_by_role("heading", name="Corrections waiting for review")).to_be_visible()
    expect(member.get_by_role("group", name="Date of birth")).to_contain_text(
        "our staff are checking it"
    )
    proposal = DataSubjectRequest.objects.get(
        kind=DataSubjectRequest.RECTIFICATION, member__username="alice"
    )
    assert proposal.status == DataSubjectRequest.IN_REVIEW
    assert MemberProfile.objects.get(user__username="alice").birth_date == date(1986, 4, 17)

    # The privacy officer finds it in the admin, sees the change and the reason, approves it.
    staff = browsers.new_page()
    log_in_to_admin(staff, portal)
    staff.goto(portal("/admin/gdpr/corrections/"))
    expect(staff.get_by_role("heading", name="Corrections to review")).to_be_visible()
    listed = staff.get_by_role("row", name=re.compile(f"Correction #{proposal.pk}\\b"))
    expect(listed).to_contain_text("alice")
    expect(listed).to_contain_text("Date of birth")
    listed.get_by_role("link", name=f"Correction #{proposal.pk}").click()
    expect(staff.locator("ins.gdpr-proposed")).to_have_text("April 18, 1986")
    expect(staff.locator("del.gdpr-old")).to_have_text("April 17, 1986")
    expect(staff.get_by_text("I was born just after midnight.")).to_be_visible()
    # Approved as every staff action is taken: from the request's page, through its action.
    staff.get_by_role("link", name="Approve correction").first.click()
    staff.get_by_role("button", name="Approve correction").click()
    expect(staff.get_by_text("Correction applied; the member is told.")).to_be_visible()
    staff.goto(portal("/admin/gdpr/corrections/"))
    expect(staff.get_by_role("link", name=f"Correction #{proposal.pk}")).to_have_count(0)

    # The member sees the new value, in the privacy centre and on their account page.
    member.reload()
    expect(member.get_by_role("group", name="Date of birth")).to_contain_text(
        "We hold: April 18, 1986"
    )
    expect(member.get_by_role("heading", name="Corrections waiting for review")).to_have_count(0)
    main_nav(member).get_by_role("link", name="My account").click()
    expect(member.locator("dl.facts")).to_contain_text("April 18, 1986")
    proposal.refresh_from_db()
    assert proposal.status == DataSubjectRequest.DONE
    assert MemberProfile.objects.get(user__username="alice").birth_date == date(1986, 4, 18)
    wait_for(
        lambda: [
            m
            for m in sent_mail(task_worker)
            if "alice.andersson@example.com" in m and "Your correction has been made" in m
        ],
        timeout=30,
        message="the email that tells the member",
    )
