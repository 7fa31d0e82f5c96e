"""Serving a member's copy of their data: owner only, logged in, before expiry, streamed."""

from django.db.models import F
from django.http import FileResponse, Http404
from django.utils import timezone

from wagtail_gdpr import activity
from wagtail_gdpr.models import AccessReport, MemberActivity


def download_report(request, request_id):
    """404 for anybody but the owner, and after expiry: nothing tells a stranger it exists."""
    report = (
        AccessReport.objects.filter(request_id=request_id, request__member=request.user)
        .select_related("request")
        .first()
    )
    if report is None or not report.is_available():
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    AccessReport.objects.filter(pk=report.pk).update(
        downloads=F("downloads") + 1, last_downloaded_at=timezone.now()
    )
    activity.record(
        request.user, MemberActivity.DOWNLOAD, detail=f"access #{request_id}", request=request
    )
    filename = f"my-data-{timezone.localdate(report.created_at).isoformat()}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
