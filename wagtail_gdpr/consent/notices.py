"""Notice versions: each publication of a privacy notice page, material or not.

Saving a version changes what members must acknowledge: the gate's cache is dropped by the
``post_save`` handler in ``signal_handlers``, once the publication commits.
"""

from django.db import transaction
from django.db.models import Max

from wagtail_gdpr.consent.ledger import remember_text
from wagtail_gdpr.tables import NoticeVersion


def record_publication(page, revision=None, user=None) -> NoticeVersion:
    """Record a publication of ``page``; the first one is always material.

    The page's "material change" box and its "what changed" text are cleared afterwards (on
    the page and in the published revision): they belong to this publication only.
    """
    with transaction.atomic():
        previous = NoticeVersion.objects.filter(page_id=page.pk).aggregate(n=Max("number"))["n"]
        material = bool(page.material_change) or previous is None
        change_summary = (getattr(page, "change_summary", "") or "").strip()
        version = NoticeVersion.objects.create(
            page_id=page.pk,
            revision=revision,
            number=(previous or 0) + 1,
            material=material,
            text_sha256=remember_text(page.get_notice_text()),
            published_by=user or getattr(revision, "user", None),
            change_summary=change_summary,
        )
        cleared = {"material_change": False}
        if hasattr(page, "change_summary"):
            cleared["change_summary"] = ""
        if page.material_change or change_summary:
            type(page).objects.filter(pk=page.pk).update(**cleared)
            for name, value in cleared.items():
                setattr(page, name, value)
            if revision is not None and any(revision.content.get(name) for name in cleared):
                revision.content.update(cleared)
                revision.save(update_fields=["content"])
    return version


def live_version(page_id) -> NoticeVersion | None:
    return NoticeVersion.objects.filter(page_id=page_id).order_by("-number").first()


def latest_material_version(page_id) -> NoticeVersion | None:
    return NoticeVersion.objects.filter(page_id=page_id, material=True).order_by("-number").first()
