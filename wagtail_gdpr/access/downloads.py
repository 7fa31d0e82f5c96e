"""Serving a member's copy of their data: owner only, before expiry; every download counted and
recorded in the member's activity."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from wagtail_gdpr import activity
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.tables import AccessReport, MemberActivity


class NotAvailable(Refused):
    """There is no copy to download: not the member's, expired, or its file is gone."""


def open_for_member(user, request_id, *, request=None):
    """``(report, file handle)`` of the member's own copy, counted and logged as downloaded.

    Raises :class:`NotAvailable` for anybody but the owner and after expiry, with no hint that
    the copy exists.
    """
    report = (
        AccessReport.objects.filter(request_id=request_id, request__member=user)
        .select_related("request")
        .first()
    )
    if report is None or not report.is_available():
        raise NotAvailable("")
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise NotAvailable("") from None
    AccessReport.objects.filter(pk=report.pk).update(
        downloads=F("downloads") + 1, last_downloaded_at=timezone.now()
    )
    activity.record(user, MemberActivity.DOWNLOAD, detail=f"access #{request_id}", request=request)
    return report, handle
