"""A copy of the member's data: asking for one, following it, downloading it."""

from django.http import FileResponse, Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils import timezone

from wagtail_gdpr import routes
from wagtail_gdpr.access import copies, downloads
from wagtail_gdpr.tables import DataSubjectRequest
from wagtail_gdpr.views.common import render_centre
from wagtail_gdpr.views.following import follow_context


def request_copy(request, page):
    if request.method == "POST":
        try:
            dsr = copies.request_copy(request.user, request=request)
        except copies.RequestRefused as exc:
            status = 429 if isinstance(exc, copies.TooManyRequests) else 409
            return render_centre(
                request, page, "copy.html", {"refusal": exc.message}, section="request_copy",
                status=status,
            )  # fmt: skip
        url = routes.route_url(page, "copy_status", dsr.pk, request=request)
        return HttpResponseRedirect(url, status=303)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    context = {"latest": copies.latest(request.user)}
    return render_centre(request, page, "copy.html", context, section="request_copy")


def copy_status(request, page, request_id):
    dsr = copies.for_member(request.user, request_id)
    if dsr is None:
        raise Http404
    report = getattr(dsr, "report", None)
    refresh = dsr.status in (DataSubjectRequest.QUEUED, DataSubjectRequest.RUNNING)
    response = render_centre(
        request,
        page,
        "copy_status.html",
        {
            "dsr": dsr,
            "report": report if report and report.is_available() else None,
            "expired": bool(report and not report.is_available()),
            "refresh": refresh,
            **follow_context(dsr),
        },
        section="request_copy",
    )
    if refresh:
        response["Refresh"] = "5"  # the page follows progress without JavaScript
    return response


def download(request, request_id):
    """404 for anybody but the owner, and after expiry: nothing tells a stranger it exists."""
    try:
        report, handle = downloads.open_for_member(request.user, request_id, request=request)
    except downloads.NotAvailable:
        raise Http404 from None
    filename = f"my-data-{timezone.localdate(report.created_at).isoformat()}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
