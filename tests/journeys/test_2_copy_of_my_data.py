"""Journey 2: the member asks for a copy of their data in the privacy centre, follows its
progress, downloads the ZIP and reads its index.html in the browser.

On a real Celery worker when REDIS_URL is set (as in CI); in-process otherwise."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.conftest import wait_for
from tests.journeys.steps import centre_nav, log_in, main_nav, sent_mail
from wagtail_gdpr.models import AccessReport, DataSubjectRequest

pytestmark = pytest.mark.browser

STATUSES = ["Waiting to be processed", "Being processed", "Completed"]


def test_member_downloads_a_copy_of_their_data(portal, page, task_worker, tmp_path):
    log_in(page, portal, "alice")
    main_nav(page).get_by_role("link", name="Privacy centre").click()
    expect(page.get_by_role("heading", name="Privacy centre", level=1)).to_be_visible()

    page.get_by_role("link", name="See what we store about you").click()
    expect(page.get_by_role("heading", name="My data", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Your orders"))).to_be_visible()

    centre_nav(page).get_by_role("link", name="Get a copy").click()
    expect(page.get_by_role("heading", name="Get a copy of your data")).to_be_visible()
    page.get_by_role("button", name="Prepare a copy of my data").click()

    # The status page: where the request is, with a progress bar while it is being prepared.
    expect(page).to_have_url(re.compile(r"/privacy-centre/copy/\d+/$"))
    expect(page.get_by_role("heading", name="Your copy", level=1)).to_be_visible()
    status = page.locator("main p[role=status]")
    expect(status).to_have_text(re.compile("|".join(STATUSES)))
    # One snapshot of the page, which may refresh itself at any moment: until the copy is
    # ready, a progress bar shows how far it is.
    shown, has_progress = page.evaluate(
        """() => [document.querySelector("main p[role=status]").textContent,
                  document.querySelector("main progress") !== null]"""
    )
    assert shown in STATUSES
    assert has_progress == (shown != "Completed")
    request_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    dsr = DataSubjectRequest.objects.get(pk=request_id)
    assert dsr.member.username == "alice"
    assert dsr.kind == DataSubjectRequest.ACCESS

    # The page refreshes itself (a Refresh header) until the copy is ready.
    download_link = page.get_by_role("link", name="Download your copy (ZIP)")
    expect(download_link).to_be_visible(timeout=120_000)
    expect(status).to_have_text("Completed")
    with page.expect_download() as started:
        download_link.click()
    download = started.value
    assert re.fullmatch(r"my-data-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    archive_path = tmp_path / download.suggested_filename
    download.save_as(archive_path)
    assert AccessReport.objects.get(request_id=request_id).downloads == 1

    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive_path) as archive:
        assert {"index.html", "data.json", "manifest.json"} <= set(archive.namelist())
        archive.extractall(unpacked)

    # The copy's index.html is a page the member can read in any browser: their own data.
    page.goto((unpacked / "index.html").as_uri())
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    body = page.locator("body")
    for fact in ("PO-11588", "PO-11420", "alice.andersson@example.com", "Storgatan 12", "Uppsala"):
        expect(body).to_contain_text(fact)
    expect(body).to_contain_text("Tracking link does not work")  # a support ticket of hers
    expect(body).to_contain_text("Example Portal AB")  # who is responsible
    # The company's CRM answered the copy's event: a section labelled with its name, with what
    # it knows about her.
    expect(page.get_by_role("heading", name="Our customer service system")).to_be_visible()
    expect(body).to_contain_text("Asked about delivery times to Östersund.")
    # Nobody else's data.
    for other in ("PO-10890", "PO-11601", "bob.berg@example.org", "Kungsvägen", "Prefers phone"):
        expect(body).not_to_contain_text(other)

    # The member is told by email, with a link and no data.
    mails = wait_for(
        lambda: [
            m
            for m in sent_mail(task_worker)
            if "alice.andersson@example.com" in m and "Your copy of your data is ready" in m
        ],
        timeout=30,
        message="the email that the copy is ready",
    )
    assert f"/privacy-centre/copy/{request_id}/" in mails[-1]
    assert "Storgatan" not in mails[-1]
