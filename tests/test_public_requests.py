"""Requests from people who are not logged in (Art. 12): the public form and its emailed link."""

from __future__ import annotations

import base64
import logging
import re
import time
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.access_helpers import (
    add_privacy_centre,
    audit,
    clean_cache,  # noqa: F401  (autouse)
    links_in,
    make_member,
    url_of,
)
from wagtail_gdpr import public_requests
from wagtail_gdpr.models import DataSubjectRequest, VerifiedEmail

pytestmark = pytest.mark.django_db

R = DataSubjectRequest


@pytest.fixture
def centre(db):
    return add_privacy_centre()


# -- helpers -----------------------------------------------------------------------------------


def visitor(ip="203.0.113.7", **kwargs) -> Client:
    return Client(REMOTE_ADDR=ip, **kwargs)


def post_request(client, centre_page, email, kind="access", message="About my old orders"):
    return client.post(
        url_of(centre_page, "request/"), {"kind": kind, "email": email, "message": message}
    )


def submit(centre_page, capture, email="guest@example.com", *, kind="access", ip="203.0.113.7"):
    """Post the form and run what waits for commit; returns (response, new request or None)."""
    before = set(R.objects.values_list("pk", flat=True))
    with capture(execute=True):
        response = post_request(visitor(ip), centre_page, email, kind=kind)
    new = R.objects.exclude(pk__in=before)
    assert new.count() <= 1
    return response, new.first()


def confirm_link(message) -> str:
    links = [link for link in links_in(message.body) if "/request/confirm/" in link]
    assert len(links) == 1, message.body
    return urlsplit(links[0]).path


def strip_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@contextmanager
def clock_at(offset: timedelta):
    """Signing's clock moved by ``offset``, to make links that are already old."""
    real = time.time
    time.time = lambda: real() + offset.total_seconds()
    try:
        yield
    finally:
        time.time = real


# -- the form ----------------------------------------------------------------------------------


def test_the_form_is_open_to_visitors_and_accessible(centre):
    response = visitor().get(url_of(centre, "request/"))

    assert response.status_code == 200
    page = audit(response)
    assert page.h1 == 1
    assert page.controls, "the form has controls"
    for control in page.controls:
        assert control.get("id") in page.labels, control
    content = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in content
    for kind in ("access", "erasure", "rectification", "restriction", "objection"):
        assert f'value="{kind}"' in content
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_form_needs_a_csrf_token(centre):
    client = visitor(enforce_csrf_checks=True)
    response = post_request(client, centre, "guest@example.com")
    assert response.status_code == 403
    assert not R.objects.exists()


def test_a_request_is_held_unverified_and_a_link_is_emailed(
    centre, django_capture_on_commit_callbacks
):
    response, dsr = submit(centre, django_capture_on_commit_callbacks, " Guest@Example.com ")

    assert response.status_code == 303
    assert response["Location"] == url_of(centre, "request/sent/")
    assert "guest" not in response["Location"].lower()
    assert dsr.status == R.UNVERIFIED
    assert dsr.member is None
    assert dsr.contact_email == "guest@example.com"
    assert dsr.verified_at is None and dsr.due_at is None
    assert dsr.payload["message"] == "About my old orders"
    assert dsr.payload["source"] == "public_form"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["guest@example.com"]
    path = confirm_link(message)
    assert path.startswith(url_of(centre, "request/confirm/"))
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    # The free text never goes into the email: the form cannot be used to send messages.
    assert "old orders" not in message.body
    sent = visitor().get(response["Location"])
    assert sent.status_code == 200 and audit(sent).h1 == 1


