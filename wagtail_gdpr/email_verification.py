"""Members confirm that they control their account's address, so guest data under it is theirs.

The link carries the member's id and a hash of the address, signed and valid for a day: no
address appears in the URL, and a link stops working once the account's address changes.
"""

import base64
import hashlib
import warnings
from datetime import timedelta

from django.core import signing
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail_gdpr import mail, routes
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.tables import VerifiedEmail

SALT = "wagtail_gdpr.email_verification"
MAX_AGE = timedelta(days=1)


class VerificationFailed(Refused):
    """The link cannot be used; ``message`` says why."""


def _address(user) -> str:
    return (getattr(user, user.get_email_field_name(), "") or "").strip().lower()


def _address_hash(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def make_token(user) -> str:
    """Signed, then base64url-encoded: page routes accept only letters, digits, - and _."""
    signed = signing.dumps({"u": user.pk, "e": _address_hash(_address(user))}, salt=SALT)
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
    try:
        data = signing.loads(_unwrap(token), salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise VerificationFailed(_("This link has expired. Ask for a new one.")) from None
    except signing.BadSignature:
        raise VerificationFailed(_("This link is not valid.")) from None
    address = _address(user)
    if data.get("u") != user.pk or data.get("e") != _address_hash(address) or not address:
        raise VerificationFailed(
            _("This link is for another account or an address you no longer use.")
        )
    verified, _created = VerifiedEmail.objects.get_or_create(user=user, email=address)
    return verified
