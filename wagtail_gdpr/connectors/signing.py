"""Signing what we send, and checking what connected systems answer: HMAC-SHA256.

The header ``Gdpr-Signature: t=<unix seconds>,v1=<hex>`` carries the time of signing and
``HMAC-SHA256(secret, "<t>." + body)``. The time is signed with the body, so a receiver can refuse
an old message (a replay) without trusting an unsigned header.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Gdpr-Signature"
#: The same header as Django's ``request.META`` names it.
META_KEY = "HTTP_GDPR_SIGNATURE"
VERSION = "v1"


class BadSignature(Exception):
    """The message is not signed with the shared secret, or was signed too long ago."""


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The value of the ``Gdpr-Signature`` header for ``body``."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},{VERSION}={_digest(secret, timestamp, body)}"


def parse(header: str) -> tuple[int, list[str]]:
    """``(timestamp, signatures)`` from a header; :class:`BadSignature` when it is malformed."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == VERSION and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise BadSignature("malformed signature header")
    return timestamp, signatures


def verify(secret: str, header: str, body: bytes, tolerance: int, now: float | None = None) -> int:
    """Check ``header`` against ``body``; returns the signed time. Compared in constant time."""
    timestamp, signatures = parse(header)
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise BadSignature("signed too long ago")
    expected = _digest(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in signatures):
        raise BadSignature("signature does not match")
    return timestamp
