"""Rate limits that hold under parallel requests, wherever guessing or mailing is possible.

The erasure password (5 wrong tries an hour), "confirm your address" emails (3 an hour per
member, 5 a day per address), requests for a copy (5 an hour) and public requests (3 a day per
address, 10 an hour per IP). Each count is taken atomically (``cache.add`` + ``cache.incr``)
before the attempt is judged: parallel attempts cannot slip past a limit.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client

from tests.access_helpers import add_privacy_centre, make_member, url_of
from wagtail_gdpr import email_verification, throttle
from wagtail_gdpr.access import copies
from wagtail_gdpr.models import DataSubjectRequest, MemberActivity

PARALLEL = 20
PASSWORD = "pw"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def in_parallel(count: int, attempt) -> list:
    """``attempt(i)`` in ``count`` threads that start together on a barrier; their results."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait()
        try:
            return attempt(i)
        finally:
            connection.close()  # each thread has its own database connection

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


# -- the erasure password, through the page, on the suite's database ---------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_wrong_passwords_get_exactly_five_tries():
    centre = add_privacy_centre()
    alice = make_member("alice")
    erase_url = url_of(centre, "erase/")
    clients = []
    for _ in range(PARALLEL):
        client = Client()
        client.force_login(alice)
        clients.append(client)

    def guess(i):
        response = clients[i].post(erase_url, {"password": f"guess-{i}", "confirm": "on"})
        return response.status_code, response.content.decode()

    answers = in_parallel(PARALLEL, guess)

    assert {status for status, _page in answers} == {400}
    wrong = [page for _s, page in answers if "That is not your password." in page]
    throttled = [page for _s, page in answers if "Too many wrong passwords" in page]
    assert (len(wrong), len(throttled)) == (5, PARALLEL - 5)
    assert MemberActivity.objects.filter(user=alice, kind="login_failed").count() == 5
    # The right password is refused too now, and nothing is erased.
    late = clients[0].post(erase_url, {"password": PASSWORD, "confirm": "on"})
    assert "Too many wrong passwords" in late.content.decode()
    assert get_user_model().objects.filter(pk=alice.pk).exists()
    assert not DataSubjectRequest.objects.filter(kind=DataSubjectRequest.ERASURE).exists()


# -- the same counter on a real Redis, as a site with several processes has it ------------------


@pytest.fixture
def redis_cache(settings):
    """Django's Redis cache on the run's Redis database: one count for every process.

    The database is the broker's too: only this test's own keys (a prefix of the run's own)
    are removed afterwards, never the whole database.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"wagtail-gdpr-tests-{os.getpid()}-{time.time_ns()}",
        }
    }
    redis = caches["default"]
    keys = [throttle._key("tries", name, 3600) for name in ("alice", "bob")]
    yield redis
    redis.delete_many(keys)


@pytest.mark.broker
def test_on_redis_twenty_parallel_tries_pass_exactly_five(redis_cache):
    # Each thread talks to Redis over its own connection, as separate processes would.
    results = in_parallel(PARALLEL, lambda i: throttle.over_limit("tries", "alice", "5/h"))
    assert results.count(False) == 5
    assert results.count(True) == PARALLEL - 5
    assert throttle.over_limit("tries", "bob", "5/h") is False  # one count per value
    assert redis_cache.get(throttle._key("tries", "alice", 3600)) == PARALLEL


# -- "confirm your address" emails ---------------------------------------------------------------


@pytest.mark.django_db
def test_confirm_your_address_emails_are_limited_per_member(client):
    centre = add_privacy_centre()
    alice = make_member("alice")
    client.force_login(alice)
    for _ in range(3):
        response = client.post(url_of(centre, "verify-email/"), follow=True)
        assert "We sent you an email" in response.content.decode()
    response = client.post(url_of(centre, "verify-email/"), follow=True)
    assert "We have already sent several emails" in response.content.decode()
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_confirm_your_address_emails_are_limited_per_address(db):
    centre = add_privacy_centre()
    # Members who each set the same address on their account, one after the other.
    sent = 0
    for number in range(8):
        member = make_member(f"member{number}", email="victim@example.com")
        try:
            email_verification.send_verification(member, centre=centre)
        except email_verification.TooManyEmails:
            continue
        sent += 1
    assert sent == 5
    assert {message.to[0] for message in mail.outbox} == {"victim@example.com"}
    assert len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_parallel_confirm_your_address_requests_send_three(db):
    centre = add_privacy_centre()
    alice = make_member("alice")

    def ask(_i):
        try:
            return email_verification.send_verification(alice, centre=centre)
        except email_verification.TooManyEmails:
            return False

    assert in_parallel(10, ask).count(True) == 3
    assert len(mail.outbox) == 3


# -- requests for a copy -------------------------------------------------------------------------


@pytest.mark.django_db
def test_requests_for_a_copy_are_limited(client, settings):
    settings.WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS = 0
    centre = add_privacy_centre()
    alice = make_member("alice")
    client.force_login(alice)
    statuses = []
    for _ in range(6):
        DataSubjectRequest.objects.filter(member=alice).update(status=DataSubjectRequest.DONE)
        statuses.append(client.post(url_of(centre, "copy/")).status_code)
    assert statuses == [303] * 5 + [429]
    with pytest.raises(copies.TooManyRequests):
        copies.request_copy(alice)
