"""Restriction (GDPR Art. 18) and objection (Art. 21), and whether processing may go on.

A member asks, in the privacy centre, that one purpose (or ``"all"``) be restricted or objected
to; staff accept the request later. The accepted state lives in the request itself: status
"done" and ``outcome = {"active": true, "purpose": "<slug>", ...}``; lifting it sets ``active``
to false. No other table is needed, and the request remains the proof.

Purposes are named by slug:

- a consent purpose's slug (``ConsentPurpose.slug``): it rests on consent, or on the contract
  when the purpose is "needed to deliver the service";
- a declaration's purpose: its ``purpose_slug`` attribute if it has one, else the purpose text
  slugified in the site's default language (``"Security of your account"`` →
  ``"security-of-your-account"``), with the declaration's lawful basis.

:func:`processing_allowed` is what site code asks before it processes a member's data for a
purpose. It is cheap: the first call for a member in a request costs one query for the
restriction and objection state (and one for the purpose list, and the consent module's own
cached query); later calls on the same user object cost none.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.log_actions import log

from wagtail_gdpr import activity, consent, deadlines, emails, subject_requests
from wagtail_gdpr.models import ConsentPurpose, DataSubjectRequest, MemberActivity
from wagtail_gdpr.registry import (
    CONSENT,
    CONTRACT,
    LEGITIMATE_INTERESTS,
    PUBLIC_TASK,
    registry,
)

#: A restriction or objection that covers every purpose.
ALL = "all"
#: ``fn(member, purpose_slug) -> True | False | None``: a False from any hook wins.
HOOK = "wagtail_gdpr_processing_allowed"
KINDS = (DataSubjectRequest.RESTRICTION, DataSubjectRequest.OBJECTION)
#: Art. 21(1): objection applies to processing on these bases.
OBJECTABLE_BASES = frozenset({LEGITIMATE_INTERESTS, PUBLIC_TASK})
MAX_REASON_LENGTH = 2000

ACCEPTED_ACTION = "wagtail_gdpr.processing_request_accepted"
LIFTED_ACTION = "wagtail_gdpr.processing_request_lifted"

_CACHE_ATTR = "_wagtail_gdpr_processing"


class ProcessingRequestRefused(Exception):
    """The request cannot be made or accepted; ``message`` is for the member or staff to read."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Purpose:
    """One purpose members may name: its slug, a readable name and its lawful bases."""

    slug: str
    name: str
    bases: frozenset[str]
    #: The consent purpose whose consent it needs, when it rests on consent.
    consent_slug: str | None = None

    @property
    def rests_on_consent(self) -> bool:
        return CONSENT in self.bases

    @property
    def objectable(self) -> bool:
        return bool(self.bases & OBJECTABLE_BASES)


@dataclass
class _State:
    restricted: set[str] = field(default_factory=set)
    objected: set[str] = field(default_factory=set)
    purposes: dict[str, Purpose] | None = None


# -- purposes ----------------------------------------------------------------------------------


def declaration_slug(declaration) -> str:
    """A declaration's purpose slug: stable, whatever language the page is shown in."""
    explicit = getattr(declaration, "purpose_slug", None)
    if explicit:
        return str(explicit)
    with translation.override(settings.LANGUAGE_CODE):
        return slugify(str(declaration.purpose))


def purposes() -> dict[str, Purpose]:
    """Every purpose a member may name, by slug: consent purposes first, then declarations."""
    found: dict[str, Purpose] = {}
    for slug, name, required in ConsentPurpose.objects.filter(active=True).values_list(
        "slug", "name", "required"
    ):
        basis = CONTRACT if required else CONSENT
        found[slug] = Purpose(slug, name, frozenset({basis}), None if required else slug)
    for declaration in registry:
        slug = declaration_slug(declaration)
        if not slug:
            continue
        known = found.get(slug)
        if known is None:
            found[slug] = Purpose(
                slug,
                str(declaration.purpose),
                frozenset({declaration.lawful_basis}),
                slug if declaration.lawful_basis == CONSENT else None,
            )
        else:  # several declarations, or a declaration and a consent purpose, share a purpose
            consent_slug = known.consent_slug or (
                slug if declaration.lawful_basis == CONSENT else None
            )
            found[slug] = Purpose(
                slug, known.name, known.bases | {declaration.lawful_basis}, consent_slug
            )
    return found


