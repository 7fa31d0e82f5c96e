"""Accessibility: axe-core checks the member pages (the consent step, the privacy centre and the
notice) and finds nothing serious or critical; and the add-on's admin pages (the queue, a
request, its action forms, the ledger and notice versions), where it finds nothing at all, in
the light and the dark theme. Every finding is written to ``test-artifacts/journeys/``."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.journeys.conftest import ARTIFACTS
from tests.journeys.steps import OFFICER, log_in, log_in_to_admin

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
CENTRE_PAGES = [
    ("privacy centre: overview", "/privacy-centre/"),
    ("privacy centre: my data", "/privacy-centre/data/"),
    ("privacy centre: get a copy", "/privacy-centre/copy/"),
    ("privacy centre: correct my data", "/privacy-centre/correct/"),
    ("privacy centre: delete my data", "/privacy-centre/erase/"),
    ("privacy centre: my consents", "/privacy-centre/consents/"),
    ("privacy centre: my requests", "/privacy-centre/requests/"),
    ("privacy centre: restrict or object", "/privacy-centre/requests/new/"),
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


# -- the add-on's admin pages ---------------------------------------------------------------

#: The add-on's own elements whose text contrast is measured, by CSS selector.
OWN_ELEMENTS = [
    ".gdpr-actions a.button",
    ".gdpr-next-step p",
    ".gdpr-next-step h2",
    ".gdpr-request-facts dt",
    ".gdpr-request-facts dd",
    ".gdpr-overdue",
    ".gdpr-note__meta",
    ".gdpr-bulk label",
    "table.listing caption",
]

#: The WCAG 2.x contrast ratio of an element's text against the first opaque background behind
#: it, computed in the page from the colours the browser resolved.
CONTRAST_JS = """
(selector) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const lin = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll(selector)].map((el) => {
    const fg = lum(rgb(getComputedStyle(el).color).slice(0, 3));
    const bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    return {text: el.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100};
  });
}
"""


def admin_pages(portal):
    """(name, path) of the add-on's admin pages: the queue, a request, its action forms, adding
    a request, acting on many, the ledger and the notice versions."""
    from wagtail_gdpr.models import ConsentRecord, DataSubjectRequest, NoticeVersion

    objection = DataSubjectRequest.objects.get(kind=DataSubjectRequest.OBJECTION)
    erasure = DataSubjectRequest.objects.get(kind=DataSubjectRequest.ERASURE)
    copy = DataSubjectRequest.objects.get(kind=DataSubjectRequest.ACCESS)
    record = ConsentRecord.objects.order_by("pk").first()
    version = NoticeVersion.objects.order_by("pk").first()
    queue = "/admin/gdpr/requests/"
    return [
        ("queue list", queue),
        ("queue list, overdue", f"{queue}?deadline=overdue"),
        ("inspect: objection (overdue)", f"{queue}inspect/{objection.pk}/"),
        ("inspect: erasure", f"{queue}inspect/{erasure.pk}/"),
        ("inspect: public copy", f"{queue}inspect/{copy.pk}/"),
        ("form: accept", f"{queue}accept_processing/{objection.pk}/"),
        ("form: ask the requester", f"{queue}ask_requester/{objection.pk}/"),
        ("form: close", f"{queue}close/{objection.pk}/"),
        ("form: link to a member", f"{queue}link_member/{copy.pk}/"),
        ("form: verify", f"{queue}verify/{copy.pk}/"),
        ("form: schedule erasure", f"{queue}schedule_erasure/{erasure.pk}/"),
        ("form: add a note", f"{queue}add_note/{erasure.pk}/"),
        ("form: add a request", f"{queue}add/"),
        ("corrections to review", "/admin/gdpr/corrections/"),
        ("consent ledger", "/admin/wagtail_gdpr/consentrecord/"),
        ("consent ledger line", f"/admin/wagtail_gdpr/consentrecord/inspect/{record.pk}/"),
        ("notice versions", "/admin/wagtail_gdpr/noticeversion/"),
        ("notice version", f"/admin/wagtail_gdpr/noticeversion/inspect/{version.pk}/"),
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_addons_admin_pages_have_no_accessibility_violations(portal, chromium, scheme):
    """WCAG 2.2 AA: axe-core finds no violation at all (of any impact) on the add-on's admin
    pages, in the light and the dark theme; the contrast of the add-on's own elements is
    measured and is at least 4.5:1. Figures go to ``test-artifacts/journeys/``."""
    context = chromium.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, color_scheme=scheme
    )
    try:
        page = context.new_page()
        log_in_to_admin(page, portal, OFFICER)
        axe = Axe()
        findings, summary, contrast = [], [], []
        pages = admin_pages(portal)
        # The bulk page, reached as staff reach it: from the listing's form.
        for name, path in pages:
            page.goto(portal(path))
            expect(page.locator("main")).to_be_visible()
            results = axe.run(page, options={"runOnly": {
                "type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                          "wcag22aa", "best-practice"]}}).response  # fmt: skip
            findings.extend((name, violation) for violation in results["violations"])
            summary.append(
                f"{scheme}: {name} ({path}): {len(results['passes'])} rules passed, "
                f"{len(results['violations'])} violated (axe-core "
                f"{results['testEngine']['version']})"
            )
            for selector in OWN_ELEMENTS:
                for measured in page.evaluate(CONTRAST_JS, selector):
                    contrast.append((name, selector, measured["text"], measured["ratio"]))
        page.goto(portal("/admin/gdpr/requests/"))
        page.locator("input.gdpr-select").first.check()
        page.get_by_label("With the selected requests").select_option(label="Close")
        page.get_by_role("button", name="Go on").click()
        expect(page.get_by_role("heading", name=re.compile("Close the request"))).to_be_visible()
        results = axe.run(page).response
        findings.extend(("bulk: close", violation) for violation in results["violations"])
        summary.append(f"{scheme}: bulk close: {len(results['violations'])} violated")
    finally:
        context.close()

    lowest = min(contrast, key=lambda item: item[3])
    lines = [
        *summary,
        "",
        f"Contrast of the add-on's own elements ({scheme}): {len(contrast)} measured, lowest "
        f"{lowest[3]}:1 ({lowest[1]} “{lowest[2]}” on {lowest[0]})",
        *(f"  {ratio}:1  {selector}  “{text}”  ({name})"
          for name, selector, text, ratio in sorted(set(contrast), key=lambda c: c[3])[:12]),
        "",
        *(describe(name, violation) for name, violation in findings),
    ]  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-admin-{scheme}.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    assert {selector for _name, selector, _text, _ratio in contrast} >= {
        ".gdpr-actions a.button", ".gdpr-next-step p", ".gdpr-request-facts dd",
    }  # fmt: skip
    assert lowest[3] >= 4.5, lowest
    assert not findings, "accessibility violations:\n" + "\n".join(
        describe(name, violation) for name, violation in findings
    )
