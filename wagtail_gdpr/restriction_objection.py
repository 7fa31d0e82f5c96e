"""Restriction (GDPR Art. 18) and objection (Art. 21): members ask, staff accept or lift.

A member asks, in the privacy centre, that one purpose (or ``"all"``) be restricted or objected
to; staff accept the request later. The accepted state lives on the request itself: status
"done", ``purpose`` the slug it covers and ``in_force`` true; lifting it sets ``in_force`` to
false. No other table is needed, and the request remains the proof.

Purposes are named by slug:

- a consent purpose's slug (``ConsentPurpose.slug``): it rests on consent, or on the contract
  when the purpose is "needed to deliver the service";
- a declaration's purpose: its ``purpose_slug`` attribute if it has one, else the purpose text
  slugified in the site's default language (``"Security of your account"`` →
  ``"security-of-your-account"``), with the declaration's lawful basis.

Whether processing may go on, all things considered, is
:func:`wagtail_gdpr.processing.processing_allowed`.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wagtail_gdpr import activity, audit
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.connectors import outbox
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.registry import (
    CONSENT,
    CONTRACT,
    LEGITIMATE_INTERESTS,
    PUBLIC_TASK,
    registry,
)
from wagtail_gdpr.requests import in_words, intake, member_emails, notes, worker_queue
from wagtail_gdpr.tables import ConsentPurpose, DataSubjectRequest, MemberActivity, RequestNote

#: A restriction or objection that covers every purpose.
ALL = "all"
KINDS = (DataSubjectRequest.RESTRICTION, DataSubjectRequest.OBJECTION)
#: Art. 21(1): objection applies to processing on these bases.
OBJECTABLE_BASES = frozenset({LEGITIMATE_INTERESTS, PUBLIC_TASK})
MAX_REASON_LENGTH = 2000

_CACHE_ATTR = "_wagtail_gdpr_processing"


class ProcessingRequestRefused(Refused):
    """The request cannot be made or accepted; ``message`` is for the member or staff to read."""


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
    for purpose in ConsentPurpose.objects.originals().filter(active=True):
        slug, required = purpose.slug, purpose.required
        basis = CONTRACT if required else CONSENT
        name = purpose.for_reader().name  # in the member's language
        found[slug] = Purpose(slug, name, frozenset({basis}), None if required else slug)
    for declaration in registry.about_members():
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
    """``(slug, name)`` for staff's form; objections list only purposes an objection applies to."""
    listed = sorted(purposes().values(), key=lambda p: str(p.name).lower())
    if kind == DataSubjectRequest.OBJECTION:
        listed = [p for p in listed if p.objectable]
    return [(ALL, _("Everything you do with my data")), *((p.slug, p.name) for p in listed)]


def activities() -> list[Purpose]:
    """What the site does with members' data, each once, by its plain name: the purposes of
    the declarations that do not rest on consent (consent is withdrawn, not objected to)."""
    seen: set[str] = set()
    found = []
    for purpose in sorted(purposes().values(), key=lambda p: str(p.name).lower()):
        name = " ".join(str(purpose.name).split()).casefold()
        if purpose.rests_on_consent or purpose.slug in _consent_purpose_slugs() or name in seen:
            continue
        seen.add(name)
        found.append(purpose)
    return found


def _consent_purpose_slugs() -> set[str]:
    return set(ConsentPurpose.objects.values_list("slug", flat=True))


def member_choices(kind: str | None = None) -> list:
    """The choices of the member's form: everything, then each activity once, grouped by what
    the member may ask for it (an objection only where it rests on legitimate interests or a
    public task, Art. 21(1)); for an objection, only those."""
    found = activities()
    objectable = [(p.slug, p.name) for p in found if p.objectable]
    restrictable = [(p.slug, p.name) for p in found if not p.objectable]
    everything = (ALL, _("Everything you do with my data"))
    if kind == DataSubjectRequest.OBJECTION:
        return [everything, *objectable]
    if kind == DataSubjectRequest.RESTRICTION:
        return [everything, *objectable, *restrictable]
    choices = [everything]
    if objectable:
        choices.append((_("You may object to it or ask us to restrict it"), objectable))
    if restrictable:
        choices.append((_("You may ask us to restrict it"), restrictable))
    return choices


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
        for kind, purpose in in_force(member).values_list("kind", "purpose"):
            target = state.restricted if kind == DataSubjectRequest.RESTRICTION else state.objected
            target.add(purpose)
    if member is not None:
        with suppress(AttributeError):  # an object that takes no attributes: no cache
            setattr(member, _CACHE_ATTR, state)
    return state