def purpose_choices(kind: str | None = None) -> list[tuple[str, str]]:
    """``(slug, name)`` for a form; objections list only purposes an objection applies to."""
    listed = sorted(purposes().values(), key=lambda p: str(p.name).lower())
    if kind == DataSubjectRequest.OBJECTION:
        listed = [p for p in listed if p.objectable]
    return [(ALL, _("Everything you do with my data")), *((p.slug, p.name) for p in listed)]


def purpose_name(slug: str) -> str:
    if slug == ALL:
        return _("Everything you do with my data")
    known = purposes().get(slug)
    return str(known.name) if known else slug


# -- the state, cached on the user object ------------------------------------------------------


def _state(member) -> _State:
    """The member's accepted restrictions and objections: one query, then cached."""
    cached = getattr(member, _CACHE_ATTR, None) if member is not None else None
    if cached is not None:
        return cached
    state = _State()
    if member is not None and getattr(member, "pk", None):
        for kind, outcome in DataSubjectRequest.objects.filter(
            member_id=member.pk, kind__in=KINDS, status=DataSubjectRequest.DONE
        ).values_list("kind", "outcome"):
            outcome = outcome or {}
            if outcome.get("active") and outcome.get("purpose"):
                target = (
                    state.restricted if kind == DataSubjectRequest.RESTRICTION else state.objected
                )
                target.add(str(outcome["purpose"]))
    if member is not None:
        with suppress(AttributeError):  # an object that takes no attributes: no cache
            setattr(member, _CACHE_ATTR, state)
    return state


def _purposes_for(member, state: _State) -> dict[str, Purpose]:
    if state.purposes is None:
        state.purposes = purposes()
    return state.purposes


def forget_cached(member):
    """Drop the cached state, e.g. after staff changed it on this very object."""
    if member is not None and hasattr(member, _CACHE_ATTR):
        delattr(member, _CACHE_ATTR)


def _forget_member_cache(dsr: DataSubjectRequest):
    if DataSubjectRequest.member.is_cached(dsr):
        forget_cached(dsr.member)


def restricted(member, purpose_slug: str) -> bool:
    """Is an accepted restriction in force for this purpose (or for everything)?"""
    return bool({purpose_slug, ALL} & _state(member).restricted)


def objected(member, purpose_slug: str) -> bool:
    """Has an objection to this purpose (or to everything) been accepted?"""
    return bool({purpose_slug, ALL} & _state(member).objected)


def _built_in_verdict(member, purpose_slug: str) -> bool | None:
    """False when consent, a restriction or an objection forbids it; None for unknown purposes."""
    state = _state(member)
    if {purpose_slug, ALL} & state.restricted:
        return False  # Art. 18(2): restricted data is only stored
    purpose = _purposes_for(member, state).get(purpose_slug)
    if purpose is None:
        return None
    if purpose.rests_on_consent and not consent.has_consent(
        member, purpose.consent_slug or purpose_slug
    ):
        return False
    # Art. 21(1): an accepted objection stops processing on legitimate interests or public task.
    return not (purpose.objectable and {purpose_slug, ALL} & state.objected)


def processing_allowed(member, purpose_slug: str) -> bool:
    """May the member's data be processed for ``purpose_slug`` now?

    False when the purpose rests on consent the member has not given (or withdrew), when an
    accepted restriction covers it, when an accepted objection covers it and it rests on
    legitimate interests or a public task, or when any ``wagtail_gdpr_processing_allowed`` hook
    answers False. A purpose this add-on does not know is allowed only if a hook answers True.
    """
    verdict = _built_in_verdict(member, purpose_slug)
    if verdict is False:
        return False
    answers = [hook(member, purpose_slug) for hook in hooks.get_hooks(HOOK)]
    if any(answer is False for answer in answers):
        return False
    if verdict is None:
        return any(answer is True for answer in answers)
    return True