def test_the_link_confirms_once_and_attaches_nobody(centre, django_capture_on_commit_callbacks):
    alice = make_member("alice", email="guest@example.com")
    VerifiedEmail.objects.create(user=alice, email="guest@example.com")
    _response, dsr = submit(centre, django_capture_on_commit_callbacks, kind="erasure")
    path = confirm_link(mail.outbox[0])
    client = visitor()

    shown = client.get(path)  # opening the link (or a mail scanner opening it) changes nothing
    assert shown.status_code == 200
    assert shown["Referrer-Policy"] == "no-referrer"
    assert R.objects.get(pk=dsr.pk).status == R.UNVERIFIED
    assert "Erasure" in shown.content.decode()

    confirmed = client.post(path)

    assert confirmed.status_code == 200
    assert audit(confirmed).h1 == 1
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW
    assert dsr.verified_at is not None
    assert dsr.due_at is not None and dsr.due_at > dsr.verified_at
    assert dsr.payload["confirmation"]["used_at"]
    assert dsr.member is None  # staff decide whether this is alice

    again = client.post(path)
    assert again.status_code == 400
    assert "already been used" in again.content.decode()
    assert client.get(path).status_code == 400
    dsr.refresh_from_db()
    assert dsr.status == R.IN_REVIEW


@pytest.mark.parametrize("kind", public_requests.KINDS)
def test_every_kind_goes_to_staff_after_confirmation(centre, kind):
    dsr = public_requests.submit(kind, "guest@example.com")
    token = public_requests.make_token(dsr)
    assert public_requests.confirm(token).status == R.IN_REVIEW


def test_the_link_expires(centre, settings):
    settings.WAGTAIL_GDPR_PUBLIC_REQUEST_LINK_HOURS = 48
    dsr = public_requests.submit("access", "guest@example.com")
    with clock_at(-timedelta(hours=49)):
        old = public_requests.make_token(dsr)
    with clock_at(-timedelta(hours=47)):
        recent = public_requests.make_token(dsr)

    response = visitor().post(url_of(centre, f"request/confirm/{old}/"))

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert R.objects.get(pk=dsr.pk).status == R.UNVERIFIED
    assert visitor().post(url_of(centre, f"request/confirm/{recent}/")).status_code == 200
    assert R.objects.get(pk=dsr.pk).status == R.IN_REVIEW


def _changed_payload(signed: str, request_id: int) -> str:
    """The signed value with another request id put in, and the old signature kept."""
    data, rest = signed.split(":", 1)
    decoded = signing.b64_decode(data.encode()).decode()
    changed = re.sub(r'"r":\d+', f'"r":{request_id}', decoded)
    assert changed != decoded
    return signing.b64_encode(changed.encode()).decode() + ":" + rest


def _forged_tokens(dsr, other):
    good = public_requests.make_token(dsr)
    signed = base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)).decode()
    wrong_nonce = signing.dumps({"r": dsr.pk, "n": "0" * 32}, salt=public_requests.SALT)
    other_salt = signing.dumps(
        {"r": dsr.pk, "n": dsr.payload["confirmation"]["nonce"]}, salt="something else"
    )
    other_request = signing.dumps(
        {"r": other.pk, "n": dsr.payload["confirmation"]["nonce"]}, salt=public_requests.SALT
    )

    def wrap(value):
        return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")

    return {
        "signature changed": wrap(signed[:-1] + ("A" if signed[-1] != "A" else "B")),
        "a character changed": good[:10] + ("A" if good[10] != "A" else "B") + good[11:],
        "payload changed": wrap(_changed_payload(signed, other.pk)),
        "wrong nonce": wrap(wrong_nonce),
        "another salt": wrap(other_salt),
        "another request's id": wrap(other_request),
        "not base64": "not-a-token",
        "empty-ish": "A",
    }


def test_a_tampered_link_is_refused(centre):
    dsr = public_requests.submit("access", "guest@example.com")
    other = public_requests.submit("erasure", "someone@example.com")

    for name, token in _forged_tokens(dsr, other).items():
        response = visitor().post(url_of(centre, f"request/confirm/{token}/"))
        assert response.status_code == 400, name
        assert "not valid" in response.content.decode(), name
    assert set(R.objects.values_list("status", flat=True)) == {R.UNVERIFIED}


# -- nothing tells whether an address has an account -------------------------------------------


