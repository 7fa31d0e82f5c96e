"""A strict Content-Security-Policy: the example site sends one without 'unsafe-inline', and
every member page of the add-on works under it: the browser reports no violation.

Every journey ends with that check (the ``browsers`` fixture); this one walks the member pages
on purpose, and first shows that the check sees a violation when there is one.
"""

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import MEMBERS, log_in

pytestmark = pytest.mark.browser

PAGES = [
    "/account/",
    "/account/profile/",
    "/privacy-centre/",
    "/privacy-centre/data/",
    "/privacy-centre/copy/",
    "/privacy-centre/correct/",
    "/privacy-centre/consents/",
    "/privacy-centre/activity/",
    "/privacy-centre/requests/",
    "/privacy-centre/requests/new/",
    "/privacy-centre/erase/",
    "/privacy-notice/",
]
PERSONAL = [path for path in PAGES if path != "/privacy-notice/"]


def test_member_pages_work_under_a_strict_policy(portal, browsers):
    page = browsers.new_page()
    log_in(page, portal, "alice")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The watcher sees a violation: an inline style added by a script is refused and reported.
    page.goto(portal("/privacy-centre/"))
    page.evaluate(
        "() => { const s = document.createElement('style');"
        " s.textContent = 'body { color: red }'; document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert any("style" in text for text in browsers.csp_violations), browsers.csp_violations
    browsers.csp_violations.clear()

    for path in PAGES:
        response = page.goto(portal(path))
        assert response.status == 200, (path, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, (path, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
        if path in PERSONAL:
            cache_control = response.headers.get("cache-control", "")
            assert "no-store" in cache_control and "private" in cache_control, path
        expect(page.locator("main")).to_be_visible()
    assert browsers.csp_violations == [], browsers.csp_violations


def test_the_sites_login_locks_out_after_five_wrong_passwords(portal):
    """django-axes: 5 failures for one username from one address lock it out for an hour."""
    from django.test import Client

    client = Client(REMOTE_ADDR="198.51.100.7")
    for attempt in range(4):
        response = client.post(
            "/account/login/", {"username": "alice", "password": f"no-{attempt}"}
        )
        assert response.status_code == 200, attempt  # the form again, with its error
    fifth = client.post("/account/login/", {"username": "alice", "password": "no-5"})
    assert fifth.status_code == 429  # the fifth failure locks the pair out
    locked = client.post("/account/login/", {"username": "alice", "password": MEMBERS["alice"]})
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another member, or the same one from elsewhere, is not locked out.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert (
        other.post(
            "/account/login/", {"username": "alice", "password": MEMBERS["alice"]}
        ).status_code
        == 302
    )