# -- the member asks ---------------------------------------------------------------------------


def request_change(
    user, kind: str, purpose_slug: str, reason: str = "", *, request=None
) -> DataSubjectRequest:
    """A logged-in member asks for a restriction or objection; staff decide on it.

    One open request per kind and purpose, and none while the same one is already in force.
    """
    if kind not in KINDS:
        raise ProcessingRequestRefused(_("This kind of request cannot be made here."))
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ProcessingRequestRefused(
            _("Please keep the reason under %(count)d characters.") % {"count": MAX_REASON_LENGTH}
        )
    known = purposes()
    if purpose_slug != ALL:
        purpose = known.get(purpose_slug)
        if purpose is None:
            raise ProcessingRequestRefused(_("We do not know this purpose. Please choose again."))
        if kind == DataSubjectRequest.OBJECTION and not purpose.objectable:
            if purpose.rests_on_consent:
                raise ProcessingRequestRefused(
                    _(
                        "This rests on your consent: withdraw it under “My consents” and we "
                        "stop at once."
                    )
                )
            raise ProcessingRequestRefused(
                _(
                    "We do not do this on the grounds of our legitimate interests or a public "
                    "task, so an objection does not apply. You can ask us to restrict it instead."
                )
            )
    now = timezone.now()
    with transaction.atomic():
        # Serialise a member's concurrent clicks on their own user row.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        same = DataSubjectRequest.objects.filter(member=user, kind=kind)
        for existing in same.filter(status__in=DataSubjectRequest.OPEN_STATUSES):
            if (existing.payload or {}).get("purpose") == purpose_slug:
                raise ProcessingRequestRefused(
                    _("You have already asked for this; we will answer that request first.")
                )
        for existing in same.filter(status=DataSubjectRequest.DONE):
            outcome = existing.outcome or {}
            if outcome.get("active") and outcome.get("purpose") == purpose_slug:
                raise ProcessingRequestRefused(_("This is already in force."))
        dsr = DataSubjectRequest.objects.create(
            kind=kind,
            status=DataSubjectRequest.IN_REVIEW,
            member=user,
            contact_email=getattr(user, user.get_email_field_name(), "") or "",
            language=get_language() or settings.LANGUAGE_CODE,
            received_at=now,
            verified_at=now,  # logged in: identity is established by the login
            due_at=deadlines.due_date(now, subject_requests.response_days(request)),
            payload={
                "purpose": purpose_slug,
                "purpose_name": purpose_name(purpose_slug),
                "reason": reason,
            },
        )
        activity.record(user, MemberActivity.REQUEST, detail=f"{kind} #{dsr.pk}", request=request)
    return dsr


# -- staff decide ------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _lock(dsr: DataSubjectRequest | int) -> DataSubjectRequest:
    locked = subject_requests.lock_request(dsr)
    if locked is None:
        raise ProcessingRequestRefused(_("This request no longer exists."))
    return locked


def _ensure_log_actions():
    """Register the audit-log actions unless ``register_log_actions`` hooks already did."""
    from wagtail.log_actions import registry as log_registry

    for action, (label, message) in LOG_ACTIONS.items():
        if not log_registry.action_exists(action):
            log_registry.register_action(action, label, message)


