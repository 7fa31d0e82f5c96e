"""Notice versions: each publication of a privacy notice page, material or not.

Saving a version changes what members must acknowledge: the gate's cache is dropped by the
``post_save`` handler in ``signal_handlers``, once the publication commits.
"""

from django.db import transaction
from django.db.models import Max

from wagtail_gdpr.consent.ledger import remember_text
from wagtail_gdpr.tables import ConsentRecord, NoticeVersion


def record_publication(page, revision=None, user=None) -> NoticeVersion:
    """Record a publication of ``page``; the first one is always material.

    The page's "material change" box and its "what changed" summary are cleared afterwards (on
    the page and in the published revision), so the next publication is not material unless an
    editor says so again; the summary is kept with the version. Each translation of a notice is
    a page of its own, so a changed translation is a new version of that translation.
    """
    summary = (getattr(page, "change_summary", "") or "").strip()
    with transaction.atomic():
        previous = NoticeVersion.objects.filter(page_id=page.pk).aggregate(n=Max("number"))["n"]
        material = bool(page.material_change) or previous is None
        version = NoticeVersion.objects.create(
            page_id=page.pk,
            revision=revision,
            number=(previous or 0) + 1,
            material=material,
            change_summary=summary if material else "",
            text_sha256=remember_text(page.get_notice_text()),
            published_by=user or getattr(revision, "user", None),
        )
        if page.material_change or summary:
            cleared = {"material_change": False, "change_summary": ""}
            fields = [name for name in cleared if hasattr(page, name)]
            type(page).objects.filter(pk=page.pk).update(**{n: cleared[n] for n in fields})
            for name in fields:
                setattr(page, name, cleared[name])
            if revision is not None and any(revision.content.get(n) for n in fields):
                revision.content.update({n: cleared[n] for n in fields})
                revision.save(update_fields=["content"])
    return version


def changes_since(page_id, acknowledged_number: int | None) -> list[NoticeVersion]:
    """The material versions after the one a member acknowledged, oldest first, each with the
    editor's summary of what changed."""
    versions = NoticeVersion.objects.filter(page_id=page_id, material=True)
    if acknowledged_number is not None:
        versions = versions.filter(number__gt=acknowledged_number)
    return list(versions.exclude(change_summary="").order_by("number"))


def live_version(page_id) -> NoticeVersion | None:
    return NoticeVersion.objects.filter(page_id=page_id).order_by("-number").first()


def latest_material_version(page_id) -> NoticeVersion | None:
    return NoticeVersion.objects.filter(page_id=page_id, material=True).order_by("-number").first()


def acknowledgements(user, page_id) -> list:
    """The member's acknowledgements of a notice page's versions, newest first."""
    return list(
        ConsentRecord.objects.filter(
            user=user,
            purpose__isnull=True,
            action=ConsentRecord.ACKNOWLEDGED,
            notice_version__page_id=page_id,
        )
        .select_related("notice_version")
        .order_by("-notice_version__number", "-pk")
    )


def for_member(user, page) -> dict:
    """The notice as the privacy centre shows it: the live version, the one the member last
    acknowledged, and what changed in each material version (newest first)."""
    if page is None:
        return {}
    acknowledged = acknowledgements(user, page.pk)
    return {
        "page": page,
        "live": live_version(page.pk),
        "acknowledged": acknowledged[0] if acknowledged else None,
        "changes": list(
            NoticeVersion.objects.filter(page_id=page.pk, material=True)
            .exclude(change_summary="")
            .order_by("-number")[:5]
        ),
    }
