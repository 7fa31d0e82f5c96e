"""Tokens for links sent by email: a value signed and timed by Django, in base64url.

A link carries only letters, digits, ``-`` and ``_``, so no mail program breaks it, and nothing
in it can be read or changed without the site's secret key.
"""

from __future__ import annotations

import base64
from datetime import timedelta

from django.core import signing


def make(value: dict, *, salt: str) -> str:
    """``value`` signed with the time, as a token for a link."""
    signed = signing.dumps(value, salt=salt)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def read(token: str, *, salt: str, max_age: timedelta) -> dict:
    """The value of a token made by :func:`make`; raises ``signing.BadSignature`` (or its
    ``SignatureExpired``) for a token that is malformed, forged or older than ``max_age``."""
    padded = (token or "") + "=" * (-len(token or "") % 4)
    try:
        signed = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (ValueError, UnicodeError):
        raise signing.BadSignature("malformed") from None
    return signing.loads(signed, salt=salt, max_age=max_age)
