"""The privacy centre's pages: my data, getting a copy, activity, requests, consents, addresses."""

import base64
import binascii
import html
import re
import time
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from unittest import mock
from urllib.parse import unquote, urlsplit

import pytest
from django.contrib.auth import authenticate
from django.core import mail, signing
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone
from django.utils.html import escape

from tests.access_helpers import (
    centre,  # noqa: F401  (fixture)
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    forms_of,
    fresh,
    html_rows,
    links_in,
    make_member,
    make_orders,
    make_purpose,
    private_reports,  # noqa: F401  (autouse)
    url_of,
)
from tests.testapp.models import Order
from wagtail_gdpr import access, email_verification, readable
from wagtail_gdpr.models import (
    ConsentRecord,
    DataSubjectRequest,
    MemberActivity,
    VerifiedEmail,
)
from wagtail_gdpr.requests import worker_queue

XSS = "<script>alert(1)</script>"


@pytest.fixture
def member(db):
    return make_member("member", email="member@example.com")


@pytest.fixture
def logged_in(client, member):
    client.force_login(member)
    return client


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def item_heading(page, name) -> str:
    """The "<name> (n items)" heading of one summary item."""
    match = re.search(rf"<h2[^>]*>{re.escape(name)} <small>\(([^)]*)\)</small></h2>", page)
    assert match, f"no summary item {name!r}"
    return match.group(1)


def item_card(page, name) -> str:
    start = page.index(f">{name} <small>")
    return page[start : page.index("</section>", start)]


# -- my data ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_data_shows_each_declaration_with_its_count(logged_in, centre, member):  # noqa: F811
    make_orders(member, 5)
    Order.objects.create(customer=make_member("other"), shipping_address="Their Street")

    page = text_of(logged_in.get(url_of(centre, "data/")))

    assert item_heading(page, "Orders") == "5 items"
    assert item_heading(page, "Profiles") == "0 items"
    assert item_heading(page, "Your account") == "1 item"
    assert "Deliver and bill orders" in item_card(page, "Orders")
    assert "Their Street" not in page
    assert html_rows(item_card(page, "Orders")) == 3


@pytest.mark.django_db
def test_my_data_shows_the_latest_rows(logged_in, centre, member):  # noqa: F811
    make_orders(member, 5, address="Street {i}")  # Street 0 is the oldest, Street 4 the latest

    card = item_card(text_of(logged_in.get(url_of(centre, "data/"))), "Orders")

    assert "The latest 3" in card
    assert sorted(re.findall(r"Street \d", card)) == ["Street 2", "Street 3", "Street 4"]


@pytest.mark.django_db
def test_my_data_escapes_what_the_member_typed(logged_in, centre, member):  # noqa: F811
    Order.objects.create(customer=member, shipping_address=XSS)

    page = text_of(logged_in.get(url_of(centre, "data/")))

    assert XSS not in page
    assert html.escape(XSS) in item_card(page, "Orders")


@pytest.mark.django_db
def test_my_data_costs_the_same_queries_for_5_or_500_orders(logged_in, centre, member):  # noqa: F811
    path = url_of(centre, "data/")
    make_orders(member, 5)
    logged_in.get(path)  # warm caches (site, gate) that only the first request fills

    with CaptureQueriesContext(connection) as few:
        assert item_heading(text_of(logged_in.get(path)), "Orders") == "5 items"
    make_orders(member, 495)
    with CaptureQueriesContext(connection) as many:
        assert item_heading(text_of(logged_in.get(path)), "Orders") == "500 items"

    assert len(many.captured_queries) == len(few.captured_queries)


# -- getting a copy: one at a time, and a cool-down -----------------------------------------


@pytest.mark.django_db
def test_a_second_request_while_one_is_open_is_refused(logged_in, centre, member):  # noqa: F811
    first = logged_in.post(url_of(centre, "copy/"))
    assert first.status_code == 303  # queued: the on-commit task never ran in this test

    second = logged_in.post(url_of(centre, "copy/"))

    assert second.status_code == 409
    assert "A copy of your data is already being prepared." in second.content.decode()
    assert 'role="alert"' in second.content.decode()
    assert DataSubjectRequest.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_a_new_copy_only_after_the_cool_down(logged_in, centre, member, settings):  # noqa: F811
    settings.WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS = 24
    done = completed_copy(member)

    refused = logged_in.post(url_of(centre, "copy/"))

    assert refused.status_code == 409
    possible = readable.in_words(done.completed_at + timedelta(hours=24))
    assert f"You can ask for a new one after {escape(possible)}." in refused.content.decode()
    assert DataSubjectRequest.objects.filter(member=member).count() == 1

    settings.WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS = 0
    allowed = logged_in.post(url_of(centre, "copy/"))

    assert allowed.status_code == 303
    assert DataSubjectRequest.objects.filter(member=member).count() == 2


