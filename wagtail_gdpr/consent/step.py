"""The consent step at first login: what a member is asked, and recording their answers.

Everything the member agreed to on the step is recorded in one transaction: all of it, or, when
a text changed since it was shown, none of it (:class:`~wagtail_gdpr.consent.StaleText`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail_gdpr.consent import gate, ledger, notices
from wagtail_gdpr.tables import ConsentPurpose, ConsentRecord, ConsentState, GdprSettings


@dataclass
class Questions:
    """What the step asks one member now."""

    requirements: gate.Requirements
    outstanding: gate.Outstanding
    notice_page: object
    live_version: object
    #: Purposes needed for the service that the member has not acknowledged in this version.
    required: list[ConsentPurpose]
    #: Optional purposes the member has not answered in their current version.
    optional: list[ConsentPurpose]
    #: The material versions of the notice since the member last acknowledged it, each with
    #: what changed (empty at a first acknowledgement).
    changes: list = field(default_factory=list)

    def text_of(self, purpose: ConsentPurpose) -> ConsentPurpose:
        """The purpose's text in the member's language (the row whose words are shown)."""
        return purpose.for_reader()


def unanswered_optional_purposes(user) -> list[ConsentPurpose]:
    answered = set(
        ConsentState.objects.filter(user=user).values_list("purpose_id", "purpose_version")
    )
    return [
        purpose
        for purpose in ConsentPurpose.objects.originals()
        .filter(required=False, active=True)
        .order_by("name")
        if (purpose.pk, purpose.version) not in answered
    ]


def last_acknowledged(user, page_id) -> int | None:
    """The number of the notice version the member last acknowledged, or ``None``."""
    return (
        ConsentRecord.objects.filter(
            user=user,
            purpose__isnull=True,
            action=ConsentRecord.ACKNOWLEDGED,
            notice_version__page_id=page_id,
        )
        .order_by("-notice_version__number")
        .values_list("notice_version__number", flat=True)
        .first()
    )


def questions(user, site) -> Questions:
    requirements = gate.compute_requirements(site)
    outstanding = gate.outstanding(user, requirements)
    notice_page = gate.notice_page_for_reader(GdprSettings.current(site=site))
    notice_page = notice_page.specific if notice_page else None
    changes = []
    if notice_page is not None and outstanding.notice:
        acknowledged = last_acknowledged(user, notice_page.pk)
        if acknowledged is not None:
            changes = notices.changes_since(notice_page.pk, acknowledged)
    return Questions(
        requirements=requirements,
        outstanding=outstanding,
        notice_page=notice_page,
        live_version=notices.live_version(notice_page.pk) if notice_page else None,
        required=list(
            ConsentPurpose.objects.filter(pk__in=outstanding.purpose_ids).order_by("name")
        ),
        optional=unanswered_optional_purposes(user) if outstanding else [],
        changes=changes,
    )


def record_answers(
    user,
    asked: Questions,
    *,
    notice_shown: tuple,
    shown: dict[str, tuple],
    chosen: list[ConsentPurpose],
    request=None,
) -> None:
    """Record the step: the notice acknowledged, the required purposes and the ``chosen`` ones.

    ``notice_shown`` is ``(version pk, text SHA-256)`` of the notice as the page showed it;
    ``shown`` maps each purpose's slug to ``(version, text SHA-256)`` as shown. Raises
    :class:`~wagtail_gdpr.consent.StaleText` and records nothing when any of them changed.
    """
    with transaction.atomic():
        if asked.outstanding.notice:
            live = asked.live_version
            if live is None or tuple(notice_shown) != (live.pk, live.text_sha256):
                raise ledger.StaleText(
                    _(
                        "The privacy notice has changed since you opened this page. "
                        "Please read it again."
                    )
                )
            ledger.acknowledge_notice(user, live, source=ConsentRecord.SOURCE_GATE, request=request)
        for purpose in asked.required + list(chosen):
            version, sha256 = shown[purpose.slug]
            ledger.give(
                user,
                purpose,
                version=version,
                shown_sha256=sha256,
                source=ConsentRecord.SOURCE_GATE,
                request=request,
            )
