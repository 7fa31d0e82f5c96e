"""Giving, withdrawing and reading consent; every change appends to the ledger.

The ledger (``ConsentRecord``) is the proof; ``ConsentState`` is the current answer per member
and purpose, updated in the same transaction so that reading it is one cheap query.

A purpose may be translated (one row per language); answers are kept against the original
purpose, whatever language the member read it in, and the ledger line records the language and
the exact text shown.
"""

from __future__ import annotations

import hashlib
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from wagtail_gdpr import activity, readable
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.registry import verified_emails
from wagtail_gdpr.signals import consent_changed
from wagtail_gdpr.tables import (
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    ConsentText,
    MemberActivity,
)

_CACHE_ATTR = "_wagtail_gdpr_consents"


class ConsentError(Refused):
    """A consent action that was refused; ``message`` is safe to show to the member."""


class UnknownPurpose(ConsentError):
    pass


class StaleText(ConsentError):
    """The member answered a text or version that has changed since it was shown."""


class CannotWithdrawRequired(ConsentError):
    pass


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remember_text(text: str) -> str:
    """Keep ``text`` once, under its SHA-256, so any ledger line can show what was agreed to."""
    digest = text_sha256(text)
    ConsentText.objects.get_or_create(sha256=digest, defaults={"text": text})
    return digest


def get_purpose(slug: str) -> ConsentPurpose:
    """The original of the active purpose ``slug`` (answers are kept against it)."""
    purpose = ConsentPurpose.objects.originals().filter(slug=slug, active=True).first()
    if purpose is None:
        raise UnknownPurpose(_("There is no such consent purpose."))
    return purpose


def texts_that_count(purpose: ConsentPurpose) -> list[ConsentPurpose]:
    """The original and every translation that is up to date with its version: the texts a
    member may have agreed to."""
    return [
        p
        for p in ConsentPurpose.objects.filter(translation_key=purpose.translation_key)
        .select_related("locale")
        .order_by("pk")
        if p.version == purpose.version
    ]


def _shown_text(purpose: ConsentPurpose, version, shown_sha256) -> ConsentPurpose:
    """Which text the member answered: the translation whose fingerprint they send back, or,
    without one (site code), the text for the active language. Raises :class:`StaleText` when
    it changed since it was shown."""
    stale = StaleText(
        _("“%(name)s” has changed since you read it. Please read it again.")
        % {"name": purpose.for_reader().name}
    )
    if version is not None and int(version) != purpose.version:
        raise stale
    if shown_sha256 is None:
        return purpose.for_reader()
    for candidate in texts_that_count(purpose):
        if text_sha256(candidate.text) == shown_sha256:
            return candidate
    raise stale


def _language(purpose: ConsentPurpose) -> str:
    locale = getattr(purpose, "locale", None)
    return locale.language_code if locale is not None else ""


def _forget_cached(user):
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _record(user, purpose, action, *, version, shown_sha256, source, request, page):
    purpose = purpose.original()
    shown = _shown_text(purpose, version, shown_sha256)
    given = action != ConsentRecord.WITHDRAWN
    with transaction.atomic():
        # The member's row first: before their first answer there is no state row to lock, and
        # two answers at once would each create one.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        state = ConsentState.objects.select_for_update().filter(user=user, purpose=purpose).first()
        if state and state.given == given and state.purpose_version == purpose.version:
            return None  # nothing changes: no new ledger line
        record = ConsentRecord.objects.create(
            user=user,
            purpose=purpose,
            purpose_version=purpose.version,
            action=action,
            text_sha256=remember_text(shown.text),
            locale=_language(shown),
            source=source,
            source_page=page,
            **activity.request_facts(request),
        )
        ConsentState.objects.update_or_create(
            user=user,
            purpose=purpose,
            defaults={"given": given, "purpose_version": purpose.version, "record": record},
        )
        activity.record(
            user,
            MemberActivity.CONSENT,
            detail=f"{purpose.slug}: {action}",
            request=request,
        )
        transaction.on_commit(
            partial(
                consent_changed.send,
                sender=ConsentRecord,
                user=user,
                purpose=purpose,
                given=given,
                record=record,
            )
        )
    _forget_cached(user)
    return record


def give(
    user,
    purpose: ConsentPurpose | str,
    *,
    source: str,
    version: int | None = None,
    shown_sha256: str | None = None,
    request=None,
    page=None,
) -> ConsentRecord | None:
    """Record consent (or, for a purpose needed for the service, acknowledgement).

    ``version`` and ``shown_sha256`` are what the member was shown; when they no longer match
    the purpose, :class:`StaleText` is raised and nothing is recorded. Returns the new ledger
    line, or ``None`` when the member had already agreed to this version.
    """
    if isinstance(purpose, str):
        purpose = get_purpose(purpose)
    purpose = purpose.original()
    action = ConsentRecord.ACKNOWLEDGED if purpose.required else ConsentRecord.GIVEN
    return _record(
        user,
        purpose,
        action,
        version=version,
        shown_sha256=shown_sha256,
        source=source,
        request=request,
        page=page,
    )