def in_force(member):
    """The member's accepted restrictions and objections that are in force."""
    return DataSubjectRequest.objects.filter(
        member_id=member.pk, kind__in=KINDS, in_force=True
    ).exclude(purpose="")


def purposes_for(member) -> dict[str, Purpose]:
    """:func:`purposes`, cached with the member's state."""
    state = _state(member)
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


def decision(dsr: DataSubjectRequest) -> dict:
    """A restriction or objection as its member reads it: what, whether in force, since when."""
    payload, outcome = dsr.payload or {}, dsr.outcome or {}
    return {
        "purpose_name": (outcome.get("purpose_name") or payload.get("purpose_name"))
        if dsr.purpose
        else "",
        "in_force": dsr.in_force,
        "accepted_at": parse_datetime(outcome.get("accepted_at") or ""),
        "lifted_at": parse_datetime(outcome.get("lifted_at") or ""),
        "reason": payload.get("reason", ""),
    }


# -- the member asks ---------------------------------------------------------------------------


def check_purpose(kind: str, purpose_slug: str) -> None:
    """May a member ask ``kind`` for this purpose? If not, :class:`ProcessingRequestRefused`."""
    if purpose_slug == ALL:
        return
    purpose = purposes().get(purpose_slug)
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
    check_purpose(kind, purpose_slug)
    now = timezone.now()
    with transaction.atomic():
        try:
            intake.lock_member(user)
        except intake.MemberGone as exc:
            raise ProcessingRequestRefused(exc.message) from None
        same = DataSubjectRequest.objects.filter(member=user, kind=kind, purpose=purpose_slug)
        if same.filter(status__in=DataSubjectRequest.OPEN_STATUSES).exists():
            raise ProcessingRequestRefused(
                _("You have already asked for this; we will answer that request first.")
            )
        if same.filter(in_force=True).exists():
            raise ProcessingRequestRefused(_("This is already in force."))
        dsr = DataSubjectRequest.objects.create(
            kind=kind,
            status=DataSubjectRequest.IN_REVIEW,
            purpose=purpose_slug,
            payload={"purpose_name": purpose_name(purpose_slug), "reason": reason},
            **intake.from_member(user, now, request=request),
        )
        activity.record(user, MemberActivity.REQUEST, detail=f"{kind} #{dsr.pk}", request=request)
    return dsr


# -- staff decide ------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _lock(dsr: DataSubjectRequest | int) -> DataSubjectRequest:
    locked = worker_queue.lock_request(dsr)
    if locked is None:
        raise ProcessingRequestRefused(_("This request no longer exists."))
    return locked


def _accept(dsr, staff_user, kind: str, purpose: str | None) -> DataSubjectRequest:
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
        purpose = purpose or dsr.purpose
        if not purpose:
            raise ProcessingRequestRefused(
                _("Choose the purpose this request covers, or ask the requester which they mean.")
            )
        known = purposes()
        if purpose != ALL and purpose not in known:
            raise ProcessingRequestRefused(_("There is no such purpose."))
        objection = kind == DataSubjectRequest.OBJECTION
        if objection and purpose != ALL and not known[purpose].objectable:
            raise ProcessingRequestRefused(
                _(
                    "An objection applies only to what rests on legitimate interests or a public "
                    "task: choose such a purpose, or refuse the objection."
                )
            )
        if purpose != dsr.purpose and dsr.purpose:
            dsr.payload = {**(dsr.payload or {}), "asked_purpose": dsr.purpose}
        dsr.status = DataSubjectRequest.DONE
        dsr.completed_at = now
        dsr.purpose = purpose
        dsr.in_force = True
        dsr.outcome = {
            **(dsr.outcome or {}),
            "purpose_name": purpose_name(purpose),
            "accepted_by": staff_user.pk if staff_user else None,
            "accepted_at": _iso(now),
        }
        dsr.save(
            update_fields=["status", "completed_at", "purpose", "in_force", "payload", "outcome"]
        )
        audit.record(dsr, audit.PROCESSING_ACCEPTED, staff_user, purpose=purpose)
        outbox.record(dsr, dsr.member, purpose=purpose_name(purpose))  # restriction only
        member_emails.send_after_commit(dsr.pk, "processing_decision")
    _forget_member_cache(dsr)
    return dsr


