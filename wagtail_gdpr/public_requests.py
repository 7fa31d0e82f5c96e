"""Requests from people who are not logged in (GDPR Art. 12): a former member, a guest customer.

Anybody may ask, with an email address; the request is kept "unverified" until the address is
confirmed through an emailed link that is signed, expires and works once. Nothing here ever
looks for an account with that address: the answer, the email and the time taken are the same
whether there is one or not, and a confirmed request is never attached to a member by itself
(staff decide who the person is). Submissions are rate-limited per address and per IP address.
"""

from __future__ import annotations

import logging
import secrets
import warnings
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail_gdpr import mail, routes, signed_links, throttle
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.requests import legal_clock
from wagtail_gdpr.tables import DataSubjectRequest

logger = logging.getLogger(__name__)

SALT = "wagtail_gdpr.public_requests"
SOURCE = "public_form"
KINDS = (
    DataSubjectRequest.ACCESS,
    DataSubjectRequest.ERASURE,
    DataSubjectRequest.RECTIFICATION,
    DataSubjectRequest.RESTRICTION,
    DataSubjectRequest.OBJECTION,
)
#: The kinds that name a purpose.
PURPOSE_KINDS = (DataSubjectRequest.RESTRICTION, DataSubjectRequest.OBJECTION)
#: Nobody is attached to a public request, so no worker can run it: staff look at each one.
STATUS_AFTER_CONFIRMATION = dict.fromkeys(KINDS, DataSubjectRequest.IN_REVIEW)
MAX_MESSAGE_LENGTH = 2000
#: How many requests one address and one IP address may send, unless the site sets otherwise.
DEFAULT_RATES = app_settings.default("PUBLIC_REQUEST_RATES")


class Throttled(Refused):
    """Too many requests from this IP address; ``message`` is for the visitor."""


class LinkRefused(Refused):
    """The confirmation link cannot be used; ``message`` says why, for the visitor."""


def link_lifetime() -> timedelta:
    return timedelta(hours=float(app_settings.PUBLIC_REQUEST_LINK_HOURS))


def normalise(address: str) -> str:
    return (address or "").strip().lower()


# -- rate limits -------------------------------------------------------------------------------


def _rate(scope: str) -> tuple[int, int]:
    """``(count, seconds)`` for ``"address"`` or ``"ip"``, from
    ``WAGTAIL_GDPR_PUBLIC_REQUEST_RATES`` (its default fills what a site leaves out)."""
    rates = {**DEFAULT_RATES, **app_settings.PUBLIC_REQUEST_RATES}
    return throttle.parse_rate(rates[scope])


def _hit(scope: str, value: str) -> int:
    """Count one submission for ``value`` in the current window; returns the count so far."""
    _limit, seconds = _rate(scope)
    return throttle.hit(f"public-request-{scope}", value, seconds)


def client_ip(request) -> str:
    """The address the request came from. Behind a proxy, have it set ``REMOTE_ADDR``."""
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


# -- tokens ------------------------------------------------------------------------------------


def make_token(dsr: DataSubjectRequest) -> str:
    """Signed (request id and a one-time nonce), then base64url: letters, digits, - and _ only."""
    nonce = (dsr.payload or {}).get("confirmation", {}).get("nonce", "")
    return signed_links.make({"r": dsr.pk, "n": nonce}, salt=SALT)