@pytest.mark.django_db
def test_the_cool_down_runs_from_the_last_completion(logged_in, centre, member, settings):  # noqa: F811
    settings.WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS = 24
    done = completed_copy(member)
    DataSubjectRequest.objects.filter(pk=done.pk).update(
        completed_at=timezone.now() - timedelta(hours=24, minutes=1)
    )

    assert logged_in.post(url_of(centre, "copy/")).status_code == 303


@pytest.mark.django_db
def test_another_members_requests_do_not_block_mine(logged_in, centre, member):  # noqa: F811
    access.request_copy(make_member("other"))
    assert logged_in.post(url_of(centre, "copy/")).status_code == 303


# -- the copy's status page -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_status_page_refreshes_itself_until_the_copy_is_ready(logged_in, centre, member):  # noqa: F811
    dsr = access.request_copy(member)
    path = url_of(centre, f"copy/{dsr.pk}/")

    queued = logged_in.get(path)
    assert queued.status_code == 200
    assert queued.has_header("Refresh")
    assert b"<progress" in queued.content

    # A worker took it, reported 40 %, and died an hour ago.
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(
        status=DataSubjectRequest.RUNNING,
        progress=40,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    running = logged_in.get(path)
    assert running.has_header("Refresh")
    assert b'value="40"' in running.content

    assert access.build_access_report(dsr.pk) == "done"
    done = logged_in.get(path)
    assert done.status_code == 200
    assert not done.has_header("Refresh")
    assert f"copy/{dsr.pk}/download/".encode() in done.content
    assert b"<progress" not in done.content


@pytest.mark.django_db
def test_a_failed_copy_stops_refreshing(logged_in, centre, member):  # noqa: F811
    dsr = access.request_copy(member)
    worker_queue.claim(dsr.pk)
    worker_queue.mark_failed(dsr.pk, "exporting crm failed: ConnectionError")

    response = logged_in.get(url_of(centre, f"copy/{dsr.pk}/"))

    assert not response.has_header("Refresh")
    assert b"Something went wrong" in response.content
    assert b"ConnectionError" not in response.content  # staff's reason is not the member's


# -- activity --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_activity_is_paginated_and_only_the_members_own(logged_in, centre, member):  # noqa: F811
    other = make_member("other")
    for i in range(30):
        MemberActivity.objects.create(
            user=member, kind=MemberActivity.REQUEST, user_agent=f"MemberAgent-{i:02d}"
        )
    for _i in range(3):
        MemberActivity.objects.create(
            user=other, kind=MemberActivity.LOGIN, user_agent="OtherAgent"
        )
    mine = MemberActivity.objects.filter(user=member).count()  # 30 and the test client's login
    assert mine == 31

    first = text_of(logged_in.get(url_of(centre, "activity/")))
    second = text_of(logged_in.get(url_of(centre, "activity/"), {"page": 2}))

    assert html_rows(first) == 25
    assert html_rows(second) == mine - 25
    agents = re.findall(r"MemberAgent-\d\d", first + second)
    assert sorted(agents) == [f"MemberAgent-{i:02d}" for i in range(30)]
    assert "MemberAgent-29" in first and "MemberAgent-00" in second  # newest first
    assert "OtherAgent" not in first + second
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first


@pytest.mark.django_db
def test_logging_in_is_recorded_with_a_shortened_address(client, centre, member):  # noqa: F811
    response = client.post(
        "/admin/login/",
        {"username": "member", "password": "pw"},
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="LoginBrowser/1",
    )
    assert response.status_code == 302
    logins = list(MemberActivity.objects.filter(user=member, kind=MemberActivity.LOGIN))
    assert [(a.ip_address, a.user_agent) for a in logins] == [("203.0.113.0", "LoginBrowser/1")]

    page = text_of(client.get(url_of(centre, "activity/")))
    assert "203.0.113.0" in page
    assert "203.0.113.77" not in page


@pytest.mark.django_db
def test_the_test_clients_login_is_recorded_too(client, member):
    assert client.login(username="member", password="pw")
    assert list(MemberActivity.objects.filter(user=member).values_list("kind", flat=True)) == [
        MemberActivity.LOGIN
    ]


@pytest.mark.django_db
def test_a_failed_login_is_recorded_only_for_an_existing_account(client, member):
    response = client.post(
        "/admin/login/", {"username": "member", "password": "wrong"}, REMOTE_ADDR="203.0.113.77"
    )
    assert response.status_code == 200  # the form again
    failed = MemberActivity.objects.get(user=member)
    assert failed.kind == MemberActivity.LOGIN_FAILED
    assert failed.ip_address == "203.0.113.0"
    assert "wrong" not in failed.detail

    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.9")
    assert authenticate(request, username="nobody-here", password="pw") is None
    assert MemberActivity.objects.count() == 1


# -- my requests -----------------------------------------------------------------------------


def requested_at(moment, user):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return access.request_copy(user)


@pytest.mark.django_db
def test_my_requests_lists_mine_with_status_and_due_date(logged_in, centre, member):  # noqa: F811
    dsr = requested_at(datetime(2025, 1, 31, 12, 0, tzinfo=UTC), member)
    theirs = access.request_copy(make_member("other"))

    page = text_of(logged_in.get(url_of(centre, "requests/")))

    assert timezone.localtime(dsr.due_at).date() == date(2025, 2, 28)  # one calendar month
    rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page, flags=re.S)
    assert len(rows) == 1
    assert f'href="{url_of(centre, f"copy/{dsr.pk}/")}"' in rows[0]
    assert "Waiting to be processed" in rows[0]
    assert formats.date_format(date(2025, 2, 28), "DATE_FORMAT") in rows[0]
    assert f"copy/{theirs.pk}/" not in page


