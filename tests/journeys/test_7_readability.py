"""Readability: every page a member reads, the emails they get and their copy's index.html, for an
example-site member with rich data, in English and in Swedish, hold no raw id, no code, no Python
repr, no True or False, no timestamp with microseconds and no JSON.

Pages are fetched with Django's test client from the seeded example site; no browser needed.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from example_site.portal.models import MemberProfile, Order, SupportTicket
from wagtail_gdpr import access, consent, rectification, registry, restriction_objection
from wagtail_gdpr.models import (
    AccessReport,
    ConsentPurpose,
    ConsentRecord,
    DataSubjectRequest,
    MemberActivity,
)
from wagtail_gdpr.recipients import STATUS_LABELS
from wagtail_gdpr.registry import LAWFUL_BASES

CENTRE = "/privacy-centre/"

# -- what must never be read ---------------------------------------------------------------------

RAW_ID = re.compile(
    r"\b(?:Member|Purpose|Form page|Page|Order|User|Request|Record|Submission|Object)\s+#?\d+\b"
    r"|#\d+\b|\bobject \(\d+\)"
)
SNAKE_CASE_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
MODEL_LABEL = re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z]+\b")
PYTHON_REPR = re.compile(
    r"\{'|'\}|\[\{|\[\]|\{\}|<\w+(?: \w+)* object\b|datetime\.|Decimal\("
    r"|\bNone\b|\bTrue\b|\bFalse\b"
)
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d{3,6}")
JSON_FRAGMENT = re.compile(r"[\{\[]\s*\"\w+\"\s*:|\"\w+\"\s*:\s*[\"\d\[\{tfn]")


def single_word_codes() -> set[str]:
    """Every stored code that is one lowercase word: read alone in a cell, it is a code."""
    choices = [
        *DataSubjectRequest.KINDS,
        *DataSubjectRequest.STATUSES,
        *ConsentRecord.ACTIONS,
        *ConsentRecord.SOURCES,
        *MemberActivity.KINDS,
        *SupportTicket.Status.choices,
    ]
    codes = {code for code, _label in choices} | set(LAWFUL_BASES) | set(STATUS_LABELS)
    codes |= {registry.DELETE, registry.ANONYMISE, "keep", "en", "sv"}
    return {code for code in codes if "_" not in code}


def visible_text(markup: str) -> str:
    """What a reader sees: no scripts, styles, tags or attribute values."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def cells(markup: str) -> list[str]:
    """The text of each table cell and definition, where a lone code would stand."""
    found = re.findall(r"(?is)<(td|dd|li)\b[^>]*>(.*?)</\1>", markup)
    return [" ".join(visible_text(inner).split()) for _tag, inner in found]


def unreadable(markup: str) -> list[str]:
    text = " ".join(visible_text(markup).split())
    problems = []
    for name, pattern in [
        ("raw id", RAW_ID),
        ("code", SNAKE_CASE_CODE),
        ("model label", MODEL_LABEL),
        ("Python repr", PYTHON_REPR),
        ("microseconds", MICROSECONDS),
        ("JSON", JSON_FRAGMENT),
    ]:
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            problems.append(f"{name}: …{text[start : match.end() + 40]}…")
    codes = single_word_codes()
    problems += [f"code alone in a cell: {cell!r}" for cell in cells(markup) if cell in codes]
    return problems


# -- the member and what they read ---------------------------------------------------------------


@pytest.fixture
def rich_member(portal, settings):
    """Alice, seeded, with more: a correction made and one proposed, a restriction asked for, a
    consent given and withdrawn, a failed login, and a copy of her data made."""
    settings.WAGTAIL_GDPR_JOBS = "in-process"
    alice = get_user_model().objects.get(username="alice")
    profile = MemberProfile.objects.get(user=alice)
    rectification.apply_direct(
        alice, "portal.MemberProfile", profile.pk, "phone", "+46 70 174 06 99"
    )
    order = Order.objects.filter(customer=alice).order_by("-created_at").first()
    new_address = "Alice Andersson\nÅgatan 3\n753 21 Uppsala"
    rectification.propose(
        alice,
        "portal.Order",
        order.pk,
        "shipping_address",
        new_address,
        "I moved before it shipped.",
    )
    restriction_objection.request_change(
        alice, DataSubjectRequest.RESTRICTION, "product-research", "Until I have read the terms."
    )
    consent.give(alice, "product-research", source=ConsentRecord.SOURCE_PRIVACY_CENTRE)
    consent.withdraw(alice, "product-research", source=ConsentRecord.SOURCE_PRIVACY_CENTRE)
    copy = access.request_copy(alice)
    copy.refresh_from_db()
    assert copy.status == DataSubjectRequest.DONE, copy.failure_reason
    return alice


def member_pages(alice) -> list[str]:
    own_requests = DataSubjectRequest.objects.filter(member=alice)
    copy = own_requests.filter(kind=DataSubjectRequest.ACCESS).latest("received_at")
    return [
        "/",
        "/account/",
        "/account/orders/",
        "/account/tickets/",
        "/account/profile/",
        "/privacy-notice/",
        "/privacy/consent/",
        CENTRE,
        f"{CENTRE}data/",
        f"{CENTRE}copy/",
        f"{CENTRE}copy/{copy.pk}/",
        f"{CENTRE}correct/",
        f"{CENTRE}consents/",
        f"{CENTRE}activity/",
        f"{CENTRE}requests/",
        *(f"{CENTRE}requests/{dsr.pk}/" for dsr in own_requests),
        f"{CENTRE}requests/new/",
        f"{CENTRE}erase/",
        f"{CENTRE}request/",
    ]


def copy_index(alice) -> str:
    report = AccessReport.objects.filter(request__member=alice).latest("created_at")
    with report.file.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as archive:
        return archive.read("index.html").decode("utf-8")


@pytest.mark.parametrize("language", ["en", "sv"])
def test_every_page_a_member_reads_and_their_copy_are_in_words(rich_member, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(rich_member)
    found = {}
    for path in member_pages(rich_member):
        response = client.get(path, follow=True)
        assert response.status_code == 200, (path, response.status_code)
        found[path] = unreadable(response.content.decode())
    found["index.html of the copy"] = unreadable(copy_index(rich_member))
    for message in mail.outbox:
        found[f"email {message.subject!r}"] = unreadable(
            message.alternatives[0][0] if message.alternatives else html.escape(message.body)
        )
    assert {where: problems for where, problems in found.items() if problems} == {}
    # The pages really held the data: not an empty shell that passes by saying nothing.
    data = client.get(f"{CENTRE}data/").content.decode()
    assert "PO-11588" in data and "Storgatan 12" in data
    assert ConsentPurpose.objects.filter(slug="product-research").exists()


def test_the_checks_catch_what_they_are_for():
    """Each kind of unreadable value, shown as the issue found them, is caught."""
    samples = {
        "<td>Member 2</td>": "raw id",
        "<td>Purpose 1</td>": "raw id",
        "<td>Form page 5</td>": "raw id",
        "<td>login_failed</td>": "code",
        "<td>queued</td>": "code alone",
        "<p>portal.Order</p>": "model label",
        "<td>{'model': 'portal.Order'}</td>": "Python repr",
        "<td>True</td>": "Python repr",
        "<td>2026-12-01 18:37:27.598536</td>": "microseconds",
        '<td>{"type": "paragraph"}</td>': "JSON",
    }
    for markup, kind in samples.items():
        assert any(p.startswith(kind) for p in unreadable(markup)), markup
    assert unreadable("<td>Wrong password entered</td><td>Dec. 1, 2026, 7:37 p.m. CET</td>") == []
