"""Factories and fixtures shared by the privacy-notice and consent tests.

Import what a test module needs explicitly, e.g.::

    from tests.consent_helpers import fresh_gate_cache, make_member  # noqa: F401

``fresh_gate_cache`` is autouse: importing it into a module clears the gate's cache around
every test of that module, so requirements cached by one test never leak into the next.
"""

from __future__ import annotations

import html
import json
import re
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from wagtail.models import Page, Site

from wagtail_gdpr import consent
from wagtail_gdpr.models import (
    ConsentPurpose,
    ConsentRecord,
    GdprSettings,
    PrivacyCentrePage,
    PrivacyNoticePage,
)

User = get_user_model()

NOTICE_SUMMARY = "We keep your orders and your profile to give you the service."


@pytest.fixture(autouse=True)
def fresh_gate_cache():
    """The gate caches requirements per site; a test starts and ends with an empty cache."""
    cache.clear()
    yield
    cache.clear()


# -- users -----------------------------------------------------------------------------------


def make_member(username="member", **extra) -> User:
    return User.objects.create_user(username, f"{username}@example.com", "pw", **extra)


def make_staff(username="staff") -> User:
    return User.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)


def make_superuser(username="admin") -> User:
    return User.objects.create_superuser(username, f"{username}@example.com", "pw")


def make_editor(username="editor") -> User:
    """A Wagtail editor: may use the admin (the default "Editors" group), nothing more."""
    user = User.objects.create_user(username, f"{username}@example.com", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# -- purposes and settings -------------------------------------------------------------------


def make_purpose(slug="newsletter", *, required=False, version=1, text=None, name=None, **extra):
    return ConsentPurpose.objects.create(
        slug=slug,
        name=name or slug.replace("-", " ").capitalize(),
        text=text if text is not None else f"The text of {slug}, version {version}.",
        version=version,
        required=required,
        **extra,
    )


def default_site() -> Site:
    return Site.objects.get(is_default_site=True)


def configure(**values) -> GdprSettings:
    """Set fields of the default site's GdprSettings (saving it invalidates the gate)."""
    gdpr_settings = GdprSettings.for_site(default_site())
    for name, value in values.items():
        setattr(gdpr_settings, name, value)
    gdpr_settings.save()
    return gdpr_settings


# -- pages -----------------------------------------------------------------------------------


def stream(*blocks) -> str:
    """Raw StreamField data: ``stream(("consent", {"purpose": pk, "heading": ""}), ...)``."""
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def consent_block(purpose, heading="") -> tuple[str, dict]:
    return ("consent", {"purpose": purpose.pk, "heading": heading})


def add_notice_page(
    *, title="Privacy notice", slug="privacy-notice", summary=NOTICE_SUMMARY, body=""
) -> PrivacyNoticePage:
    """A draft notice page under the default site's home page; not yet published."""
    home = default_site().root_page
    page = PrivacyNoticePage(title=title, slug=slug, summary=summary, body=body, live=False)
    home.add_child(instance=page)
    return PrivacyNoticePage.objects.get(pk=page.pk)


def publish(page, *, material=False, user=None, **changes) -> PrivacyNoticePage:
    """Publish a new revision of ``page`` as an editor would, ticking "material change" or not
    (with a "what changed" summary, which a material change needs).

    Returns the page re-read from the database.
    """
    page = PrivacyNoticePage.objects.get(pk=page.pk)
    if material:
        changes.setdefault("change_summary", "We changed what we store.")
    for name, value in changes.items():
        setattr(page, name, value)
    page.material_change = material
    page.save_revision(user=user).publish(user=user)
    return PrivacyNoticePage.objects.get(pk=page.pk)


def publish_notice(**kwargs) -> PrivacyNoticePage:
    """A published notice page, set as the default site's notice page."""
    page = publish(add_notice_page(**kwargs))
    configure(notice_page=page)
    return page


def add_live_page(title="Privacy centre", slug="privacy-centre", page_class=Page) -> Page:
    home = default_site().root_page
    page = page_class(title=title, slug=slug)
    home.add_child(instance=page)
    return page


def add_live_centre(title="Privacy centre", slug="privacy-centre") -> PrivacyCentrePage:
    """A live privacy centre page, not yet named in the privacy settings."""
    return add_live_page(title, slug, page_class=PrivacyCentrePage)


# -- requests and ledger ---------------------------------------------------------------------


def ledger_count() -> int:
    return ConsentRecord.objects.count()


def next_of(response) -> str | None:
    """The ``next`` parameter of a redirect to the consent step, or ``None``."""
    if response.status_code != 302:
        return None
    parts = urlsplit(response["Location"])
    if parts.path != "/privacy/consent/":
        return None
    return parse_qs(parts.query).get("next", [None])[0]


def hidden_inputs(markup: str) -> dict[str, str]:
    """``{name: value}`` of the hidden inputs of a rendered form."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", markup):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            found[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
    return found


def step_answer(client, next_url=None, *, tick=(), extra=None):
    """GET the consent step, then POST it back as the member would, ticking ``tick``."""
    page = client.get("/privacy/consent/", {} if next_url is None else {"next": next_url})
    assert page.status_code == 200, page.status_code
    data = hidden_inputs(page.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    for slug in tick:
        data[f"consent_{slug}"] = "on"
    data.update(extra or {})
    return client.post("/privacy/consent/", data)


def block_post(client, purpose, action="give", *, data=None, **meta):
    """POST the consent block's form for ``purpose`` as it is rendered for its current text.

    ``data`` overrides form fields; other keyword arguments go to ``request.META``.
    """
    posted = {
        "action": action,
        "version": purpose.version,
        "text_sha256": consent.text_sha256(purpose.text),
        "next": "/",
        **(data or {}),
    }
    return client.post(f"/privacy/consent/{purpose.slug}/", posted, **meta)


@contextmanager
def restored_registry():
    """The global personal-data registry, restored exactly as it was when the block ends."""
    from wagtail_gdpr.registry import registry

    declarations = dict(registry._declarations)
    exclusions = dict(registry._exclusions)
    builtins = set(registry._builtin)
    try:
        yield registry
    finally:
        registry.clear()
        registry._declarations.update(declarations)
        registry._exclusions.update(exclusions)
        registry._builtin.update(builtins)
