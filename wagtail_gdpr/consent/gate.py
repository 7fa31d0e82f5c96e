"""The first-login gate: has this member acknowledged what they must before going on?

What must be acknowledged (the latest material version of the site's notice in the member's
language, and the current version of each purpose needed for the service) is cached per site and
language; whether a member has done so is remembered in their session under a fingerprint of
those requirements. Once both are warm the gate costs no database query; any material change
changes the fingerprint and asks again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import translation

from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.consent import notices
from wagtail_gdpr.tables import ConsentPurpose, ConsentRecord, ConsentState, GdprSettings

SESSION_KEY = "wagtail_gdpr_gate"
_GENERATION_KEY = "wagtail_gdpr:gate:generation"


def _cache_seconds() -> int:
    # A backstop for per-process caches; with a shared cache, invalidate() acts at once.
    return int(app_settings.GATE_CACHE_SECONDS)


@dataclass(frozen=True)
class Requirements:
    notice_page_id: int | None = None
    #: Members must have acknowledged this version number of the notice, or a later one.
    material_number: int | None = None
    #: (purpose id, version) of each active purpose needed for the service.
    purposes: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    #: Where the notice is read; never gated.
    notice_path: str = ""
    #: The privacy centre: rights do not wait for consent, so it is never gated either.
    centre_path: str = ""

    @property
    def fingerprint(self) -> str:
        """Changes with what must be acknowledged, not with where the notice lives."""
        key = (self.notice_page_id, self.material_number, self.purposes)
        return hashlib.sha256(repr(key).encode()).hexdigest()[:32]

    @property
    def empty(self) -> bool:
        return self.material_number is None and not self.purposes


@dataclass
class Outstanding:
    notice: bool
    purpose_ids: list[int]

    def __bool__(self):
        return self.notice or bool(self.purpose_ids)


def invalidate():
    """Drop the cached requirements of every site (after a publication or a purpose change)."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1, None)


def notice_page_for_reader(gdpr_settings):
    """The site's notice page in the active language: its live translation, else the page."""
    page = gdpr_settings.notice_page
    return page.localized if page is not None else None


def compute_requirements(site) -> Requirements:
    """What members of ``site`` reading in the active language must acknowledge."""
    gdpr_settings = GdprSettings.for_site(site)
    notice_page = notice_page_for_reader(gdpr_settings)
    page_id = notice_page.pk if notice_page is not None else None
    material = notices.latest_material_version(page_id) if page_id else None
    purposes = tuple(
        ConsentPurpose.objects.originals()
        .filter(required=True, active=True)
        .order_by("pk")
        .values_list("pk", "version")
    )
    return Requirements(
        notice_page_id=page_id,
        material_number=material.number if material else None,
        purposes=purposes,
        notice_path=_path_of(notice_page),
        centre_path=_path_of(gdpr_settings.privacy_centre_page),
    )


def _path_of(page) -> str:
    """The page's path on this site, or '' (never the site root: that would exempt it all)."""
    if page is None or not page.live:
        return ""
    path = page.get_url() or ""
    return path if path.startswith("/") and path != "/" else ""


def requirements_for_site(site) -> Requirements:
    generation = cache.get_or_set(_GENERATION_KEY, 1, None)
    language = translation.get_language() or "-"
    key = f"wagtail_gdpr:gate:{site.pk}:{language}:{generation}"
    requirements = cache.get(key)
    if requirements is None:
        requirements = compute_requirements(site)
        cache.set(key, requirements, _cache_seconds())
    return requirements


def outstanding(user, requirements: Requirements) -> Outstanding:
    notice = False
    if requirements.material_number is not None:
        notice = not ConsentRecord.objects.filter(
            user=user,
            purpose__isnull=True,
            action=ConsentRecord.ACKNOWLEDGED,
            notice_version__page_id=requirements.notice_page_id,
            notice_version__number__gte=requirements.material_number,
        ).exists()
    missing = []
    if requirements.purposes:
        agreed = set(
            ConsentState.objects.filter(
                user=user, given=True, purpose_id__in=[pk for pk, _ in requirements.purposes]
            ).values_list("purpose_id", "purpose_version")
        )
        missing = [pk for pk, version in requirements.purposes if (pk, version) not in agreed]
    return Outstanding(notice=notice, purpose_ids=missing)


#: The permission of everyone who may use the Wagtail admin: editors, moderators, officers.
ADMIN_ACCESS = "wagtailadmin.access_admin"


def is_gated(user) -> bool:
    """Members are gated. Staff never are; nor, unless ``WAGTAIL_GDPR_GATE_ADMIN_USERS`` is on,
    people who may use the Wagtail admin (editors), who run the site rather than use it."""
    if user is None or not user.is_authenticated or user.is_staff:
        return False
    return bool(app_settings.GATE_ADMIN_USERS) or not user.has_perm(ADMIN_ACCESS)


def must_stop(request, site) -> bool:
    """True when the member must pass the consent step before going on."""
    requirements = requirements_for_site(site)
    if requirements.empty:
        return False
    if request.session.get(SESSION_KEY) == requirements.fingerprint:
        return False
    # Whether someone is an editor costs a query, so it is asked only of those the gate would stop.
    if outstanding(request.user, requirements) and is_gated(request.user):
        return True
    remember_passed(request, requirements)
    return False


def remember_passed(request, requirements: Requirements):
    request.session[SESSION_KEY] = requirements.fingerprint
