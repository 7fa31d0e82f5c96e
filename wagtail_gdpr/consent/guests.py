"""Consent given by people who are not logged in: a guest who ticks a form's consent box.

A guest's answer is a ledger line with no member, kept under the address they gave on the form
(trimmed and in lower case), with a state of its own per address and purpose. It becomes a
member's answer when the member confirms that address (:func:`join`): the member's state then
rests on the guest's line, which stays as it was written, as the proof. An address the member
never confirmed joins nothing.

Nothing here is implied: an unticked box records nothing, and no answer is ever copied from
one address to another.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import activity
from wagtail_gdpr.consent import ledger
from wagtail_gdpr.registry import verified_emails
from wagtail_gdpr.signals import consent_changed
from wagtail_gdpr.tables import (
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    MemberActivity,
    VerifiedEmail,
)

MAX_LENGTH = 254


def normalise(address) -> str:
    """An address as the ledger keeps it: trimmed, in lower case; "" for anything else."""
    if not isinstance(address, str):
        return ""
    address = address.strip().lower()
    if "@" not in address or len(address) > MAX_LENGTH or any(c.isspace() for c in address):
        return ""
    return address


def _guest_record(email, purpose, action, *, shown, source, request, page):
    """Append a guest's line and move their state; ``None`` when nothing changes.

    A guest's state exists only while their consent is given: once it is withdrawn, nothing
    keeps their address but the ledger lines, which the retention sweep removes in time.
    """
    given = action != ConsentRecord.WITHDRAWN
    with transaction.atomic():
        state = (
            ConsentState.objects.select_for_update()
            .filter(user__isnull=True, email=email, purpose=purpose)
            .first()
        )
        if given and state and state.given and state.purpose_version == purpose.version:
            return None
        if not given and (state is None or not state.given):
            return None
        record = ConsentRecord.objects.create(
            user=None,
            email=email,
            purpose=purpose,
            purpose_version=purpose.version,
            action=action,
            text_sha256=ledger.remember_text(shown.text),
            locale=ledger._language(shown),
            source=source,
            source_page=page,
            **activity.request_facts(request),
        )
        if given:
            ConsentState.objects.update_or_create(
                user=None,
                email=email,
                purpose=purpose,
                defaults={"given": True, "purpose_version": purpose.version, "record": record},
            )
        else:
            state.delete()
    return record


def give(
    email: str,
    purpose: ConsentPurpose,
    *,
    source: str,
    version: int | None,
    shown_sha256: str | None,
    request=None,
    page=None,
) -> ConsentRecord | None:
    """Record a guest's consent under ``email``; raises ``StaleText`` when what they were shown
    has changed, and ``ConsentError`` for an address that is not one.

    It never becomes the answer of a member who already holds the address: whoever filled in
    the form without logging in may not be them (:func:`join`).
    """
    email = normalise(email)
    if not email:
        raise ledger.ConsentError(_("Give your email address to record your consent."))
    purpose = purpose.original()
    shown = ledger._shown_text(purpose, version, shown_sha256)
    record = _guest_record(
        email,
        purpose,
        ConsentRecord.GIVEN,
        shown=shown,
        source=source,
        request=request,
        page=page,
    )
    return record


def withdraw(
    email: str, purpose: ConsentPurpose, *, source: str, request=None, page=None
) -> ConsentRecord | None:
    """Withdraw a guest's consent under ``email``, and the consent of every member whose answer
    rests on it. Returns the guest's new line, or ``None`` when it was already withdrawn."""
    email = normalise(email)
    purpose = purpose.original()
    record = _guest_record(
        email,
        purpose,
        ConsentRecord.WITHDRAWN,
        shown=purpose.for_reader(),
        source=source,
        request=request,
        page=page,
    )
    resting = ConsentState.objects.filter(
        user__isnull=False,
        purpose=purpose,
        given=True,
        record__user__isnull=True,
        record__email=email,
    ).select_related("user")
    for state in resting:
        ledger.withdraw(state.user, purpose, source=source, request=request, page=page)
    return record


def _held_since(user, emails) -> dict:
    """``{address: since when the member holds it}``: since they first confirmed it, or, for
    the account's own address, since the account was opened, whichever came first."""
    now = timezone.now()
    opened = getattr(user, "date_joined", None) or now
    own = (getattr(user, user.get_email_field_name(), "") or "").strip().lower()
    held = {email: (opened if email == own else now) for email in emails}
    for row in VerifiedEmail.objects.filter(user=user):
        email = row.email.lower()
        if email in held:
            held[email] = min(held[email], row.verified_at)
    return held


def join(user, emails=None) -> int:
    """Make the guest answers kept under the member's confirmed addresses theirs.

    Only answers given before the member held the address (confirmed it, or, where the
    account's own address is trusted, opened the account) join, and only for purposes the
    member has not answered themselves: an answer given later, without logging in, may be
    anyone's, and never changes what the member chose. For each purpose the latest of them
    becomes the member's answer. The ledger is not rewritten: the member's state rests on the
    guest's line, and the member's history shows it. Returns how many of the member's answers
    changed. ``emails`` defaults to every address the member has confirmed.
    """
    if user is None or not getattr(user, "pk", None):
        return 0
    emails = sorted(verified_emails(user) if emails is None else {e.lower() for e in emails})
    if not emails:
        return 0
    held_since = _held_since(user, emails)
    guest_states = [
        state
        for state in ConsentState.objects.filter(user__isnull=True, email__in=emails)
        .select_related("record", "purpose")
        .order_by("record__created_at", "record_id")
        if state.record.created_at < held_since[state.email]
    ]
    if not guest_states:
        return 0
    latest = {}
    for state in guest_states:  # oldest first: the latest answer per purpose wins
        latest[state.purpose_id] = state
    changed = 0
    with transaction.atomic():
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        for purpose_id, guest in latest.items():
            own = (
                ConsentState.objects.select_for_update()
                .filter(user=user, purpose_id=purpose_id)
                .select_related("record")
                .first()
            )
            if own is not None:
                continue  # already theirs, or their own answer: never replaced
            ConsentState.objects.update_or_create(
                user=user,
                purpose_id=purpose_id,
                defaults={
                    "given": guest.given,
                    "purpose_version": guest.purpose_version,
                    "record": guest.record,
                    "email": "",
                },
            )
            activity.record(
                user,
                MemberActivity.CONSENT,
                detail=f"{guest.purpose.slug}: {guest.record.action}",  # read as the ledger's own
            )
            transaction.on_commit(
                partial(
                    consent_changed.send,
                    sender=ConsentRecord,
                    user=user,
                    purpose=guest.purpose,
                    given=guest.given,
                    record=guest.record,
                )
            )
            changed += 1
    ledger._forget_cached(user)
    return changed
