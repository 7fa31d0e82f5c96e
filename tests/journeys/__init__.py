"""Browser journeys: Playwright drives Debian's Chromium through the example member portal."""
