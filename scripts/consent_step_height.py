#!/usr/bin/env python3
"""Measure the consent step of a running example site in Chromium: how tall it is, and how far
down the first choice and the button are.

Logs in with the portal's own form as a member who has not passed the step (``bob`` after
``seed_demo``), opens their account page (the gate sends them to the step) and prints the
figures as JSON, in CSS pixels at a 1280×900 window::

    .venv/bin/python scripts/consent_step_height.py http://127.0.0.1:8000 [--language sv]
        [--screenshot step.png]

Needs Playwright for Python and Debian's ``/usr/bin/chromium``.
"""

from __future__ import annotations

import argparse
import json

from playwright.sync_api import sync_playwright

FIGURES = """() => {
    const main = document.querySelector("main") || document.body;
    const top = (el) => el ? Math.round(el.getBoundingClientRect().top + window.scrollY) : null;
    const buttons = main.querySelectorAll("form button[type=submit], form button:not([type])");
    return {
        url: location.pathname,
        height: document.documentElement.scrollHeight,
        first_choice: top(main.querySelector("input[type=checkbox]")),
        button: top(buttons[buttons.length - 1]),
        folded_sections: main.querySelectorAll("details:not([open])").length,
    };
}"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", help="where the example site runs, e.g. http://127.0.0.1:8000")
    parser.add_argument("--username", default="bob")
    parser.add_argument("--password", default="portal-demo-bob")
    parser.add_argument("--language", default="en-GB", help="the browser's language")
    parser.add_argument("--screenshot", help="also save a full-page PNG here")
    args = parser.parse_args()
    site = args.site.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page(locale=args.language, viewport={"width": 1280, "height": 900})
        page.goto(f"{site}/account/login/")
        page.fill("#id_username", args.username)
        page.fill("#id_password", args.password)
        page.press("#id_password", "Enter")
        page.wait_for_load_state()
        page.goto(f"{site}/account/")
        figures = page.evaluate(FIGURES)
        if args.screenshot:
            page.screenshot(path=args.screenshot, full_page=True)
        browser.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
