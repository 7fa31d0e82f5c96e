"""Rate limits: counters in Django's cache, one fixed window per key.

A window is a stretch of ``seconds`` on the clock (an hour: from 10:00 to 11:00); its number is
part of the cache key, so a count never outlives its window, whatever the cache does with
timeouts. Counting is ``cache.add`` then ``cache.incr``: atomic in Redis and Memcached, so
parallel requests cannot slip past a limit there; Django's database and file caches count
correctly one request at a time, but not under parallel load, so use a shared Redis or
Memcached cache in production. Keys are keyed hashes of what is counted: neither addresses nor
IP addresses are stored in the cache.
"""

from __future__ import annotations

import time
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


def _key(scope: str, value: str, seconds: int) -> str:
    digest = salted_hmac(f"wagtail_gdpr.throttle.{scope}", str(value), algorithm="sha256")
    window = int(time.time() // seconds)
    return f"wagtail_gdpr:throttle:{scope}:{digest.hexdigest()[:40]}:{seconds}:{window}"


def hit(scope: str, value: str, seconds: int) -> int:
    """Count one attempt for ``value`` in the current window; returns the count, this one too."""
    key = _key(scope, value, seconds)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=seconds)
        return 1
    cache.touch(key, seconds)  # some caches' incr() puts the default timeout back
    return count


def over_limit(scope: str, value: str, rate: str | tuple[int, int]) -> bool:
    """Count one attempt for ``value``; ``True`` once the ``rate`` (``"3/h"``) is exceeded.

    The attempt is counted first, atomically, and only then compared: of 20 parallel attempts
    against a limit of 5, exactly 5 pass.
    """
    limit, seconds = parse_rate(rate)
    return hit(scope, value, seconds) > limit


def give_back(scope: str, value: str, seconds: int) -> None:
    """Undo one :func:`hit`, for an attempt that turned out to be allowed after all."""
    with suppress(ValueError):  # the window has ended: nothing to give back
        cache.decr(_key(scope, value, seconds))
