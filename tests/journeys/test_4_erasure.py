"""Journey 4: the member reads what erasure will do (each order by its number, kept until its own
date; when it happens, how long backups keep it, who is told; a copy offered first), confirms
with their password, is logged out and cannot log in again; the orders the Bookkeeping Act keeps
are still in the admin, anonymised.

On a real Celery worker when REDIS_URL is set (as in CI); in-process otherwise."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from example_site.crm.models import Customer
from example_site.portal.models import MemberProfile, Order
from tests.conftest import wait_for
from tests.journeys.steps import centre_nav, log_in, log_in_to_admin, main_nav, sent_mail
from wagtail_gdpr.models import ConnectorEvent, DataSubjectRequest

pytestmark = pytest.mark.browser


def erasure_requests():
    return DataSubjectRequest.objects.filter(kind=DataSubjectRequest.ERASURE)


def test_member_erases_their_data(portal, browsers, task_worker):
    member = browsers.new_page()
    log_in(member, portal, "alice")
    main_nav(member).get_by_role("link", name="Privacy centre").click()
    centre_nav(member).get_by_role("link", name="Delete my data").click()
    expect(member.get_by_role("heading", name="Delete my data", level=1)).to_be_visible()

    # The plan, item by item, before anything happens.
    plan = member.locator("ul.gdpr-plan")
    profile_item = plan.locator("li", has_text="Your profile")
    expect(profile_item).to_contain_text("deleted")
    # Orders are kept, anonymised, each until seven years after the end of its own financial
    # year: named by number, each with its date.
    orders = plan.locator("li.gdpr-card", has_text="Your orders")
    expect(orders).to_contain_text(re.compile(r"\(5 items\):\s+anonymised"))
    expect(orders).to_contain_text("Bookkeeping Act")
    kept = {}
    for order in Order.objects.filter(reference__in=["PO-10017", "PO-11588", "PO-11420"]):
        line = orders.locator("ul.gdpr-records li", has_text=order.reference)
        expect(line).to_contain_text(re.compile(r"kept until Jan\. 1, \d{4}"))
        kept[order.reference] = line.inner_text()
    assert len(set(kept.values())) == 3  # three orders, three lines, their own dates
    expect(plan.locator("li", has_text="Your support tickets")).to_contain_text("deleted")
    # When, backups, who is told; and a copy first.
    when = member.get_by_role("region", name="When and how")
    expect(when).to_contain_text("as soon as you confirm")
    expect(when).to_contain_text("within 30 days")
    expect(when).to_contain_text("The carrier that delivers your parcel (Sweden)")
    expect(member.get_by_role("link", name="Get a copy of your data first")).to_be_visible()
    assert Order.objects.get(reference="PO-11588").customer.username == "alice"
    seeded = set(erasure_requests().values_list("pk", flat=True))  # the demo queue has one

    # A wrong password changes nothing.
    member.get_by_label("Your password").fill("not-my-password")
    member.get_by_label("I understand that this cannot be undone.").check()
    member.get_by_role("button", name="Delete my data").click()
    expect(member.get_by_text("That is not your password.")).to_be_visible()
    assert not erasure_requests().exclude(pk__in=seeded).exists()

    member.get_by_label("Your password").fill("portal-demo-alice")
    member.get_by_label("I understand that this cannot be undone.").check()
    member.get_by_role("button", name="Delete my data").click()

    expect(member.get_by_role("heading", name="Your data is being deleted")).to_be_visible()
    expect(member.get_by_text("You have been logged out.")).to_be_visible()
    expect(main_nav(member).get_by_role("link", name="Log in")).to_be_visible()
    (erasure,) = erasure_requests().exclude(pk__in=seeded)
    wait_for(
        lambda: erasure_requests().filter(pk=erasure.pk, status=DataSubjectRequest.DONE).exists(),
        timeout=60,
        message="the erasure to be carried out",
    )

    # A receipt goes to the address the member had, before it was wiped.
    wait_for(
        lambda: [
            m
            for m in sent_mail(task_worker)
            if "alice.andersson@example.com" in m and "Your data has been deleted" in m
        ],
        timeout=30,
        message="the erasure receipt",
    )

    # The company's CRM was told, and confirmed: Alice is gone from it too, Bob is not.
    wait_for(
        lambda: ConnectorEvent.objects.filter(
            request=erasure, status=ConnectorEvent.ANSWERED, answer=ConnectorEvent.CONFIRMED
        ).exists(),
        timeout=60,
        message="the CRM's confirmation of the erasure",
    )
    assert not Customer.objects.filter(email="alice.andersson@example.com").exists()
    assert Customer.objects.filter(email="bob.berg@example.org").exists()

    # The account is gone: logging in fails.
    log_in(member, portal, "alice")
    expect(member.get_by_text("Please enter a correct username and password")).to_be_visible()
    expect(member).to_have_url(re.compile(r"/account/login/$"))
    assert not get_user_model().objects.filter(username="alice", is_active=True).exists()
    assert not MemberProfile.objects.filter(street_address="Storgatan 12").exists()

    # The order the law keeps is still there for staff, but no longer says whose it was.
    staff = browsers.new_page()
    log_in_to_admin(staff, portal)
    staff.goto(portal("/admin/"))
    staff.get_by_role("button", name="Members").click()
    staff.get_by_role("link", name="Orders").click()
    expect(staff.get_by_role("heading", name="Orders")).to_be_visible()
    staff.get_by_placeholder("Search orders").fill("PO-11588")
    staff.keyboard.press("Enter")
    row = staff.locator("tr", has_text="PO-11588")
    expect(row).to_have_count(1)
    expect(row).not_to_contain_text("alice")
    expect(row).to_contain_text("189.00")
    expect(row).to_contain_text(re.compile(r"erased-\d+@"))

    order = Order.objects.get(reference="PO-11588")
    assert order.customer is None
    assert "alice" not in order.email
    assert "Storgatan" not in order.shipping_address
    # Every order is kept for the bookkeeping years, none says whose it was.
    assert not Order.objects.filter(customer__username="alice").exists()
    assert Order.objects.filter(reference__in=["PO-10017", "PO-10342"]).count() == 2
    # Bob's orders are untouched.
    assert Order.objects.get(reference="PO-11601").customer.username == "bob"