@pytest.mark.django_db
def test_the_due_date_is_a_calendar_month_in_the_sites_time_zone(logged_in, centre, member):  # noqa: F811
    # 23:30 UTC on 30 March is 01:30 on 31 March in Stockholm: received on the 31st.
    dsr = requested_at(datetime(2025, 3, 30, 23, 30, tzinfo=UTC), member)
    assert timezone.localtime(dsr.received_at).date() == date(2025, 3, 31)

    page = text_of(logged_in.get(url_of(centre, "requests/")))

    # One month after 31 March is 30 April (the month has no 31st), not 1 May.
    assert timezone.localtime(dsr.due_at).date() == date(2025, 4, 30)
    assert formats.date_format(date(2025, 4, 30), "DATE_FORMAT") in page


# -- consents --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_giving_and_withdrawing_from_the_privacy_centre(logged_in, centre, member):  # noqa: F811
    purpose = make_purpose("newsletter", name="Newsletter")
    path = url_of(centre, "consents/")

    def submit_the_form():
        page = text_of(logged_in.get(path))
        [(action, fields)] = [f for f in forms_of(page) if "/newsletter/" in f[0]]
        fields.pop("csrfmiddlewaretoken", None)
        assert fields["source"] == "privacy_centre"
        response = logged_in.post(action, fields)
        assert response.status_code == 303
        assert urlsplit(response["Location"]).path == path
        return fields["action"]

    assert submit_the_form() == "give"
    assert "You have agreed to this." in text_of(logged_in.get(path))
    assert submit_the_form() == "withdraw"
    assert "You have not agreed to this." in text_of(logged_in.get(path))

    records = ConsentRecord.objects.filter(user=member, purpose=purpose).order_by("pk")
    assert [(r.action, r.source) for r in records] == [
        (ConsentRecord.GIVEN, ConsentRecord.SOURCE_PRIVACY_CENTRE),
        (ConsentRecord.WITHDRAWN, ConsentRecord.SOURCE_PRIVACY_CENTRE),
    ]
    page = text_of(logged_in.get(path))
    assert page.count("<td>consent given</td>") == 1
    assert page.count("<td>consent withdrawn</td>") == 1


# -- confirming an email address ---------------------------------------------------------------


def ask_for_link(client, centre_page) -> str:
    """POST verify-email/ and return the link the email holds."""
    sent = len(mail.outbox)
    response = client.post(url_of(centre_page, "verify-email/"))
    assert response.status_code == 303
    assert urlsplit(response["Location"]).path == url_of(centre_page, "data/")
    assert len(mail.outbox) == sent + 1
    message = mail.outbox[-1]
    links = [link for link in links_in(message.body) if "/verify-email/" in link]
    assert len(links) == 1, message.body
    return links[0]


def path_of(link) -> str:
    return urlsplit(link).path


