"""Accessibility: axe-core checks the member pages (the consent step, the privacy centre and the
notice) and finds nothing serious or critical. Every finding is written to
``test-artifacts/journeys/axe-report.txt``."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.journeys.conftest import ARTIFACTS
from tests.journeys.steps import log_in

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
CENTRE_PAGES = [
    ("privacy centre: overview", "/privacy-centre/"),
    ("privacy centre: my data", "/privacy-centre/data/"),
    ("privacy centre: get a copy", "/privacy-centre/copy/"),
    ("privacy centre: correct my data", "/privacy-centre/correct/"),
    ("privacy centre: delete my data", "/privacy-centre/erase/"),
    ("privacy centre: my consents", "/privacy-centre/consents/"),
    ("privacy notice", "/privacy-notice/"),
]


def describe(page_name, violation) -> str:
    nodes = "\n".join(
        f"      {', '.join(map(str, node['target']))}: {node['html'][:160]}"
        for node in violation["nodes"]
    )
    return (
        f"{page_name}: {violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"    {violation['helpUrl']}\n{nodes}"
    )


def test_member_pages_have_no_serious_accessibility_violations(portal, browsers):
    axe = Axe()
    findings = []  # (page, violation)
    summary = []

    def check(page, name):
        expect(page.locator("main")).to_be_visible()
        results = axe.run(page).response
        findings.extend((name, violation) for violation in results["violations"])
        summary.append(
            f"{name} ({page.url}): {len(results['passes'])} rules passed, "
            f"{len(results['violations'])} violated, to check by hand: "
            f"{', '.join(r['id'] for r in results['incomplete']) or 'none'} "
            f"(axe-core {results['testEngine']['version']})"
        )

    # Bob has not passed the consent step yet: logging in takes him there.
    bob = browsers.new_page()
    log_in(bob, portal, "bob")
    expect(bob.get_by_role("heading", name="Before you continue")).to_be_visible()
    check(bob, "consent step")

    alice = browsers.new_page()
    log_in(alice, portal, "alice")
    for name, path in CENTRE_PAGES:
        alice.goto(portal(path))
        check(alice, name)

    report = "\n".join([*summary, "", *(describe(name, violation) for name, violation in findings)])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-report.txt").write_text(report + "\n")
    print(report)
    blocking = [
        describe(name, violation) for name, violation in findings if violation["impact"] in BLOCKING
    ]
    assert not blocking, "serious or critical accessibility violations:\n" + "\n".join(blocking)
