"""Steps the journeys share: logging in as a member or as staff, reading sent mail."""

from __future__ import annotations

from django.core import mail
from playwright.sync_api import expect

MEMBERS = {"alice": "portal-demo-alice", "bob": "portal-demo-bob"}
ADMIN = ("admin", "portal-demo-admin")
#: The privacy officer: the queue and the privacy records, not a superuser.
OFFICER = ("dana", "portal-demo-dana")


def log_in(page, portal, username: str, password: str | None = None):
    """Log in through the portal's own form, as a member would."""
    page.goto(portal("/account/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or MEMBERS[username])
    page.get_by_role("button", name="Log in").click()


def log_in_to_admin(page, portal, login=ADMIN):
    """Log in to the Wagtail admin: as the seeded superuser, or ``login=OFFICER``."""
    page.goto(portal("/admin/login/"))
    page.get_by_label("Username").fill(login[0])
    page.get_by_label("Password").fill(login[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def centre_nav(page):
    return page.get_by_role("navigation", name="Privacy centre")


def sent_mail(worker) -> list[str]:
    """Every message sent so far, as text: by the worker if there is one, else in-process."""
    if worker is not None:
        return worker.emails()
    return [f"To: {', '.join(m.to)}\nSubject: {m.subject}\n\n{m.body}" for m in mail.outbox]