def _load(token: str) -> dict:
    try:
        data = signed_links.read(token, salt=SALT, max_age=link_lifetime())
    except signing.SignatureExpired:
        raise LinkRefused(_("This link has expired. Please send your request again.")) from None
    except signing.BadSignature:
        raise LinkRefused(_("This link is not valid.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int) or not data.get("n"):
        raise LinkRefused(_("This link is not valid."))
    return data


def _check(dsr: DataSubjectRequest | None, data: dict) -> DataSubjectRequest:
    payload = (dsr.payload or {}) if dsr is not None else {}
    confirmation = payload.get("confirmation") or {}
    if (
        dsr is None
        or payload.get("source") != SOURCE
        or not secrets.compare_digest(str(confirmation.get("nonce", "")), str(data["n"]))
    ):
        raise LinkRefused(_("This link is not valid."))
    if confirmation.get("used_at"):
        raise LinkRefused(_("This link has already been used. Your request is with our staff."))
    if dsr.status != DataSubjectRequest.UNVERIFIED:
        raise LinkRefused(_("This request is no longer waiting for confirmation."))
    return dsr


def check(token: str) -> DataSubjectRequest:
    """The request a link confirms, if the link may still be used; else :class:`LinkRefused`."""
    data = _load(token)
    return _check(DataSubjectRequest.objects.filter(pk=data["r"]).first(), data)


# -- the visitor asks --------------------------------------------------------------------------


def submit(
    kind: str,
    address: str,
    message: str = "",
    *,
    request=None,
    centre=None,
    confirm_url_for=None,
    purpose: str = "",
):
    """Record a request and email the confirmation link; ``None`` when the address is throttled.

    The link leads to ``centre``, the privacy centre page that took the request (else the one of
    the site's privacy settings). Raises :class:`Throttled` when this IP address sent too many.
    A throttled *address* is not told apart from any other: the caller shows the same answer,
    and nothing is sent, so the form cannot be used to flood someone's mailbox nor to learn
    about other people's requests. ``purpose`` is the purpose slug a restriction or objection
    names (the caller's form checked it). (``confirm_url_for(token)``, the old way to build the
    link, still works for one release.)
    """
    if confirm_url_for is not None:
        warnings.warn(
            "submit(confirm_url_for=...) is deprecated: pass centre=<the privacy centre page>",
            DeprecationWarning,
            stacklevel=2,
        )
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    centre = centre or routes.centre_page(request=request)
    if centre is None and confirm_url_for is None:
        raise ImproperlyConfigured(
            "A public request needs a privacy centre page to confirm it at: choose one in the "
            "site's privacy settings."
        )
    address = normalise(address)
    message = (message or "").strip()[:MAX_MESSAGE_LENGTH]
    ip_limit, _seconds = _rate("ip")
    if _hit("ip", client_ip(request)) > ip_limit:
        raise Throttled(
            _("We received too many requests from your connection. Please try again later.")
        )
    address_limit, _seconds = _rate("address")
    if _hit("address", address) > address_limit:
        logger.info("A public privacy request was dropped: too many for one address today.")
        return None
    now = timezone.now()
    with transaction.atomic():
        dsr = DataSubjectRequest.objects.create(
            kind=kind,
            status=DataSubjectRequest.UNVERIFIED,
            member=None,
            contact_email=address,
            language=get_language() or settings.LANGUAGE_CODE,
            received_at=now,
            received_via=DataSubjectRequest.PUBLIC_FORM,
            purpose=purpose[:255] if kind in PURPOSE_KINDS else "",
            payload={
                "source": SOURCE,
                "message": message,
                "confirmation": {"nonce": secrets.token_hex(16), "sent_at": now.isoformat()},
            },
        )
        token = make_token(dsr)
        link = (
            confirm_url_for(token)
            if confirm_url_for is not None
            else routes.route_url(
                centre, "confirm_public_request", token, absolute=True, request=request
            )
        )
        transaction.on_commit(partial(send_confirmation, dsr.pk, link))
    logger.info("Public privacy request #%s received, waiting for confirmation.", dsr.pk)
    return dsr


def send_confirmation(request_id: int, confirm_url: str) -> bool:
    """Email the link. Failures are logged without the address; the visitor may ask again."""
    dsr = DataSubjectRequest.objects.filter(pk=request_id).first()
    if dsr is None or not dsr.contact_email:
        return False
    context = {
        "request_obj": dsr,
        "confirm_url": confirm_url,
        "valid_hours": int(link_lifetime().total_seconds() // 3600),
    }
    try:
        mail.send("confirm_request", dsr.contact_email, context, language=dsr.language)
    except Exception as exc:
        logger.warning(
            "The confirmation email of request #%s failed (%s).", request_id, type(exc).__name__
        )
        return False
    return True


def confirm(token: str, now=None) -> DataSubjectRequest:
    """Confirm the address: the request goes to staff and its clock starts. Works once."""
    data = _load(token)
    now = now or timezone.now()
    with transaction.atomic():
        dsr = _check(
            DataSubjectRequest.objects.select_for_update().filter(pk=data["r"]).first(), data
        )
        payload = dict(dsr.payload)
        payload["confirmation"] = {**payload["confirmation"], "used_at": now.isoformat()}
        dsr.payload = payload
        legal_clock.resume(dsr, now, legal_clock.response_days())
        dsr.verified_at = now
        dsr.status = STATUS_AFTER_CONFIRMATION[dsr.kind]
        dsr.save(update_fields=["payload", "status", "verified_at", *legal_clock.CLOCK_FIELDS])
    logger.info("Public privacy request #%s confirmed.", dsr.pk)
    return dsr


def discard_unconfirmed(now=None) -> int:
    """Requests never confirmed within the link's lifetime are cancelled and emptied.

    The address may have been typed by someone else: it is not kept. Returns the count.
    """
    now = now or timezone.now()
    stale = DataSubjectRequest.objects.filter(
        status=DataSubjectRequest.UNVERIFIED,
        member__isnull=True,
        verified_at__isnull=True,
        received_at__lt=now - link_lifetime(),
        payload__source=SOURCE,
    )
    return stale.update(
        status=DataSubjectRequest.CANCELLED,
        contact_email="",
        payload={"source": SOURCE, "discarded": "not confirmed"},
        completed_at=now,
    )
