"""The list of proposed corrections waiting for review, beside the request queue.

Each links to the request's own page, where staff approve or reject it as they act on any
request: through the staff actions.
"""

from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from wagtail_gdpr.admin.access import managers_only
from wagtail_gdpr.admin.queue import request_url
from wagtail_gdpr.tables import DataSubjectRequest


def waiting():
    return (
        DataSubjectRequest.objects.filter(
            kind=DataSubjectRequest.RECTIFICATION, status=DataSubjectRequest.IN_REVIEW
        )
        .select_related("member")
        .order_by("due_at", "received_at", "pk")
    )


@managers_only
@require_GET
def index(request):
    rows = [(dsr, request_url(dsr, request.user)) for dsr in waiting()]
    return TemplateResponse(
        request,
        "wagtail_gdpr/admin/corrections_index.html",
        {"rows": rows, "now": timezone.now()},
    )


def urls() -> list:
    """The list's URL, for Wagtail's ``register_admin_urls`` hook."""
    return [path("gdpr/corrections/", index, name="wagtail_gdpr_corrections")]
