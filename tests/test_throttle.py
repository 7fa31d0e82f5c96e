"""Rate-limit counters: a count lasts its whole window, whatever timeout the cache applies."""

import time

import pytest
from django.core.cache import cache

from wagtail_gdpr import throttle


@pytest.fixture
def file_cache(settings, tmp_path):
    """Django's file cache, whose incr() puts its default timeout (here 1 s) back."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
            "TIMEOUT": 1,
        }
    }
    cache.clear()
    yield
    cache.clear()


def test_a_count_outlives_the_caches_default_timeout(file_cache):
    assert throttle.hit("tries", "alice", 3600) == 1
    assert throttle.hit("tries", "alice", 3600) == 2
    time.sleep(1.3)  # longer than the cache's own timeout
    assert throttle.hit("tries", "alice", 3600) == 3
    assert throttle.hit("tries", "bob", 3600) == 1  # one count per value


def test_a_new_window_starts_from_nothing(monkeypatch):
    cache.clear()
    start = 1_800_000_000.0  # the start of a window of an hour
    monkeypatch.setattr(time, "time", lambda: start)
    assert [throttle.hit("tries", "alice", 3600) for _ in range(3)] == [1, 2, 3]
    monkeypatch.setattr(time, "time", lambda: start + 3600)
    assert throttle.hit("tries", "alice", 3600) == 1


def test_a_try_given_back_no_longer_counts():
    cache.clear()
    throttle.hit("tries", "alice", 60)
    throttle.hit("tries", "alice", 60)
    throttle.give_back("tries", "alice", 60)
    assert throttle.hit("tries", "alice", 60) == 2


def test_rates_read_as_the_docs_write_them():
    assert throttle.parse_rate("3/d") == (3, 86400)
    assert throttle.parse_rate("10/hour") == (10, 3600)
    assert throttle.parse_rate((5, 90)) == (5, 90)


def test_the_cache_never_holds_what_is_counted():
    key = throttle._key("public-request-address", "alice@example.com", 3600)
    assert "alice" not in key and "example" not in key
