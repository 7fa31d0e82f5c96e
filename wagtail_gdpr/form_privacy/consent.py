"""Consent asked on a form: the unticked box, the ledger line, the email and its withdrawal link.

A form whose editors chose a consent purpose shows an unticked box with the purpose's exact
text, in the page's language, and, hidden, the fingerprint of that text. Sending the form never
depends on ticking it. A ticked box appends a ledger line with the form as its source, the
fingerprint and the language of the text:

- for a member who is logged in, their own answer;
- for a guest, an answer kept under the address they gave on the form (the form must ask for
  one), which becomes theirs when they sign up and confirm that address.

An unticked box records nothing. The person is then emailed (at their account's address, or
the address they gave) a confirmation with a signed link that withdraws the consent: it names
only the ledger line, expires (``WAGTAIL_GDPR_FORM_CONSENT_LINK_DAYS``) and works while that
answer is the person's current one.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from wagtail_gdpr import consent, mail, routes, signed_links, throttle
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.consent import guests
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.form_privacy import addresses
from wagtail_gdpr.tables import ConsentPurpose, ConsentRecord, ConsentState

logger = logging.getLogger(__name__)

#: The names of the box and of the fingerprint of its text in the form (and its POST data).
BOX = "gdpr_consent"
SHOWN = "gdpr_consent_shown"
SALT = "wagtail_gdpr.form_consent"
#: Confirmation emails per address: nobody sends a stream of them by typing someone's address.
EMAILS_PER_ADDRESS = "5/d"


class LinkRefused(Refused):
    """A withdrawal link that cannot be used; ``message`` says why, for the visitor."""


# -- what the form shows -----------------------------------------------------------------------


def purpose_of(page) -> ConsentPurpose | None:
    """The active purpose the form asks for (its original, what answers are kept against)."""
    purpose = getattr(page, "privacy_consent_purpose", None)
    if purpose is None:
        return None
    purpose = purpose.original()
    if not purpose.active or purpose.required:
        return None
    return purpose


def text_for(purpose: ConsentPurpose, page) -> ConsentPurpose:
    """The purpose's text in the page's language, when a translation of its current version
    exists; else the text for the active language (the original when none is up to date)."""
    locale_id = getattr(page, "locale_id", None)
    if locale_id is not None:
        translated = ConsentPurpose.objects.filter(
            translation_key=purpose.translation_key, locale_id=locale_id
        ).first()
        if translated is not None and translated.version == purpose.version:
            return translated
    return purpose.for_reader()


def add_box(form: forms.Form, page) -> None:
    """Add the unticked box (labelled with the exact text) and the text's fingerprint to the
    form, when the page asks for consent."""
    purpose = purpose_of(page)
    if purpose is None:
        return
    shown = text_for(purpose, page)
    fingerprint = consent.text_sha256(shown.text)
    form.fields[BOX] = forms.BooleanField(
        label=shown.text,
        required=False,
        initial=False,
        help_text=gettext_lazy(
            "Optional: your answers are sent whether you tick it or not. You can withdraw your "
            "consent at any time."
        ),
    )
    form.fields[SHOWN] = forms.CharField(
        required=False, initial=fingerprint, widget=forms.HiddenInput
    )
    form.gdpr_consent = {"purpose": purpose, "shown": shown, "sha256": fingerprint}


def address_given(page, cleaned_data: dict) -> str:
    """The first address the person gave on the form (its email fields, or one named
    ``email``), normalised; "" when there is none."""
    keys = addresses.email_keys([page.pk])[page.pk] if page.pk else {addresses.USUAL_KEY}
    ordered = [name for name in cleaned_data if name in keys]
    for name in ordered:
        found = addresses.normalise(cleaned_data.get(name))
        if found:
            return found
    return ""


def clean_box(form: forms.Form, page) -> None:
    """Check the box against what was shown: a changed text is shown again, the new one; a
    guest who ticks it must give an address to keep the answer under."""
    asked = getattr(form, "gdpr_consent", None)
    if asked is None or not form.cleaned_data.get(BOX):
        return
    if form.data.get(SHOWN) != asked["sha256"]:
        form.data = form.data.copy()
        form.data[SHOWN] = asked["sha256"]
        form.add_error(
            BOX,
            _("The text of this box has changed since you opened the page. Please read it again."),
        )
        return
    user = getattr(form, "user", None)
    is_member = user is not None and user.is_authenticated
    if not is_member and not address_given(page, form.cleaned_data):
        form.add_error(
            BOX,
            _("Give your email address so that we can keep your consent, or leave the box empty."),
        )


def take_box(form: forms.Form) -> tuple[bool, str | None]:
    """Remove the box from the answers (the ledger keeps it, not the submission): whether it
    was ticked, and the fingerprint of the text shown."""
    data = getattr(form, "cleaned_data", None) or {}
    ticked = bool(data.pop(BOX, False))
    shown = data.pop(SHOWN, None)
    return ticked, shown


# -- recording it ------------------------------------------------------------------------------


def record(page, form, *, ticked: bool, shown_sha256: str | None, answers: dict, request=None):
    """Record the consent of a ticked box; nothing for an unticked one. Returns the ledger line
    (``None`` when nothing was recorded, or the person had already agreed)."""
    asked = getattr(form, "gdpr_consent", None)
    if not ticked or asked is None:
        return None
    purpose = asked["purpose"]
    user = getattr(form, "user", None)
    shown = {"version": purpose.version, "shown_sha256": shown_sha256}
    on_form = {"source": ConsentRecord.SOURCE_FORM, "request": request, "page": page, **shown}
    if user is not None and user.is_authenticated:
        entry = consent.give(user, purpose, **on_form)
        to = (getattr(user, user.get_email_field_name(), "") or "").strip()
    else:
        to = address_given(page, answers)
        entry = guests.give(to, purpose, **on_form)
    if entry is not None and to:
        transaction.on_commit(partial(send_confirmation, entry.pk, to, request=request))
    return entry


# -- the confirmation email and its link -------------------------------------------------------


def link_lifetime() -> timedelta:
    return timedelta(days=float(app_settings.FORM_CONSENT_LINK_DAYS))


def make_token(entry: ConsentRecord) -> str:
    """The ledger line's id, signed and timed, then base64url (letters, digits, - and _)."""
    return signed_links.make({"r": entry.pk}, salt=SALT)