def test_answers_are_the_same_for_an_address_with_and_without_an_account(
    centre, django_capture_on_commit_callbacks
):
    make_member("alice", email="alice@example.com")
    answers = {}
    for address in ("alice@example.com", "nobody@example.com"):
        client = visitor()
        form = client.get(url_of(centre, "request/"))
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            posted = post_request(client, centre, address, message="Please")
        sent = client.get(posted["Location"])
        answers[address] = (form, posted, sent, mail.outbox[-1], queries)

    (form_a, post_a, sent_a, mail_a, queries_a) = answers["alice@example.com"]
    (form_b, post_b, sent_b, mail_b, queries_b) = answers["nobody@example.com"]
    assert strip_csrf(form_a.content.decode()) == strip_csrf(form_b.content.decode())
    assert (post_a.status_code, post_a["Location"], post_a.content) == (
        post_b.status_code, post_b["Location"], post_b.content
    )  # fmt: skip
    assert (sent_a.status_code, sent_a.content) == (sent_b.status_code, sent_b.content)
    # The same email, but for its address and the link's token.
    assert mail_a.subject == mail_b.subject
    token = re.compile(r"/request/confirm/[A-Za-z0-9_-]+/")
    assert token.sub("/T/", mail_a.body) == token.sub("/T/", mail_b.body)
    html_a, html_b = mail_a.alternatives[0][0], mail_b.alternatives[0][0]
    assert token.sub("/T/", html_a) == token.sub("/T/", html_b)
    assert "account" not in mail_a.body.lower()
    # Accounts are never even looked at, so neither can the time taken tell them apart.
    user_table = "auth_user"
    assert not [q["sql"] for q in queries_a.captured_queries if user_table in q["sql"]]
    assert len(queries_a) == len(queries_b)


def test_a_logged_in_member_using_the_form_is_not_attached_either(
    centre, django_capture_on_commit_callbacks
):
    alice = make_member("alice")
    client = visitor()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_request(client, centre, "alice@example.com")
    assert response.status_code == 303
    assert R.objects.get().member is None


# -- rate limits -------------------------------------------------------------------------------


def test_a_flood_from_one_ip_address_is_throttled(centre, django_capture_on_commit_callbacks):
    for i in range(10):
        response, dsr = submit(centre, django_capture_on_commit_callbacks, f"p{i}@example.com")
        assert response.status_code == 303 and dsr is not None

    response, dsr = submit(centre, django_capture_on_commit_callbacks, "p10@example.com")

    assert response.status_code == 429
    assert dsr is None
    assert "too many requests" in response.content.decode()
    assert 'value="p10@example.com"' in response.content.decode()  # what was typed is kept
    assert len(mail.outbox) == 10
    # Another connection is not held up.
    other, dsr = submit(
        centre, django_capture_on_commit_callbacks, "p10@example.com", ip="198.51.100.9"
    )
    assert other.status_code == 303 and dsr is not None


def test_one_address_gets_three_a_day_and_then_the_same_answer_with_nothing_sent(
    centre, django_capture_on_commit_callbacks
):
    answers = []
    for i in range(4):
        response, dsr = submit(
            centre, django_capture_on_commit_callbacks, "target@example.com", ip=f"192.0.2.{i}"
        )
        answers.append((response.status_code, response["Location"], response.content, dsr))

    assert [a[3] is not None for a in answers] == [True, True, True, False]
    assert {a[:3] for a in answers} == {answers[0][:3]}  # the fourth looks like the others
    assert len([m for m in mail.outbox if m.to == ["target@example.com"]]) == 3
    assert R.objects.filter(contact_email="target@example.com").count() == 3
    # Addresses are counted case- and space-insensitively.
    _response, dsr = submit(centre, django_capture_on_commit_callbacks, " TARGET@example.com ")
    assert dsr is None