def _accept(dsr, staff_user, kind: str, purpose: str | None) -> DataSubjectRequest:
    _ensure_log_actions()
    now = timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        if dsr.kind != kind:
            raise ProcessingRequestRefused(_("This is not that kind of request."))
        if dsr.status not in (DataSubjectRequest.QUEUED, DataSubjectRequest.IN_REVIEW):
            raise ProcessingRequestRefused(_("This request is not waiting for a decision."))
        if dsr.member_id is None:
            raise ProcessingRequestRefused(
                _("Link the request to the member's account first: the state is kept per member.")
            )
        purpose = purpose or (dsr.payload or {}).get("purpose")
        if not purpose:
            raise ProcessingRequestRefused(_("Name the purpose this request covers."))
        if purpose != ALL and purpose not in purposes():
            raise ProcessingRequestRefused(_("There is no such purpose."))
        dsr.status = DataSubjectRequest.DONE
        dsr.completed_at = now
        dsr.outcome = {
            **(dsr.outcome or {}),
            "active": True,
            "purpose": purpose,
            "purpose_name": purpose_name(purpose),
            "accepted_by": staff_user.pk if staff_user else None,
            "accepted_at": _iso(now),
        }
        dsr.save(update_fields=["status", "completed_at", "outcome"])
        log(
            instance=dsr,
            action=ACCEPTED_ACTION,
            user=staff_user,
            data={"request_id": dsr.pk, "kind": kind, "purpose": purpose},
        )
        emails.send_after_commit(dsr.pk, "processing_decision")
    _forget_member_cache(dsr)
    return dsr


def _lift(dsr, staff_user, kind: str) -> DataSubjectRequest:
    _ensure_log_actions()
    now = timezone.now()
    with transaction.atomic():
        dsr = _lock(dsr)
        if dsr.kind != kind:
            raise ProcessingRequestRefused(_("This is not that kind of request."))
        if dsr.status != DataSubjectRequest.DONE or not (dsr.outcome or {}).get("active"):
            raise ProcessingRequestRefused(_("This is not in force."))
        dsr.outcome = {
            **dsr.outcome,
            "active": False,
            "lifted_by": staff_user.pk if staff_user else None,
            "lifted_at": _iso(now),
        }
        dsr.save(update_fields=["outcome"])
        log(
            instance=dsr,
            action=LIFTED_ACTION,
            user=staff_user,
            data={"request_id": dsr.pk, "kind": kind, "purpose": dsr.outcome.get("purpose")},
        )
        emails.send_after_commit(dsr.pk, "processing_decision")
    _forget_member_cache(dsr)
    return dsr


def accept_restriction(dsr, staff_user, *, purpose: str | None = None) -> DataSubjectRequest:
    """Restrict processing as asked (Art. 18); ``purpose`` overrides the one the member named."""
    return _accept(dsr, staff_user, DataSubjectRequest.RESTRICTION, purpose)


def lift_restriction(dsr, staff_user) -> DataSubjectRequest:
    """End a restriction (Art. 18(3)); the member is told."""
    return _lift(dsr, staff_user, DataSubjectRequest.RESTRICTION)


def accept_objection(dsr, staff_user, *, purpose: str | None = None) -> DataSubjectRequest:
    """Honour an objection (Art. 21): processing on legitimate interests or a public task stops."""
    return _accept(dsr, staff_user, DataSubjectRequest.OBJECTION, purpose)


def lift_objection(dsr, staff_user) -> DataSubjectRequest:
    """End an accepted objection, e.g. when the member withdraws it; the member is told."""
    return _lift(dsr, staff_user, DataSubjectRequest.OBJECTION)


def accept(dsr, staff_user, *, purpose: str | None = None) -> DataSubjectRequest:
    """Accept a restriction or an objection, whichever ``dsr`` is (for the staff queue)."""
    if dsr.kind == DataSubjectRequest.OBJECTION:
        return accept_objection(dsr, staff_user, purpose=purpose)
    return accept_restriction(dsr, staff_user, purpose=purpose)


#: Labels of the audit-log actions, for ``register_log_actions``.
LOG_ACTIONS = {
    ACCEPTED_ACTION: (gettext_lazy("Accept restriction or objection"),
                      gettext_lazy("Restriction or objection accepted")),
    LIFTED_ACTION: (gettext_lazy("Lift restriction or objection"),
                    gettext_lazy("Restriction or objection lifted")),
}  # fmt: skip