def withdraw_url(entry: ConsentRecord, *, request=None) -> str:
    """The absolute link that withdraws ``entry``; "" when the site has no privacy centre."""
    return routes.centre_url(
        "withdraw_form_consent", make_token(entry), absolute=True, request=request
    )


def send_confirmation(entry_id: int, to: str, *, request=None) -> bool:
    """Email ``to`` what they agreed to on the form, with the link that withdraws it.

    Called after commit; a mail server's failure is logged and never undoes the submission.
    """
    entry = (
        ConsentRecord.objects.filter(pk=entry_id).select_related("purpose", "source_page").first()
    )
    if entry is None or not to:
        return False
    if throttle.over_limit("form-consent-address", to.lower(), EMAILS_PER_ADDRESS):
        return False
    page = entry.source_page
    language = entry.locale or get_language()
    with translation.override(language):
        purpose = entry.purpose.for_reader()  # its name in the language of the text shown
    context = {
        "purpose": purpose,
        "text": entry.text,
        "form_title": page.title if page is not None else "",
        "withdraw_url": withdraw_url(entry, request=request),
        "valid_days": app_settings.FORM_CONSENT_LINK_DAYS,
        "centre_url": routes.centre_url("my_consents", absolute=True, request=request),
    }
    try:
        mail.send("form_consent", to, context, language=language)
    except Exception as exc:  # noqa: BLE001 - the consent stands; only the email failed
        # The type only: a refused recipient's message holds the address.
        logger.error(
            "The confirmation of a consent given on a form could not be sent (%s).",
            type(exc).__name__,
        )
        return False
    return True


def _state_of(entry: ConsentRecord) -> ConsentState | None:
    if entry.user_id is not None:
        return ConsentState.objects.filter(user_id=entry.user_id, purpose=entry.purpose).first()
    return ConsentState.objects.filter(
        user__isnull=True, email=entry.email, purpose=entry.purpose
    ).first()


def check(token: str) -> ConsentRecord:
    """The ledger line a link withdraws, while it may still be used; else :class:`LinkRefused`.

    A link works while the answer it names is the person's current one: once it is withdrawn
    (by this link or another way), or replaced by a newer answer, the link is spent.
    """
    try:
        data = signed_links.read(token, salt=SALT, max_age=link_lifetime())
    except signing.SignatureExpired:
        raise LinkRefused(
            _(
                "This link has expired. You can withdraw your consent in your privacy centre, "
                "or ask us to."
            )
        ) from None
    except signing.BadSignature:
        raise LinkRefused(_("This link is not valid.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise LinkRefused(_("This link is not valid."))
    entry = (
        ConsentRecord.objects.filter(
            pk=data["r"], action=ConsentRecord.GIVEN, purpose__isnull=False
        )
        .select_related("purpose", "source_page")
        .first()
    )
    if entry is None:
        raise LinkRefused(_("This link is not valid."))
    state = _state_of(entry)
    if state is None or state.record_id != entry.pk or not state.given:
        raise LinkRefused(
            _("This consent has already been withdrawn or replaced: there is nothing to do.")
        )
    return entry


def withdraw_by_link(token: str, *, request=None) -> ConsentRecord:
    """Withdraw the consent the link names (see :func:`check`); returns the withdrawal line."""
    with transaction.atomic():
        entry = check(token)
        if entry.user_id is not None:
            user = get_user_model()._default_manager.filter(pk=entry.user_id).first()
            if user is None:
                raise LinkRefused(_("This link is not valid."))
            withdrawal = consent.withdraw(
                user,
                entry.purpose,
                source=ConsentRecord.SOURCE_FORM_LINK,
                request=request,
                page=entry.source_page,
            )
        else:
            withdrawal = guests.withdraw(
                entry.email,
                entry.purpose,
                source=ConsentRecord.SOURCE_FORM_LINK,
                request=request,
                page=entry.source_page,
            )
    if withdrawal is None:
        raise LinkRefused(
            _("This consent has already been withdrawn or replaced: there is nothing to do.")
        )
    return withdrawal