def withdraw(
    user, purpose: ConsentPurpose | str, *, source: str, request=None, page=None
) -> ConsentRecord | None:
    """Withdraw consent: one action, as easy as giving it."""
    if isinstance(purpose, str):
        purpose = get_purpose(purpose)
    purpose = purpose.original()
    if purpose.required:
        raise CannotWithdrawRequired(
            _(
                "“%(name)s” is needed to provide the service; it rests on our contract, not on "
                "consent. You can close your account instead."
            )
            % {"name": purpose.for_reader().name}
        )
    return _record(
        user,
        purpose,
        ConsentRecord.WITHDRAWN,
        version=None,
        shown_sha256=None,
        source=source,
        request=request,
        page=page,
    )


def withdrawal_confirmation(purpose: ConsentPurpose, record: ConsentRecord | None) -> str:
    """What the member is told after withdrawing: what, when, and what happens now."""
    name = purpose.for_reader().name
    if record is None:
        return _("You had already withdrawn your consent to “%(name)s”.") % {"name": name}
    return _(
        "You withdrew your consent to “%(name)s” on %(when)s. We no longer use your data for "
        "it; your privacy centre keeps a record of the change."
    ) % {"name": name, "when": readable.moment(record.created_at)}


def acknowledge_notice(user, notice_version, *, source: str, request=None) -> ConsentRecord:
    """Record that the member acknowledged a version of the privacy notice (in the language of
    the notice page it is a version of)."""
    return ConsentRecord.objects.create(
        user=user,
        notice_version=notice_version,
        action=ConsentRecord.ACKNOWLEDGED,
        text_sha256=notice_version.text_sha256,
        locale=notice_language(notice_version),
        source=source,
        **activity.request_facts(request),
    )


def notice_language(notice_version) -> str:
    """The language code of the notice page a version belongs to, or ""."""
    page = Page.objects.filter(pk=notice_version.page_id).select_related("locale").first()
    return page.locale.language_code if page is not None else ""


def current_consents(user) -> dict[str, bool]:
    """``{slug: agreed}`` for every active purpose the member answered; one query, then cached."""
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {
            slug: given and version == current
            for slug, given, version, current in ConsentState.objects.filter(
                user=user, purpose__active=True
            ).values_list("purpose__slug", "given", "purpose_version", "purpose__version")
        }
        setattr(user, _CACHE_ATTR, cached)
    return cached


def has_consent(user, slug: str) -> bool:
    """Did the member agree to the current version of the purpose and not withdraw?

    Agreement to an earlier version does not count: the member is asked again.
    """
    return current_consents(user).get(slug, False)


def history_filter(user, emails=None) -> Q:
    """The member's ledger lines: their own, and the answers they gave on forms as a guest,
    under the addresses they confirmed (``emails``, by default every one of them)."""
    emails = sorted(verified_emails(user) if emails is None else emails)
    condition = Q(user=user)
    if emails:
        condition |= Q(user__isnull=True, email__in=emails)
    return condition


def history(user):
    """The member's ledger, newest first, with the exact texts they were shown."""
    return (
        ConsentRecord.objects.filter(history_filter(user))
        .select_related("purpose", "notice_version", "source_page")
        .order_by("-created_at", "-pk")
    )


def history_in_words(user, limit: int | None = None) -> list[dict]:
    """The member's ledger, newest first, as they read it: the words they were shown first (a
    purpose's text, a notice version as text), the fingerprint of those words after them."""
    records = list(history(user)[:limit] if limit else history(user))
    texts = dict(
        ConsentText.objects.filter(sha256__in={r.text_sha256 for r in records}).values_list(
            "sha256", "text"
        )
    )
    actions, sources = dict(ConsentRecord.ACTIONS), dict(ConsentRecord.SOURCES)
    return [
        {
            "time": r.created_at,
            "action": r.action,
            "action_label": str(actions.get(r.action, r.action)),
            "purpose": r.purpose.for_reader().name if r.purpose else _("Privacy notice"),
            "version": r.purpose_version or (r.notice_version.number if r.notice_version else None),
            "text": readable.shown_text(texts.get(r.text_sha256, "")),
            "text_sha256": r.text_sha256,
            "language": r.locale or None,
            "source": r.source,
            "source_label": str(sources.get(r.source, r.source)),
            "where": where_in_words(r),
        }
        for r in records
    ]


def where_in_words(record: ConsentRecord) -> str:
    """Where an answer was given, as the member reads it: a form by its title."""
    form_sources = (ConsentRecord.SOURCE_FORM, ConsentRecord.SOURCE_FORM_LINK)
    if record.source in form_sources and record.source_page_id:
        page = record.source_page
        title = page.title if page is not None else ""
        if record.source == ConsentRecord.SOURCE_FORM_LINK:
            return (
                _("The link in the confirmation email of the form “%(title)s”") % {"title": title}
                if title
                else _("The link in a form's confirmation email")
            )
        return _("The form “%(title)s”") % {"title": title} if title else _("A form on the site")
    return str(dict(ConsentRecord.SOURCES).get(record.source, record.source)).capitalize()