@pytest.mark.django_db
def test_the_email_holds_a_link_without_the_address(logged_in, centre, member):  # noqa: F811
    link = ask_for_link(logged_in, centre)

    message = mail.outbox[-1]
    assert message.to == ["member@example.com"]
    assert link in message.alternatives[0][0]
    assert path_of(link).startswith(url_of(centre, "verify-email/"))
    for form in (link, unquote(link), unquote(unquote(link))):
        assert "member@example.com" not in form.lower()
        assert "example.com" not in form.lower()
    for piece in re.split(r"[^A-Za-z0-9_-]+", path_of(link)):
        try:
            decoded = base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4))
        except (binascii.Error, ValueError):
            continue
        assert b"example.com" not in decoded


@pytest.mark.django_db
def test_confirming_the_address_brings_in_the_guest_order(logged_in, centre, member):  # noqa: F811
    Order.objects.create(email="Member@Example.com", shipping_address="Guest Street 9")
    assert "Guest Street 9" not in text_of(logged_in.get(url_of(centre, "data/")))
    link = ask_for_link(logged_in, centre)

    response = logged_in.get(path_of(link))

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == url_of(centre, "data/")
    assert list(VerifiedEmail.objects.values_list("user", "email")) == [
        (member.pk, "member@example.com")
    ]
    page = text_of(logged_in.get(url_of(centre, "data/")))
    assert "Guest Street 9" in item_card(page, "Orders")
    assert item_heading(page, "Orders") == "1 item"
    assert "Send me a confirmation link" not in page


def tampered(link):
    token = path_of(link).rstrip("/").rsplit("/", 1)[-1]
    i = len(token) - 5
    changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
    return path_of(link).replace(token, changed)


@pytest.fixture
def old_link(logged_in, centre, monkeypatch):  # noqa: F811
    """A link made 25 hours ago: only the signing clock is turned back."""
    real_time = time.time
    with monkeypatch.context() as patch:
        patch.setattr(signing, "time", SimpleNamespace(time=lambda: real_time() - 25 * 3600))
        return ask_for_link(logged_in, centre)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["tampered", "expired", "another account", "address changed"])
def test_a_bad_link_is_refused_and_confirms_nothing(client, centre, member, case, request):  # noqa: F811
    other = make_member("other", email="other@example.com")
    if case == "another account":
        client.force_login(other)
        link = path_of(ask_for_link(client, centre))
        client.force_login(member)
    elif case == "expired":
        client.force_login(member)
        link = path_of(request.getfixturevalue("old_link"))
    else:
        client.force_login(member)
        link = path_of(ask_for_link(client, centre))
        if case == "tampered":
            link = tampered(link)
        else:
            member.email = "new-address@example.com"
            member.save()

    response = client.get(link)

    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert not VerifiedEmail.objects.exists()


@pytest.mark.django_db
def test_the_owners_link_still_works_a_day_less_an_hour_later(client, centre, member, monkeypatch):  # noqa: F811
    client.force_login(member)
    real_time = time.time
    with monkeypatch.context() as patch:
        patch.setattr(signing, "time", SimpleNamespace(time=lambda: real_time() - 23 * 3600))
        link = ask_for_link(client, centre)

    assert client.get(path_of(link)).status_code == 302
    assert VerifiedEmail.objects.filter(user=member).count() == 1


@pytest.mark.django_db
def test_the_confirmation_service_refuses_every_bad_token(member, monkeypatch):
    """The same refusals below the view, so they are covered whatever the URL layer does."""
    other = make_member("other", email="other@example.com")
    good = email_verification.make_token(member)
    real_time = time.time
    with monkeypatch.context() as patch:
        patch.setattr(signing, "time", SimpleNamespace(time=lambda: real_time() - 25 * 3600))
        expired = email_verification.make_token(member)
    bad = {
        "tampered": good[:-5] + ("A" if good[-5] != "A" else "B") + good[-4:],
        "expired": expired,
        "another account": email_verification.make_token(other),
    }
    for case, token in bad.items():
        with pytest.raises(email_verification.VerificationFailed):
            email_verification.confirm(fresh(member), token)
        assert not VerifiedEmail.objects.exists(), case

    member.email = "new-address@example.com"
    member.save()
    with pytest.raises(email_verification.VerificationFailed):
        email_verification.confirm(fresh(member), good)
    assert not VerifiedEmail.objects.exists()

    fresh_token = email_verification.make_token(fresh(member))
    assert email_verification.confirm(fresh(member), fresh_token).email == (
        "new-address@example.com"
    )