def test_the_limits_are_settings_and_the_cache_holds_no_addresses(centre, settings):
    from django.core.cache import cache

    settings.WAGTAIL_GDPR_PUBLIC_REQUEST_RATES = {"ip": "2/m", "address": (5, 60)}
    client = visitor()
    assert post_request(client, centre, "a@example.com").status_code == 303
    assert post_request(client, centre, "b@example.com").status_code == 303
    assert post_request(client, centre, "c@example.com").status_code == 429
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys, "the local-memory cache holds the counters"
    assert not [k for k in keys if "example.com" in k or "203.0.113" in k]


# -- input, logs, clean-up ---------------------------------------------------------------------


def test_invalid_input_is_shown_again_escaped(centre):
    response = visitor().post(
        url_of(centre, "request/"),
        {"kind": "access", "email": "<b>not an address", "message": "<script>x()</script>"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "<script>x()</script>" not in content and "<b>not" not in content
    assert "&lt;script&gt;" in content
    assert 'aria-invalid="true"' in content
    assert not R.objects.exists()


def test_an_unknown_kind_is_refused(centre):
    response = visitor().post(
        url_of(centre, "request/"), {"kind": "portability", "email": "a@example.com"}
    )
    assert response.status_code == 400
    assert not R.objects.exists()


def test_logs_hold_no_addresses(centre, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.DEBUG, logger="wagtail_gdpr"):
        for _ in range(4):
            submit(centre, django_capture_on_commit_callbacks, "secret-person@example.com")
        visitor().post(confirm_link(mail.outbox[0]))
    assert caplog.records
    assert not [r for r in caplog.records if "secret-person" in r.getMessage()]
    assert not [r for r in caplog.records if "203.0.113" in r.getMessage()]


def test_unconfirmed_requests_are_discarded_and_emptied_after_the_link_expires(centre):
    old = public_requests.submit("access", "old@example.com")
    R.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=3))
    fresh = public_requests.submit("access", "fresh@example.com")
    confirmed = public_requests.submit("access", "confirmed@example.com")
    public_requests.confirm(public_requests.make_token(confirmed))
    R.objects.filter(pk=confirmed.pk).update(received_at=timezone.now() - timedelta(days=3))

    assert public_requests.discard_unconfirmed() == 1

    old.refresh_from_db()
    assert old.status == R.CANCELLED
    assert old.contact_email == "" and "message" not in old.payload
    assert R.objects.get(pk=fresh.pk).status == R.UNVERIFIED
    assert R.objects.get(pk=confirmed.pk).status == R.IN_REVIEW
    token = public_requests.make_token(old)
    with pytest.raises(public_requests.LinkRefused):
        public_requests.confirm(token)


# -- the link leads to the page that took the request ------------------------------------------


def test_the_link_leads_to_the_centre_that_took_the_request(django_capture_on_commit_callbacks):
    """Even when the privacy settings name no privacy centre, or another one."""
    from tests.access_helpers import configure, default_site
    from wagtail_gdpr.models import PrivacyCentrePage

    taken = add_privacy_centre("Ask us", "ask-us")
    configure(privacy_centre_page=None)
    _response, dsr = submit(taken, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert confirm_link(message).startswith(url_of(taken, "request/confirm/"))
    assert visitor().get(confirm_link(message)).status_code == 200

    other = default_site().root_page.add_child(instance=PrivacyCentrePage(title="B", slug="b"))
    configure(privacy_centre_page=other)
    mail.outbox.clear()
    submit(taken, django_capture_on_commit_callbacks, "second@example.com")
    assert confirm_link(mail.outbox[0]).startswith(url_of(taken, "request/confirm/"))


def test_without_any_privacy_centre_nothing_is_recorded_or_sent():
    from django.core.exceptions import ImproperlyConfigured

    from tests.access_helpers import configure, default_site  # noqa: F401  (a site, no centre)

    default_site()
    with pytest.raises(ImproperlyConfigured, match="privacy centre page"):
        public_requests.submit("access", "guest@example.com")
    assert not R.objects.exists()
    assert mail.outbox == []
