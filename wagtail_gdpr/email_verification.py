"""Members confirm that they control their account's address, so guest data under it is theirs.

The link carries the member's id and a time, signed with the site's ``SECRET_KEY``
(``django.core.signing``) and valid for a day. The address is part of the signing key, never of
the link: no address, and no hash of one (which a guessed address could be checked against),
travels in a URL, and a link stops working once the account's address changes.

Changing the account's address by any path, the "correct my data" form included, follows one
rule (:func:`check_new_address`): one account per address, compared without case.
"""

import base64
import warnings
from datetime import timedelta

from django.core import signing
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail_gdpr import mail, routes, throttle
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.signals import email_confirmed
from wagtail_gdpr.tables import VerifiedEmail

SALT = "wagtail_gdpr.email_verification"
MAX_AGE = timedelta(days=1)

#: "Confirm your address" emails: per member, and per address whoever asks, so that nobody can
#: send a stream of them to an address by setting it on an account.
EMAILS_PER_MEMBER = "3/h"
EMAILS_PER_ADDRESS = "5/d"


class VerificationFailed(Refused):
    """The link cannot be used; ``message`` says why."""


class TooManyEmails(Refused):
    """Too many "confirm your address" emails were asked for; ``message`` says when to retry."""


def _address(user) -> str:
    return (getattr(user, user.get_email_field_name(), "") or "").strip().lower()


def _salt(address: str) -> str:
    """The signing key's salt: bound to the address, so no hash of it need travel."""
    return f"{SALT}:{address}"


def check_new_address(user, address: str) -> None:
    """Refuse an account address that another account already has (case ignored).

    The rule of every path that changes the account's address, so guest rows under someone
    else's address can never become this member's.
    """
    model = type(user)
    field = model.get_email_field_name()
    normalised = (address or "").strip()
    if not normalised:
        return
    taken = model._default_manager.filter(**{f"{field}__iexact": normalised})
    if user.pk is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise Refused(_("An account with this email address already exists."))


def make_token(user) -> str:
    """Signed, then base64url-encoded: page routes accept only letters, digits, - and _."""
    signed = signing.dumps({"u": user.pk}, salt=_salt(_address(user)))
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _unwrap(token: str) -> str:
    padded = token + "=" * (-len(token) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise signing.BadSignature("malformed") from None


def send_verification(user, confirm_url_for=None, *, request=None, centre=None) -> bool:
    """Email the member a link that confirms their account's address, in their language.

    The link leads to ``centre``, the privacy centre page the member asked on (else the one of
    the site's privacy settings); without either, nothing is sent. (``confirm_url_for(token)``,
    the old way to build the link, still works for one release.)
    """
    address = _address(user)
    if not address:
        return False
    if throttle.over_limit("verify-email-member", str(user.pk), EMAILS_PER_MEMBER) or (
        throttle.over_limit("verify-email-address", address, EMAILS_PER_ADDRESS)
    ):
        raise TooManyEmails(
            _("We have already sent several emails to confirm this address. Please wait for "
              "them, or try again later.")
        )  # fmt: skip
    if confirm_url_for is not None:
        warnings.warn(
            "send_verification(user, confirm_url_for) is deprecated: pass centre=<the page>",
            DeprecationWarning,
            stacklevel=2,
        )
        confirm_url = confirm_url_for(make_token(user))
    else:
        centre = centre or routes.centre_page(request=request)
        if centre is None:
            return False
        confirm_url = routes.route_url(
            centre, "confirm_email", make_token(user), absolute=True, request=request
        )
    mail.send(
        "verify_email",
        address,
        {"confirm_url": confirm_url, "user": user},
        language=get_language(),
    )
    return True


def confirm(user, token: str) -> VerifiedEmail:
    address = _address(user)
    try:
        data = signing.loads(_unwrap(token), salt=_salt(address), max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise VerificationFailed(_("This link has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        # Also a link for an address the account no longer has: the key differs.
        raise VerificationFailed(
            _("This link is not valid, or it is for an address you no longer use.")
        ) from None
    if not isinstance(data, dict) or data.get("u") != user.pk or not address:
        raise VerificationFailed(
            _("This link is for another account or an address you no longer use.")
        )
    verified, _created = VerifiedEmail.objects.get_or_create(user=user, email=address)
    email_confirmed.send(sender=VerifiedEmail, user=user, email=address)
    return verified