def _in_force(dsr, kind: str) -> DataSubjectRequest:
    dsr = _lock(dsr)
    if dsr.kind != kind:
        raise ProcessingRequestRefused(_("This is not that kind of request."))
    if dsr.status != DataSubjectRequest.DONE or not dsr.in_force:
        raise ProcessingRequestRefused(_("This is not in force."))
    return dsr


def notice_days() -> int:
    """At least how many days ahead a member is told that a restriction will be lifted."""
    return int(app_settings.RESTRICTION_NOTICE_DAYS)


def earliest_lift(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=notice_days())


def announce_lift(dsr, staff_user, when: datetime, reason: str, *, now=None) -> DataSubjectRequest:
    """Tell the member, with the date and why, that a restriction will be lifted (Art. 18(3)).

    ``when`` is at least ``WAGTAIL_GDPR_RESTRICTION_NOTICE_DAYS`` days away; from then on staff
    may lift it.
    """
    now = now or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when < earliest_lift(now) - timedelta(minutes=1):
        raise ProcessingRequestRefused(
            _("Give the member at least %(days)d days' notice: choose %(date)s or later.")
            % {"days": notice_days(), "date": in_words.day(earliest_lift(now))}
        )
    with transaction.atomic():
        dsr = _in_force(dsr, DataSubjectRequest.RESTRICTION)
        if dsr.lift_after is not None:
            raise ProcessingRequestRefused(
                _("The member has already been told it is lifted on %(date)s.")
                % {"date": in_words.day(dsr.lift_after)}
            )
        try:
            notes.add(dsr, reason, author=staff_user, kind=RequestNote.TO_REQUESTER, now=now)
        except notes.NoteRefused:
            raise ProcessingRequestRefused(
                _("Give a reason: the member is told why the restriction ends.")
            ) from None
        dsr.lift_after = when
        dsr.save(update_fields=["lift_after"])
        audit.record(dsr, audit.LIFT_ANNOUNCED, staff_user, lift_after=_iso(when))
        member_emails.send_after_commit(dsr.pk, "restriction_lift_notice")
    return dsr


def _lift(dsr, staff_user, kind: str) -> DataSubjectRequest:
    now = timezone.now()
    with transaction.atomic():
        dsr = _in_force(dsr, kind)
        if kind == DataSubjectRequest.RESTRICTION:
            if dsr.lift_after is None:
                raise ProcessingRequestRefused(
                    _("Tell the member first, with the date it ends (GDPR Art. 18(3)).")
                )
            if now < dsr.lift_after:
                raise ProcessingRequestRefused(
                    _("The member was told it ends on %(date)s: it can be lifted from then.")
                    % {"date": in_words.moment(dsr.lift_after)}
                )
        dsr.in_force = False
        dsr.outcome = {
            **(dsr.outcome or {}),
            "lifted_by": staff_user.pk if staff_user else None,
            "lifted_at": _iso(now),
        }
        dsr.save(update_fields=["in_force", "outcome"])
        audit.record(dsr, audit.PROCESSING_LIFTED, staff_user, purpose=dsr.purpose)
        member_emails.send_after_commit(dsr.pk, "processing_decision")
    _forget_member_cache(dsr)
    return dsr


def accept_restriction(dsr, staff_user, *, purpose: str | None = None) -> DataSubjectRequest:
    """Restrict processing as asked (Art. 18); ``purpose`` overrides the one the member named."""
    return _accept(dsr, staff_user, DataSubjectRequest.RESTRICTION, purpose)


def lift_restriction(dsr, staff_user) -> DataSubjectRequest:
    """End a restriction on the date the member was told of (Art. 18(3)); the member is told."""
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


def lift(dsr, staff_user) -> DataSubjectRequest:
    """Lift a restriction or an objection, whichever ``dsr`` is (for the staff queue)."""
    if dsr.kind == DataSubjectRequest.OBJECTION:
        return lift_objection(dsr, staff_user)
    return lift_restriction(dsr, staff_user)
