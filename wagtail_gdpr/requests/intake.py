"""A member's request as every capability creates it: who asked, in what language, and when it
was received and is due."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wagtail_gdpr.errors import Refused
from wagtail_gdpr.requests import legal_clock


class RequestRefused(Refused):
    """The member may not make this request now; ``message`` says why, for them to read."""


def lock_member(user) -> None:
    """Lock the member's own row until the transaction ends: their parallel clicks queue up.

    :class:`MemberGone` when the account was erased a moment ago (by a click before this one):
    a request for it would point at nothing.
    """
    found = get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
    if found is None:
        raise MemberGone(_("Your account has been deleted, so nothing more can be asked for it."))


class MemberGone(RequestRefused):
    """The member's account no longer exists (erased by a parallel request)."""


def from_member(user, now, *, request=None, due: bool = True) -> dict:
    """The fields of a request a logged-in member makes now.

    Identity is established by the login, so the request is verified at once; the legal clock
    runs from ``now`` (``due=False`` for changes carried out at once, which are never due).
    """
    fields = {
        "member": user,
        "contact_email": getattr(user, user.get_email_field_name(), "") or "",
        "language": get_language() or settings.LANGUAGE_CODE,
        "received_at": now,
        "verified_at": now,
    }
    if due:
        fields["due_at"] = legal_clock.due_date(now, legal_clock.response_days(request))
    return fields
