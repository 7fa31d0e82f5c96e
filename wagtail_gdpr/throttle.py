"""Rate limits: atomic counters in Django's cache, one window per key.

Counting uses ``cache.add`` then ``cache.incr``, which a shared cache (Redis, Memcached, the
database) performs atomically, so parallel requests cannot slip past a limit. Keys are keyed
hashes of what is counted: neither addresses nor IP addresses are stored in the cache.
"""

from __future__ import annotations

from contextlib import suppress

from django.core.cache import cache
from django.utils.crypto import salted_hmac

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | tuple[int, int]) -> tuple[int, int]:
    """``(count, seconds)`` of a rate: ``"3/d"`` (per second, minute, hour or day) or a pair."""
    if isinstance(rate, str):
        count, _slash, period = rate.partition("/")
        return int(count), PERIODS[period.strip()[:1].lower()]
    count, seconds = rate
    return int(count), int(seconds)


def _key(scope: str, value: str) -> str:
    digest = salted_hmac(f"wagtail_gdpr.throttle.{scope}", str(value), algorithm="sha256")
    return f"wagtail_gdpr:throttle:{scope}:{digest.hexdigest()[:40]}"


def hit(scope: str, value: str, seconds: int) -> int:
    """Count one attempt for ``value`` in the current window; returns the count, this one too."""
    key = _key(scope, value)
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=seconds)
        return 1


def give_back(scope: str, value: str) -> None:
    """Undo one :func:`hit`, for an attempt that turned out to be allowed after all."""
    with suppress(ValueError):  # the window has ended: nothing to give back
        cache.decr(_key(scope, value))


def attempts(scope: str, value: str) -> int:
    """How many attempts the current window holds for ``value``."""
    return int(cache.get(_key(scope, value), 0))
