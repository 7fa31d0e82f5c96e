"""A reference receiver for wagtail-gdpr's connector protocol, in plain Python.

Copy it into your system and adapt the three places marked ADAPT. It depends on nothing but the
standard library. What it does, as the protocol asks (docs: reference/connector-protocol.md):

1. checks the ``Gdpr-Signature`` header: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." + body>``
   with the shared secret, compared in constant time;
2. refuses a message signed more than ``TOLERANCE`` seconds ago, and one whose exact signature
   it has accepted before (a replay);
3. recognises a redelivery by the event's ``id`` (the idempotency key): the stored answer is sent
   again and nothing is done twice;
4. answers at once, or later: :func:`post_answer` signs an answer and posts it to the event's
   ``callback_url``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

TOLERANCE = 300  # seconds; the portal refuses answers signed longer ago than its own setting
HEADER = "Gdpr-Signature"


class Refused(Exception):
    """The message must be refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, seen, now: float | None = None) -> dict:
    """The event in ``body``, once its signature is checked; :class:`Refused` otherwise.

    ``seen(signature) -> bool`` records a signature and says whether it was recorded before
    (ADAPT: a table with a unique column, or a cache with a TTL longer than ``TOLERANCE``).
    """
    fields = dict(part.strip().split("=", 1) for part in (header or "").split(",") if "=" in part)
    timestamp, given = fields.get("t", ""), fields.get("v1", "")
    if not timestamp.isdigit() or not given:
        raise Refused(401, "missing or malformed signature")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE:
        raise Refused(401, "signed too long ago")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), given):
        raise Refused(401, "bad signature")
    if seen(f"{timestamp},{given}"):
        raise Refused(409, "replayed message")
    try:
        event = json.loads(body)
    except ValueError:
        raise Refused(400, "not JSON") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise Refused(400, "not an event")
    return event


def post_answer(secret: str, callback_url: str, answer: dict, timeout: float = 10) -> int:
    """Sign ``answer`` and post it to the event's callback URL; returns the HTTP status.

    The portal answers 200 once, 409 to a second answer for the same event, and 401 to a bad
    signature.
    """
    if not callback_url.startswith(("https://", "http://")):
        raise ValueError("the callback URL must be http(s)")
    body = json.dumps(answer).encode()
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        callback_url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", HEADER: sign(secret, body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
