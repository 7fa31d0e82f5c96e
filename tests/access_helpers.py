"""Factories and fixtures shared by the privacy-centre and access-report tests.

Import what a module needs explicitly; the two autouse fixtures must be imported to apply::

    from tests.access_helpers import clean_cache, private_reports  # noqa: F401

``clean_cache`` empties the cache around every test (the consent gate caches per site);
``private_reports`` points the access reports' storage at a folder of the test's own, so a test
can see exactly which files were written and nothing leaks between tests or processes.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from tests.consent_helpers import hidden_inputs  # noqa: F401 (re-exported)
from tests.testapp.models import Order, OrderNote, Profile, Visit
from wagtail_gdpr import access
from wagtail_gdpr.models import (
    AccessReport,
    ConsentPurpose,
    DataSubjectRequest,
    GdprSettings,
    PrivacyCentrePage,
)
from wagtail_gdpr.storage import PrivateFileSystemStorage

User = get_user_model()

REPORTS_DIR = "wagtail_gdpr/reports"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def private_reports(tmp_path, monkeypatch):
    """The report storage, in a folder of this test's own."""
    storage = PrivateFileSystemStorage(location=tmp_path / "private-reports", base_url=None)
    monkeypatch.setattr(AccessReport._meta.get_field("file"), "storage", storage)
    return storage


def stored_report_files(storage) -> list[str]:
    """Every file under the reports folder of ``storage``."""
    if not storage.exists(REPORTS_DIR):
        return []
    _dirs, files = storage.listdir(REPORTS_DIR)
    return sorted(files)


# -- people ----------------------------------------------------------------------------------


def make_member(username="member", email=None, **extra) -> User:
    email = email if email is not None else f"{username}@example.com"
    return User.objects.create_user(username, email, "pw", **extra)


def make_staff(username="staff") -> User:
    return User.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)


def make_superuser(username="admin") -> User:
    return User.objects.create_superuser(username, f"{username}@example.com", "pw")


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


# -- site and pages --------------------------------------------------------------------------


def default_site() -> Site:
    """The default site; rebuilt (locale, root, home) when a transactional test flushed it."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=Page(title="Home", slug="home"))
    return Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


def add_privacy_centre(title="Privacy centre", slug="privacy-centre") -> PrivacyCentrePage:
    """A live privacy centre under the default site's home page, set in GdprSettings."""
    site = default_site()
    page = PrivacyCentrePage(title=title, slug=slug)
    site.root_page.add_child(instance=page)
    gdpr_settings = GdprSettings.for_site(site)
    gdpr_settings.privacy_centre_page = page
    gdpr_settings.save()
    return PrivacyCentrePage.objects.get(pk=page.pk)


@pytest.fixture
def centre(db) -> PrivacyCentrePage:
    return add_privacy_centre()


def url_of(centre_page, sub="") -> str:
    """The site-relative URL of a privacy-centre route, e.g. ``url_of(c, "copy/3/")``."""
    base = centre_page.get_url()
    assert base and base.endswith("/"), base
    return f"{base}{sub}"


def configure(**values) -> GdprSettings:
    gdpr_settings = GdprSettings.for_site(default_site())
    for name, value in values.items():
        setattr(gdpr_settings, name, value)
    gdpr_settings.save()
    return gdpr_settings


# -- personal data ---------------------------------------------------------------------------


def make_orders(user, count, *, email="", address="Street {i}", **extra) -> list[Order]:
    Order.objects.bulk_create(
        Order(customer=user, email=email, shipping_address=address.format(i=i), **extra)
        for i in range(count)
    )
    return list(Order.objects.filter(customer=user).order_by("pk"))


def make_purpose(slug="newsletter", *, text=None, version=1, required=False, **extra):
    return ConsentPurpose.objects.create(
        slug=slug,
        name=extra.pop("name", slug.replace("-", " ").capitalize()),
        text=text if text is not None else f"The text of {slug}, version {version}.",
        version=version,
        required=required,
        **extra,
    )


def give_member_data(user, *, tag):
    """Orders, a note, visits and a profile, each value marked with ``tag`` to trace leaks."""
    order = Order.objects.create(
        customer=user, email=f"{tag}-order@example.com", shipping_address=f"{tag} Street 1"
    )
    OrderNote.objects.create(order=order, text=f"{tag} note")
    Visit.objects.create(user=user, ip_address="198.51.100.0")
    Profile.objects.create(user=user, nickname=f"{tag}-nick", display_name=f"{tag} Name")
    return order


# -- requests and reports --------------------------------------------------------------------


def completed_copy(user) -> DataSubjectRequest:
    """An access request of ``user`` run to completion in-process (no on_commit needed)."""
    dsr = access.request_copy(user)
    assert access.build_access_report(dsr.pk) == "done"
    return DataSubjectRequest.objects.select_related("report").get(pk=dsr.pk)


@dataclass
class OpenedReport:
    files: dict[str, bytes]

    @property
    def data(self) -> dict:
        return json.loads(self.files["data.json"].decode("utf-8"))

    @property
    def manifest(self) -> dict:
        return json.loads(self.files["manifest.json"].decode("utf-8"))

    @property
    def index(self) -> str:
        return self.files["index.html"].decode("utf-8")

    def csv_rows(self, key) -> list[list[str]]:
        text = self.files[f"csv/{key}.csv"].decode("utf-8")
        return list(csv.reader(io.StringIO(text, newline="")))

    def section(self, key) -> dict:
        """A section by its key ("orders"), or by its model's label ("testapp.Order")."""
        found = [s for s in self.data["sections"] if key in (s["key"], s.get("model"))]
        assert len(found) == 1, [s["key"] for s in self.data["sections"]]
        return found[0]

    def model_csv_rows(self, model_label) -> list[list[str]]:
        return self.csv_rows(self.section(model_label)["key"])

    def html_section(self, name) -> str:
        """The ``<section>`` of index.html whose heading is ``name``."""
        for part in self.index.split("<section>")[1:]:
            if f"<h3>{html.escape(name)}</h3>" in part:
                return part.split("</section>", 1)[0]
        raise AssertionError(f"no section {name!r} in index.html")


def open_zip(data: bytes) -> OpenedReport:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return OpenedReport({name: archive.read(name) for name in archive.namelist()})


def open_report(report: AccessReport) -> OpenedReport:
    with report.file.open("rb") as fh:
        return open_zip(fh.read())


def html_rows(fragment: str) -> int:
    """How many data rows (``<tr><td>``) a piece of HTML has."""
    return len(re.findall(r"<tr>\s*<td", fragment))


# -- responses -------------------------------------------------------------------------------


def login_redirect_next(response) -> str | None:
    """``next`` of a redirect to the login URL, or ``None`` if it is not one."""
    if response.status_code != 302:
        return None
    parts = urlsplit(response["Location"])
    if parts.path != settings.LOGIN_URL:
        return None
    return parse_qs(parts.query).get("next", [None])[0]


def forms_of(markup: str) -> list[tuple[str, dict[str, str]]]:
    """``(action, hidden inputs)`` of every POST form in the page."""
    return [
        (html.unescape(action), hidden_inputs(body))
        for action, body in re.findall(
            r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', markup, flags=re.S
        )
    ]


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


class PageAudit(HTMLParser):
    """Visible form controls, their labels and the h1 headings of a page."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.h1 = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag == "h1":
            self.h1 += 1
        if tag in ("input", "textarea", "select") and attrs.get("type") != "hidden":
            self.controls.append(attrs)


def audit(response) -> PageAudit:
    parser = PageAudit()
    parser.feed(response.content.decode())
    return parser
