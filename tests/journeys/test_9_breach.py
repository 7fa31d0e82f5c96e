"""Journey 9: a personal-data breach. The privacy officer records it, reviews the scope the
registry computes, assesses a high risk, exports the authority's notification and sends the
members' notices; a member reads hers in the privacy centre, and by email.

On a real Celery worker when REDIS_URL is set (as in CI); in-process otherwise."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import wait_for
from tests.journeys.steps import OFFICER, centre_nav, log_in, log_in_to_admin, main_nav, sent_mail
from wagtail_gdpr.models import Breach, BreachNotice

pytestmark = pytest.mark.browser

WHAT_HAPPENED = "A file with orders was shared by mistake with another company for a day."


def test_the_officer_handles_a_breach_and_the_member_is_told(portal, browsers, task_worker):
    officer = browsers.new_page()
    log_in_to_admin(officer, portal, OFFICER)
    officer.goto(portal("/admin/gdpr/breaches/"))
    officer.get_by_role("link", name="Record a breach").click()

    discovered = timezone.localtime(timezone.now() - timedelta(hours=2))
    officer.get_by_label("Short description").fill("Order file shared with the wrong partner")
    officer.get_by_label("When it was discovered").fill(discovered.strftime("%Y-%m-%dT%H:%M"))
    officer.get_by_label("Your orders").check()
    officer.get_by_label("Cause", exact=True).fill("A wrong address in an automated export")
    officer.get_by_label("Containment and remediation").fill("The partner deleted the file")
    officer.get_by_label("Notice to the people affected: what happened").fill(WHAT_HAPPENED)
    officer.get_by_label("Notice: what we did").fill("The other company confirmed it deleted it.")
    officer.get_by_label("Notice: what they can do").fill(
        "Be careful with emails or calls about your orders."
    )
    officer.get_by_role("button", name="Record the breach").click()
    expect(
        officer.get_by_text("Breach recorded. The 72 hours run from its discovery.")
    ).to_be_visible()
    breach = Breach.objects.get()

    # The scope, computed from the registry: members, records, and the first members to check.
    summary = officer.locator("#gdpr-breach-scope-summary")
    expect(summary).to_contain_text(re.compile(r"[1-9]\d* members"))
    expect(officer.locator(".gdpr-breach-preview")).to_contain_text("alice")
    expect(officer.get_by_text(re.compile(r"\d+ hours left"))).to_be_visible()

    # A high risk, with reasons, recorded before anything is notified.
    officer.get_by_label("A high risk to people's rights and freedoms").check()
    officer.get_by_label("Reasons").fill("Names, addresses and what people bought")
    officer.get_by_role("button", name="Record the assessment").click()
    expect(officer.get_by_text("Risk assessment recorded.")).to_be_visible()

    # The authority's notification: drafted, exported as JSON and as a printable page.
    officer.get_by_role("link", name="Notification to the authority").first.click()
    expect(officer.get_by_label("Measures taken or proposed (Art. 33(3)(d))")).to_have_value(
        "The partner deleted the file"
    )
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Download as JSON").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["items"]["nature"].startswith("Order file shared with the wrong partner")
    assert int(exported["items"]["number_of_people"]) >= 1
    with officer.context.expect_page() as printable:
        officer.get_by_role("link", name="Printable page").click()
    expect(printable.value.get_by_role("heading", level=1)).to_contain_text(
        "Notification of personal data breach"
    )
    printable.value.close()
    officer.get_by_role("link", name="Back to the breach").click()
    officer.get_by_role("button", name="Record that the authority was notified").click()
    expect(officer.get_by_text("Recorded: the authority was notified.")).to_be_visible()

    # The members' notices, sent in batches in the background.
    officer.get_by_role("button", name="Send the notices").click()
    expect(officer.get_by_text(re.compile(r"\d+ notices are being sent\."))).to_be_visible()
    total = BreachNotice.objects.filter(breach=breach).count()
    wait_for(
        lambda: BreachNotice.objects.filter(breach=breach, sent_at__isnull=False).count() == total,
        timeout=120,
        message="every notice sent",
    )
    officer.reload()
    expect(officer.locator("#gdpr-breach-notice-progress")).to_have_text(
        f"{total} of {total} notices sent."
    )

    # Alice reads it in her privacy centre, and has it by email.
    member = browsers.new_page()
    log_in(member, portal, "alice")
    main_nav(member).get_by_role("link", name="Privacy centre").click()
    centre_nav(member).get_by_role("link", name="Security notices").click()
    expect(member.get_by_role("heading", name="Security notices", level=1)).to_be_visible()
    expect(member.get_by_text(WHAT_HAPPENED)).to_be_visible()
    expect(member.get_by_text("Be careful with emails or calls about your orders.")).to_be_visible()
    notice = BreachNotice.objects.get(breach=breach, member__username="alice")
    if task_worker is not None:
        told = "".join(task_worker.emails()).count(f"<breach-notice-{notice.pk}@")
    else:
        told = sum(1 for m in mail.outbox if m.to == [notice.email])
    assert told == 1
    assert WHAT_HAPPENED in "".join(sent_mail(task_worker))
